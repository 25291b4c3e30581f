/**
 * Text edits of a TOML document that keep every other byte: comments, blank lines, key order,
 * quoting and line ends (CRLF stays CRLF). A `TomlDoc` knows where each key is defined — by a
 * `[table]` header, an inline table, or dotted keys — and adds, replaces or removes one entry in
 * the style the document already uses for that table.
 *
 * Paths are compared after NFKC normalisation (labels and set names are stored normalised).
 */
import type { AST } from "toml-eslint-parser";
import { tomlString } from "./toml-string.ts";
import { parseTomlAst } from "./toml-syntax.ts";

export interface Edit {
  readonly at: number;
  readonly insert: string;
  /** Characters replaced from `at` (0: a pure insertion). */
  readonly remove?: number;
}

export function applyEdits(text: string, edits: readonly Edit[]): string {
  let out = text;
  for (const edit of [...edits].sort((a, b) => b.at - a.at)) {
    out = out.slice(0, edit.at) + edit.insert + out.slice(edit.at + (edit.remove ?? 0));
  }
  return out;
}

export function lineStart(text: string, at: number): number {
  return text.lastIndexOf("\n", at - 1) + 1;
}

/** The offset of the line break (`\r\n` or `\n`) ending the line of `at`, or the text length. */
export function lineEnd(text: string, at: number): number {
  const nl = text.indexOf("\n", at);
  if (nl < 0) return text.length;
  return text[nl - 1] === "\r" ? nl - 1 : nl;
}

function indentOf(text: string, at: number): string {
  return /^[ \t]*/.exec(text.slice(lineStart(text, at)))?.[0] ?? "";
}

/** A key as TOML needs it: bare when it can be, else a basic string. */
export function tomlKey(key: string): string {
  return /^[A-Za-z0-9_-]+$/.test(key) ? key : tomlString(key);
}

type Key = AST.TOMLBare | AST.TOMLQuoted;

const keyName = (k: Key) => (k.type === "TOMLBare" ? k.name : k.value);
const norm = (s: string) => s.normalize("NFKC");

/** A key/value pair and where it sits. */
export interface Site {
  readonly kv: AST.TOMLKeyValue;
  /** The full path of its key, from the root. */
  readonly path: readonly string[];
  /** The path of the table its key is relative to (root, `[header]` or inline table). */
  readonly base: readonly string[];
  /** The inline table it is written in, if any. */
  readonly inline?: AST.TOMLInlineTable;
}

function startsWith(path: readonly string[], prefix: readonly string[]): boolean {
  return prefix.length <= path.length && prefix.every((p, i) => norm(p) === norm(path[i]!));
}

function samePath(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && startsWith(a, b);
}

export class TomlDoc {
  readonly text: string;
  readonly eol: string;
  readonly ast: AST.TOMLProgram;
  readonly sites: Site[] = [];
  readonly headers: { readonly table: AST.TOMLTable; readonly path: readonly string[] }[] = [];

  constructor(text: string, file: string) {
    this.text = text;
    this.eol = text.includes("\r\n") ? "\r\n" : "\n";
    this.ast = parseTomlAst(text, file);
    for (const item of this.ast.body[0].body) {
      if (item.type === "TOMLKeyValue") this.collect(item, []);
      else {
        const path = item.key.keys.map(keyName);
        if (item.kind === "standard") this.headers.push({ table: item, path });
        for (const kv of item.body) this.collect(kv, path);
      }
    }
  }

  private collect(kv: AST.TOMLKeyValue, base: readonly string[], inline?: AST.TOMLInlineTable) {
    const path = [...base, ...kv.key.keys.map(keyName)];
    this.sites.push({ kv, path, base, ...(inline === undefined ? {} : { inline }) });
    if (kv.value.type === "TOMLInlineTable") {
      for (const child of kv.value.body) this.collect(child, path, kv.value);
    }
  }

  /** The key/value whose key is exactly `path`. */
  site(path: readonly string[]): Site | undefined {
    return this.sites.find((s) => samePath(s.path, path));
  }

  private header(path: readonly string[]) {
    return this.headers.find((h) => samePath(h.path, path));
  }

  private inlineTable(path: readonly string[]): AST.TOMLInlineTable | undefined {
    const value = this.site(path)?.kv.value;
    return value?.type === "TOMLInlineTable" ? value : undefined;
  }

  /** The last key/value whose dotted key passes through the table at `path`. */
  private lastDotted(path: readonly string[]): Site | undefined {
    return this.sites.findLast(
      (s) => s.path.length > path.length && s.base.length < path.length && startsWith(s.path, path),
    );
  }

  private exists(path: readonly string[]): boolean {
    return (
      this.header(path) !== undefined ||
      this.inlineTable(path) !== undefined ||
      this.lastDotted(path) !== undefined ||
      this.headers.some((h) => startsWith(h.path, path))
    );
  }

  /** `entry` added to an inline table: after its last pair, or as its only pair. */
  private intoInline(table: AST.TOMLInlineTable, entry: string): Edit {
    const last = table.body.at(-1);
    if (last !== undefined) return { at: last.range[1], insert: `, ${entry}` };
    const [open, end] = table.range;
    return { at: open + 1, remove: end - open - 2, insert: ` ${entry} ` };
  }

