/**
 * Editing `ekala.toml` as text, so that every comment, blank line and the formatting of the
 * rest of the file stay exactly as they were: only the list of packages is touched.
 */
import type { AST } from "toml-eslint-parser";
import { EKALA_MANIFEST_FILE } from "./ekala-manifest.ts";
import { EkaError, formatLocation } from "./errors.ts";
import { kindWord } from "./manifest-fields.ts";
import { checkRelativePath } from "./relative-path.ts";
import { normaliseRepoPath, REPO_PATH_RULES } from "./repo-path.ts";
import { showText } from "./show-text.ts";
import { readToml } from "./toml.ts";
import { tomlString } from "./toml-string.ts";
import { parseTomlAst, tomlSyntaxError } from "./toml-syntax.ts";
import type { TomlPos, TomlString } from "./toml-tree.ts";

interface Edit {
  readonly at: number;
  readonly insert: string;
  /** Characters replaced from `at` (0: a pure insertion). */
  readonly remove?: number;
}

type Key = AST.TOMLBare | AST.TOMLQuoted;

function names(keys: readonly Key[]): string {
  return keys.map((k) => (k.type === "TOMLBare" ? k.name : k.value)).join("\u0000");
}

function lineStart(text: string, at: number): number {
  return text.lastIndexOf("\n", at - 1) + 1;
}

/** The offset of the line break (`\r\n` or `\n`) ending the line of `at`, or the text length. */
function lineEnd(text: string, at: number): number {
  const nl = text.indexOf("\n", at);
  if (nl < 0) return text.length;
  return text[nl - 1] === "\r" ? nl - 1 : nl;
}

function indentOf(text: string, at: number): string {
  return /^[ \t]*/.exec(text.slice(lineStart(text, at)))?.[0] ?? "";
}

function isBlankBefore(text: string, at: number): boolean {
  return text.slice(lineStart(text, at), at).trim() === "";
}

function applyEdits(text: string, edits: readonly Edit[]): string {
  let out = text;
  for (const edit of [...edits].sort((a, b) => b.at - a.at)) {
    out = out.slice(0, edit.at) + edit.insert + out.slice(edit.at + (edit.remove ?? 0));
  }
  return out;
}

function commaAfter(ast: AST.TOMLProgram, from: number, to: number): AST.Token | undefined {
  return ast.tokens.find(
    (t) => t.type === "Punctuator" && t.value === "," && t.range[0] >= from && t.range[1] <= to,
  );
}

/** Appends `item` to an array, in the array's own style. */
function appendToArray(
  text: string,
  ast: AST.TOMLProgram,
  array: AST.TOMLArray,
  item: string,
  eol: string,
): Edit[] {
  const [open, end] = array.range;
  const close = end - 1;
  const last = array.elements.at(-1);
  const multiLine = text.slice(open, end).includes("\n");
  if (last === undefined) {
    if (!multiLine) return [{ at: open + 1, remove: close - open - 1, insert: item }];
    // `[` … `]` over several lines, perhaps with comments: a new line just before `]`.
    const comment = ast.comments.filter((c) => c.range[0] > open && c.range[1] <= close).at(-1);
    const indent =
      comment !== undefined && isBlankBefore(text, comment.range[0])
        ? text.slice(lineStart(text, comment.range[0]), comment.range[0])
        : `${indentOf(text, close)}  `;
    if (isBlankBefore(text, close))
      return [{ at: lineStart(text, close), insert: `${indent}${item},${eol}` }];
    return [{ at: close, insert: `${eol}${indent}${item},${eol}` }];
  }
  const comma = commaAfter(ast, last.range[1], close);
  if (!multiLine) {
    const first = array.elements[0]!;
    const second = array.elements[1];
    const spaced = second === undefined || /\s/.test(text.slice(first.range[1], second.range[0]));
    const space = spaced ? " " : "";
    if (comma !== undefined) return [{ at: comma.range[1], insert: `${space}${item},` }];
    return [{ at: last.range[1], insert: `,${space}${item}` }];
  }
  const ownLine = isBlankBefore(text, last.range[0]);
  const sharesOpenLine = lineStart(text, last.range[0]) === lineStart(text, open);
  const indent = ownLine
    ? text.slice(lineStart(text, last.range[0]), last.range[0])
    : `${indentOf(text, last.range[0])}${sharesOpenLine ? "  " : ""}`;
  const anchor = comma?.range[1] ?? last.range[1];
  const end0 = lineEnd(text, anchor);
  // After the rest of the last element's line (its comment), unless `]` is on that line too.
  const at = close < end0 ? anchor : end0;
  const added = { at, insert: `${eol}${indent}${item}${comma === undefined ? "" : ","}` };
  if (comma !== undefined) return [added];
  // The old last element needs a comma now; at the same offset it must come first.
  if (at === last.range[1]) return [{ at, insert: `,${added.insert}` }];
  return [{ at: last.range[1], insert: "," }, added];
}

function invalid(file: string, at: TomlPos, message: string, hint: string): EkaError {
  return new EkaError("EKA_MANIFEST_INVALID", `${file} has 1 problem`, {
    where: formatLocation({ file, ...at }),
    hint,
    diagnostics: [{ file, ...at, message, hint }],
  });
}

const SET = "set";

/** Where the packages list is, or where `[set]` is when it has none. */
interface Found {
  array?: AST.TOMLArray;
  header?: AST.TOMLTable;
  inline?: AST.TOMLInlineTable;
  dotted?: AST.TOMLKeyValue;
}

