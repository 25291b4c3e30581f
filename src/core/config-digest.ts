/**
 * Evaluation configuration (protocol.md §10): the `[nix.config]` defaults of the atom, then each
 * `--config-file` (a JSON object), then each `--config key=value`, merged (objects member by
 * member, anything else replaced), written as canonical JSON (RFC 8785) and hashed with BLAKE3.
 * The digest is written like every b3 digest (52 base32hex characters); with the atom id and the
 * version it is the identity of an evaluation.
 */
import { blake3 } from "@noble/hashes/blake3.js";
import { encodeBase32Hex } from "./base32hex.ts";
import { canonicalJson, type JsonValue } from "./canonical-json.ts";
import { EkaError } from "./errors.ts";
import type { Brand } from "./types.ts";

/** The b3 digest of a configuration's canonical JSON. */
export type ConfigDigest = Brand<string, "ConfigDigest">;

export type ConfigObject = { readonly [key: string]: JsonValue };

/** A configuration as an evaluation receives it. */
export interface Config {
  readonly value: ConfigObject;
  /** RFC 8785 text of `value`. */
  readonly canonical: string;
  readonly digest: ConfigDigest;
}

/** One layer of configuration and where it came from (for messages). */
export interface ConfigLayer {
  readonly from: string;
  readonly value: ConfigObject;
}

const KEY = /^[A-Za-z_][A-Za-z0-9_'-]*$/;

function usage(message: string, hint: string): EkaError {
  return new EkaError("EKA_CONFIG_INVALID", message, { hint });
}

/**
 * `--config key=value`: the key is a dotted path of Nix-friendly names (`a.b.c`); the value is
 * read as JSON when it is JSON (`3`, `true`, `null`, `"3"`, `[1,2]`, `{"a":1}`) and as a string
 * otherwise (`x86_64-linux`).
 */
export function parseConfigAssignment(text: string): ConfigLayer {
  const eq = text.indexOf("=");
  if (eq <= 0) {
    throw usage(
      `--config ${JSON.stringify(text)} is not key=value`,
      "write --config key=value (a value that is not JSON is a string: --config system=x86_64-linux)",
    );
  }
  const path = text.slice(0, eq).split(".");
  for (const part of path) {
    if (!KEY.test(part)) {
      throw usage(
        `--config ${JSON.stringify(text)}: ${JSON.stringify(part)} is not a configuration key`,
        "keys are names (letters, digits, _, ' and -, not starting with a digit), dotted for nested tables: --config a.b=1",
      );
    }
  }
  const raw = text.slice(eq + 1);
  let value: JsonValue;
  try {
    value = JSON.parse(raw) as JsonValue;
  } catch {
    value = raw;
  }
  let nested: JsonValue = value;
  for (let i = path.length - 1; i >= 0; i--) nested = { [path[i]!]: nested };
  return { from: `--config ${text}`, value: nested as ConfigObject };
}

/** A `--config-file`'s text: one JSON object. */
export function parseConfigFile(text: string, file: string): ConfigLayer {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new EkaError("EKA_CONFIG_INVALID", `${file} is not JSON: ${(error as Error).message}`, {
      where: file,
      hint: 'a configuration file holds one JSON object, such as {"system": "x86_64-linux"}',
    });
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new EkaError("EKA_CONFIG_INVALID", `${file} holds JSON that is not an object`, {
      where: file,
      hint: 'a configuration file holds one JSON object, such as {"system": "x86_64-linux"}',
    });
  }
  return { from: file, value: value as ConfigObject };
}

function isObject(v: JsonValue | undefined): v is ConfigObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function merge(base: ConfigObject, over: ConfigObject): ConfigObject {
  const out: Record<string, JsonValue> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const old = out[key];
    out[key] = isObject(old) && isObject(value) ? merge(old, value) : value;
  }
  return out;
}

/** The b3 digest of canonical JSON text. */
export function configDigestOf(canonical: string): ConfigDigest {
  return encodeBase32Hex(blake3(new TextEncoder().encode(canonical))) as ConfigDigest;
}

/** Merges the layers, lowest first, and computes the canonical text and digest. */
export function buildConfig(layers: readonly ConfigLayer[]): Config {
  let value: ConfigObject = {};
  for (const layer of layers) value = merge(value, layer.value);
  const canonical = canonicalJson(value);
  return {
    value: JSON.parse(canonical) as ConfigObject,
    canonical,
    digest: configDigestOf(canonical),
  };
}