  /** `entry` on a new line after `site` (or after it in its inline table). */
  private after(site: Site, entry: string): Edit {
    if (site.inline !== undefined) return { at: site.kv.range[1], insert: `, ${entry}` };
    const at = lineEnd(this.text, site.kv.range[1]);
    return { at, insert: `${this.eol}${indentOf(this.text, site.kv.range[0])}${entry}` };
  }

  /**
   * Where a new `[table]` section goes after `anchor`'s section: after its last line that is
   * neither blank nor a comment block attached to the next header.
   */
  private sectionEnd(anchor: AST.TOMLTable | undefined): number {
    const items = this.ast.body[0].body;
    const start = anchor === undefined ? 0 : anchor.range[1];
    const next = items.find((item) => item.type === "TOMLTable" && item.range[0] >= start);
    let end = next === undefined ? this.text.length : lineStart(this.text, next.range[0]);
    const lineAbove = (at: number) => lineStart(this.text, Math.max(at - 1, 0));
    const isLine = (from: number, test: (line: string) => boolean) =>
      test(this.text.slice(from, lineEnd(this.text, from)).trim());
    if (next !== undefined) {
      while (end > start && isLine(lineAbove(end), (l) => l.startsWith("#"))) end = lineAbove(end);
    }
    while (end > start && isLine(lineAbove(end), (l) => l === "")) end = lineAbove(end);
    return end === 0 ? 0 : lineEnd(this.text, lineAbove(end));
  }

  private newSection(path: readonly string[], entry: string): Edit {
    const parent = path.slice(0, -1);
    let anchor: AST.TOMLTable | undefined;
    for (let n = parent.length; n >= 1 && anchor === undefined; n--) {
      anchor = this.headers.findLast((h) => startsWith(h.path, parent.slice(0, n)))?.table;
    }
    const header = `[${path.map(tomlKey).join(".")}]${this.eol}${entry}`;
    if (anchor === undefined) {
      const at = this.sectionEnd(this.headers.at(-1)?.table);
      if (at === 0)
        return { at: 0, insert: `${header}${this.eol}${this.text === "" ? "" : this.eol}` };
      return { at, insert: `${this.eol}${this.eol}${header}` };
    }
    return { at: this.sectionEnd(anchor), insert: `${this.eol}${this.eol}${header}` };
  }

  /**
   * The edit adding `key = value` (value as TOML text) to the table at `table`, creating the
   * table — or its missing ancestors — in the form the document already uses there.
   */
  addEntry(table: readonly string[], key: string, value: string): Edit {
    const entry = `${tomlKey(key)} = ${value}`;
    const header = this.header(table);
    if (header !== undefined) {
      const last = header.table.body.at(-1);
      const site = this.sites.find((s) => s.kv === last);
      if (site !== undefined) return this.after(site, entry);
      const at = lineEnd(this.text, header.table.key.range[1]);
      return { at, insert: `${this.eol}${indentOf(this.text, header.table.range[0])}${entry}` };
    }
    // The deepest table on the way that exists, and how it is written.
    for (let n = table.length; n >= 1; n--) {
      const path = table.slice(0, n);
      const rest = [...table.slice(n), key];
      const inline = this.inlineTable(path);
      if (inline !== undefined) return this.intoInline(inline, nested(rest, value));
      const dotted = this.lastDotted(path);
      if (dotted !== undefined) {
        const keys = dotted.kv.key.keys;
        const own = keys[n - 1 - dotted.base.length]!;
        const prefix = this.text.slice(keys[0]!.range[0], own.range[1]);
        return this.after(dotted, `${prefix}.${rest.map(tomlKey).join(".")} = ${value}`);
      }
      if (this.exists(path)) break;
    }
    return this.newSection(table, entry);
  }

  replaceValue(site: Site, value: string): Edit {
    const [from, to] = site.kv.value.range;
    return { at: from, remove: to - from, insert: value };
  }

  /** The edit removing `site`: its whole line, or its place (and one comma) in an inline table. */
  removeEntry(site: Site): Edit {
    const [from, to] = site.kv.range;
    if (site.inline !== undefined) {
      const body = site.inline.body;
      const i = body.indexOf(site.kv);
      if (body.length === 1) {
        const [open, end] = site.inline.range;
        return { at: open + 1, remove: end - open - 2, insert: "" };
      }
      const next = body[i + 1];
      if (next !== undefined) return { at: from, remove: next.range[0] - from, insert: "" };
      const previous = body[i - 1]!;
      return { at: previous.range[1], remove: to - previous.range[1], insert: "" };
    }
    const start = lineStart(this.text, from);
    const end = lineEnd(this.text, to);
    const after = this.text.startsWith("\r\n", end)
      ? end + 2
      : this.text.startsWith("\n", end)
        ? end + 1
        : end;
    return { at: start, remove: after - start, insert: "" };
  }
}

/** `a = { b = { key = value } }` for the keys [a, b, key]. */
function nested(keys: readonly string[], value: string): string {
  const [first, ...rest] = keys;
  if (rest.length === 0) return `${tomlKey(first!)} = ${value}`;
  return `${tomlKey(first!)} = { ${nested(rest, value)} }`;
}