function findSet(ast: AST.TOMLProgram): Found {
  const found: Found = {};
  const takeArray = (kv: AST.TOMLKeyValue) => {
    if (kv.value.type === "TOMLArray") found.array = kv.value;
  };
  for (const item of ast.body[0].body) {
    if (item.type === "TOMLTable") {
      if (item.kind === "array" || names(item.key.keys) !== SET) continue;
      found.header = item;
      for (const kv of item.body) if (names(kv.key.keys) === "packages") takeArray(kv);
      continue;
    }
    const keys = item.key.keys;
    if (names(keys.slice(0, 1)) !== SET) continue;
    if (keys.length === 1 && item.value.type === "TOMLInlineTable") {
      found.inline = item.value;
      for (const kv of item.value.body) if (names(kv.key.keys) === "packages") takeArray(kv);
    } else if (keys.length === 2 && names(keys.slice(1)) === "packages") takeArray(item);
    else found.dotted = item;
  }
  return found;
}

function addEdits(
  text: string,
  ast: AST.TOMLProgram,
  found: Found,
  item: string,
  eol: string,
): Edit[] {
  const line = `packages = [${item}]`;
  if (found.array !== undefined) return appendToArray(text, ast, found.array, item, eol);
  if (found.header !== undefined) {
    const header = found.header;
    const first = header.body[0];
    const indent =
      first === undefined ? indentOf(text, header.range[0]) : indentOf(text, first.range[0]);
    const end = lineEnd(text, header.key.range[1]);
    if (end === text.length) return [{ at: end, insert: `${eol}${indent}${line}${eol}` }];
    return [{ at: text.indexOf("\n", end) + 1, insert: `${indent}${line}${eol}` }];
  }
  if (found.inline !== undefined) {
    const table = found.inline;
    const last = table.body.at(-1);
    if (last === undefined)
      return [
        {
          at: table.range[0] + 1,
          remove: table.range[1] - table.range[0] - 2,
          insert: ` ${line} `,
        },
      ];
    return [{ at: last.range[1], insert: `, ${line}` }];
  }
  if (found.dotted !== undefined) {
    const end = lineEnd(text, found.dotted.range[1]);
    return [{ at: end, insert: `${eol}${indentOf(text, found.dotted.range[0])}set.${line}` }];
  }
  return [{ at: text.length, insert: `${separator(text, eol)}[set]${eol}${line}${eol}` }];
}

/** What goes between the end of a file and a table appended to it: a blank line. */
function separator(text: string, eol: string): string {
  if (text === "" || text === eol || text.endsWith(`${eol}${eol}`)) return "";
  return text.endsWith(eol) ? eol : `${eol}${eol}`;
}

/**
 * The strings of `set.packages`, or null when there is no such key. Throws EKA_MANIFEST_INVALID
 * when `set` is not a table or `packages` not an array of strings written as one `[…]`.
 */
function listedStrings(text: string, file: string, found: Found): TomlString[] | null {
  const result = readToml(text, file);
  if (!result.ok) throw tomlSyntaxError(result.diagnostic);
  const set = result.root.entries.get("set");
  if (set === undefined) return null;
  if (set.value.kind !== "table") {
    throw invalid(
      file,
      set.value,
      `set must be a table, not ${kindWord(set.value)}`,
      "write it as a [set] table",
    );
  }
  const packages = set.value.entries.get("packages");
  if (packages === undefined) return null;
  const strings =
    packages.value.kind === "array" ? packages.value.items.filter((i) => i.kind === "string") : [];
  if (
    found.array === undefined ||
    packages.value.kind !== "array" ||
    strings.length !== packages.value.items.length
  ) {
    throw invalid(
      file,
      packages.value,
      "set.packages must be an array of paths",
      'write it as packages = ["pkgs/button"]',
    );
  }
  return strings;
}

function normalised(item: TomlString): string | undefined {
  const checked = checkRelativePath(item.value, REPO_PATH_RULES);
  return checked.ok ? checked.path : undefined;
}

/**
 * `text` (an ekala.toml) with `path` appended to `[set] packages`, in the list's own style:
 * a one-line list stays on one line; a multi-line list gets a new line after its last element,
 * with the same indentation and trailing-comma habit, before any trailing comment or `]`.
 * A missing `packages` is added under `[set]`, a missing `[set]` at the end of the file. Line
 * ends follow the file's (CRLF stays CRLF). Nothing else in the text changes.
 *
 * Throws EKA_PATH_INVALID for a bad path, EKA_DUPLICATE_PATH when it is already listed (after
 * normalisation), EKA_TOML_SYNTAX when `text` is not TOML, and EKA_MANIFEST_INVALID when `set`
 * or `packages` has the wrong type.
 */
export function addPackagePath(text: string, path: string, file = EKALA_MANIFEST_FILE): string {
  const normal = normaliseRepoPath(path);
  const ast = parseTomlAst(text, file);
  const found = findSet(ast);
  const already = listedStrings(text, file, found)?.find((item) => normalised(item) === normal);
  if (already !== undefined) {
    throw new EkaError("EKA_DUPLICATE_PATH", `${showText(normal)} is already listed in ${file}`, {
      where: formatLocation({ file, ...already }),
      hint: "each atom directory is listed once",
    });
  }
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const out = applyEdits(text, addEdits(text, ast, found, tomlString(normal), eol));
  const after = listedStrings(out, file, findSet(parseTomlAst(out, file))) ?? [];
  if (after.filter((item) => normalised(item) === normal).length !== 1) {
    throw new EkaError(
      "EKA_INTERNAL",
      `adding ${showText(normal)} to ${file} did not list it exactly once`,
    );
  }
  return out;
}
