/**
 * The JSON Canonicalization Scheme (RFC 8785): one byte sequence for one JSON value, whatever
 * the key order, whitespace or number spelling it was written with.
 *
 * - literals `null`, `true`, `false` as such;
 * - numbers as ECMAScript's Number-to-String (shortest round-trip form, exponent from 1e21 and
 *   below 1e-6, `-0` as `0`); NaN and the infinities are refused;
 * - strings with only `"`, `\` and the control characters below U+0020 escaped (`\b \t \n \f \r`
 *   by name, the others as `\u00xx` in lowercase hex), everything else as is; lone surrogates are
 *   refused (the input must be valid Unicode);
 * - object members sorted by their names compared as arrays of UTF-16 code units, no whitespace.
 */
import { EkaError } from "./errors.ts";

/** A JSON value as canonicalisation accepts it. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

const NAMED_ESCAPES: Readonly<Record<number, string>> = {
  8: "\\b",
  9: "\\t",
  10: "\\n",
  12: "\\f",
  13: "\\r",
  34: '\\"',
  92: "\\\\",
};

function refuse(message: string, path: string): never {
  throw new EkaError("EKA_CONFIG_INVALID", `${message} at ${path === "" ? "the top" : path}`, {
    where: path === "" ? "(configuration)" : path,
    hint: "configuration values are JSON: strings of valid Unicode, finite numbers, booleans, null, arrays and objects",
  });
}

function serialiseString(text: string, path: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    const named = NAMED_ESCAPES[unit];
    if (named !== undefined) out += named;
    else if (unit < 0x20) out += `\\u${unit.toString(16).padStart(4, "0")}`;
    else if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) refuse("a string holds a lone surrogate", path);
      out += text[i]! + text[i + 1]!;
      i++;
    } else if (unit >= 0xdc00 && unit <= 0xdfff) refuse("a string holds a lone surrogate", path);
    else out += text[i]!;
  }
  return `${out}"`;
}

function serialiseNumber(n: number, path: string): string {
  if (!Number.isFinite(n)) refuse(`${n} is not a JSON number`, path);
  // ECMAScript's Number::toString is the serialisation RFC 8785 §3.2.2.3 prescribes; -0 is 0.
  return Object.is(n, -0) ? "0" : String(n);
}

/** UTF-16 code unit order (RFC 8785 §3.2.3), which is what `<` on JS strings compares. */
function compareUtf16(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function serialise(value: unknown, path: string): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "boolean":
      return value ? "true" : "false";
    case "number":
      return serialiseNumber(value, path);
    case "bigint":
      if (value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)) {
        return serialiseNumber(Number(value), path);
      }
      return refuse(`the integer ${value} is beyond what a JSON number holds exactly`, path);
    case "string":
      return serialiseString(value, path);
    case "object": {
      if (Array.isArray(value)) {
        return `[${value.map((v, i) => serialise(v, `${path}[${i}]`)).join(",")}]`;
      }
      const record = value as Readonly<Record<string, unknown>>;
      const keys = Object.keys(record).sort(compareUtf16);
      const members = keys.map((k) => {
        const child = path === "" ? k : `${path}.${k}`;
        return `${serialiseString(k, child)}:${serialise(record[k], child)}`;
      });
      return `{${members.join(",")}}`;
    }
    default:
      return refuse(`a ${typeof value} is not a JSON value`, path);
  }
}

/**
 * The canonical JSON text of `value` (RFC 8785). Throws EKA_CONFIG_INVALID for what JSON cannot
 * hold exactly: non-finite numbers, integers beyond 2^53, lone surrogates, functions, undefined.
 */
export function canonicalJson(value: unknown): string {
  return serialise(value, "");
}
