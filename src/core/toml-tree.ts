/**
 * TOML values with their source positions: the syntax tree folded into tables as TOML defines
 * them (headers, dotted keys, inline tables and arrays of tables all merged), each value and
 * each key carrying its 1-based line and column.
 */
import type { AST } from "toml-eslint-parser";

export interface TomlPos {
  readonly line: number;
  readonly column: number;
}

export interface TomlString extends TomlPos {
  readonly kind: "string";
  readonly value: string;
}
export interface TomlInteger extends TomlPos {
  readonly kind: "integer";
  readonly value: bigint;
}
export interface TomlFloat extends TomlPos {
  readonly kind: "float";
  readonly value: number;
}
export interface TomlBoolean extends TomlPos {
  readonly kind: "boolean";
  readonly value: boolean;
}
/** Dates and times, kept as written. */
export interface TomlDateTime extends TomlPos {
  readonly kind: "datetime";
  readonly value: string;
}
export interface TomlArray extends TomlPos {
  readonly kind: "array";
  readonly items: readonly TomlNode[];
}
export interface TomlTable extends TomlPos {
  readonly kind: "table";
  readonly entries: ReadonlyMap<string, TomlEntry>;
}
/** A key and its value; the position is the key's (where it first appears). */
export interface TomlEntry extends TomlPos {
  readonly key: string;
  readonly value: TomlNode;
}

export type TomlScalar = TomlString | TomlInteger | TomlFloat | TomlBoolean | TomlDateTime;
export type TomlNode = TomlScalar | TomlArray | TomlTable;

/** Thrown when the tree defines something twice in a way the parser let through. */
export class TomlStructureError extends Error {
  readonly pos: TomlPos;
  constructor(message: string, pos: TomlPos) {
    super(message);
    this.pos = pos;
  }
}

interface Building extends TomlPos {
  kind: "table";
  line: number;
  column: number;
  entries: Map<string, TomlEntry>;
}

function posOf(node: AST.HasLocs): TomlPos {
  return { line: node.loc.start.line, column: node.loc.start.column + 1 };
}

function newTable(pos: TomlPos): Building {
  return { kind: "table", line: pos.line, column: pos.column, entries: new Map() };
}

function keyName(key: AST.TOMLBare | AST.TOMLQuoted): string {
  return key.type === "TOMLBare" ? key.name : key.value;
}

/** The table under `key` in `table`, made when missing (the last table of an array of tables). */
function descend(table: Building, key: AST.TOMLBare | AST.TOMLQuoted): Building {
  const name = keyName(key);
  const entry = table.entries.get(name);
  if (entry === undefined) {
    const child = newTable(posOf(key));
    table.entries.set(name, { key: name, ...posOf(key), value: child });
    return child;
  }
  const value = entry.value;
  const last = value.kind === "array" ? value.items.at(-1) : value;
  if (last?.kind === "table") return last as Building;
  throw new TomlStructureError(`"${name}" is already defined as a value`, posOf(key));
}

function put(table: Building, key: AST.TOMLBare | AST.TOMLQuoted, value: TomlNode): void {
  const name = keyName(key);
  if (table.entries.has(name)) {
    throw new TomlStructureError(`"${name}" is defined more than once`, posOf(key));
  }
  table.entries.set(name, { key: name, ...posOf(key), value });
}

function assign(table: Building, kv: AST.TOMLKeyValue): void {
  const keys = kv.key.keys;
  let target = table;
  for (const key of keys.slice(0, -1)) target = descend(target, key);
  put(target, keys[keys.length - 1]!, convert(kv.value));
}

function convert(node: AST.TOMLContentNode): TomlNode {
  const pos = posOf(node);
  switch (node.type) {
    case "TOMLArray":
      return { kind: "array", ...pos, items: node.elements.map(convert) };
    case "TOMLInlineTable": {
      const table = newTable(pos);
      for (const kv of node.body) assign(table, kv);
      return table;
    }
    case "TOMLValue":
      switch (node.kind) {
        case "string":
          return { kind: "string", ...pos, value: node.value };
        case "integer":
          return { kind: "integer", ...pos, value: node.bigint };
        case "float":
          return { kind: "float", ...pos, value: node.value };
        case "boolean":
          return { kind: "boolean", ...pos, value: node.value };
        default:
          return { kind: "datetime", ...pos, value: node.datetime };
      }
  }
}

function openHeader(root: Building, header: AST.TOMLTable): Building {
  const keys = header.key.keys;
  let parent = root;
  for (const key of keys.slice(0, -1)) parent = descend(parent, key);
  const last = keys[keys.length - 1]!;
  const name = keyName(last);
  const existing = parent.entries.get(name);
  if (header.kind === "array") {
    const table = newTable(posOf(header));
    if (existing === undefined) {
      parent.entries.set(name, {
        key: name,
        ...posOf(last),
        value: { kind: "array", ...posOf(header), items: [table] },
      });
    } else if (existing.value.kind === "array") {
      (existing.value.items as TomlNode[]).push(table);
    } else {
      throw new TomlStructureError(`"${name}" is not an array of tables`, posOf(last));
    }
    return table;
  }
  if (existing === undefined) {
    const table = newTable(posOf(header));
    parent.entries.set(name, { key: name, ...posOf(last), value: table });
    return table;
  }
  if (existing.value.kind !== "table") {
    throw new TomlStructureError(`"${name}" is already defined as a value`, posOf(last));
  }
  // A table made implicitly by an earlier header (`[a.b]` before `[a]`) now has its own header.
  const table = existing.value as Building;
  table.line = header.loc.start.line;
  table.column = header.loc.start.column + 1;
  return table;
}

/** Folds a parsed document into its root table. Throws TomlStructureError on a redefinition. */
export function buildTomlTree(ast: AST.TOMLProgram): TomlTable {
  const root = newTable({ line: 1, column: 1 });
  for (const item of ast.body[0].body) {
    if (item.type === "TOMLKeyValue") assign(root, item);
    else {
      const table = openHeader(root, item);
      for (const kv of item.body) assign(table, kv);
    }
  }
  return root;
}
