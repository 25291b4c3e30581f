/**
 * TOML for manifests: text to values with positions, or one syntax diagnostic. See
 * `toml-syntax.ts` (TOML 1.0, positions) and `toml-tree.ts` (the value types).
 */
import type { Diagnostic } from "./errors.ts";
import { parseTomlSyntax, tomlSyntaxError } from "./toml-syntax.ts";
import { buildTomlTree, type TomlNode, TomlStructureError, type TomlTable } from "./toml-tree.ts";

export type TomlResult =
  | { readonly ok: true; readonly root: TomlTable }
  | { readonly ok: false; readonly diagnostic: Diagnostic };

/** Parses TOML text; never throws. */
export function readToml(text: string, file: string): TomlResult {
  const syntax = parseTomlSyntax(text, file);
  if (!syntax.ok) return syntax;
  try {
    return { ok: true, root: buildTomlTree(syntax.ast) };
  } catch (error) {
    if (!(error instanceof TomlStructureError)) throw error;
    const hint = "define each key and table once";
    return { ok: false, diagnostic: { file, ...error.pos, message: error.message, hint } };
  }
}

/** Parses TOML text; throws EKA_TOML_SYNTAX with the one located diagnostic. */
export function parseToml(text: string, file: string): TomlTable {
  const result = readToml(text, file);
  if (!result.ok) throw tomlSyntaxError(result.diagnostic);
  return result.root;
}

/** A TOML value without positions. Integers are numbers when safe, else bigints. */
export type PlainValue =
  | string
  | number
  | bigint
  | boolean
  | readonly PlainValue[]
  | { readonly [key: string]: PlainValue };

export type PlainTable = { readonly [key: string]: PlainValue };

export function tomlToPlain(node: TomlNode): PlainValue {
  switch (node.kind) {
    case "table":
      return tomlTableToPlain(node);
    case "array":
      return node.items.map(tomlToPlain);
    case "integer": {
      const n = Number(node.value);
      return Number.isSafeInteger(n) ? n : node.value;
    }
    default:
      return node.value;
  }
}

export function tomlTableToPlain(table: TomlTable): PlainTable {
  // fromEntries defines own properties, so a key such as "__proto__" stays a plain key.
  return Object.fromEntries(Array.from(table.entries, ([k, e]) => [k, tomlToPlain(e.value)]));
}
