/** Small readers shared by the manifest parsers: typed access to entries, unknown-key checks. */
import type { ProblemList } from "./problem-list.ts";
import { showText } from "./show-text.ts";
import { closestWord } from "./suggest.ts";
import type { TomlEntry, TomlNode, TomlPos, TomlString, TomlTable } from "./toml-tree.ts";

const KIND_WORDS: Readonly<Record<TomlNode["kind"], string>> = {
  string: "a string",
  integer: "an integer",
  float: "a float",
  boolean: "a boolean",
  datetime: "a date-time",
  array: "an array",
  table: "a table",
};

export function kindWord(node: TomlNode): string {
  return KIND_WORDS[node.kind];
}

/** `[package]` for a table path, `package.label` for a key. */
export function tableName(path: readonly string[]): string {
  return path.length === 0 ? "the top level" : `[${path.map(keyText).join(".")}]`;
}

/** A key as TOML would need it written: bare when it can be, quoted otherwise. */
export function keyText(key: string): string {
  return /^[A-Za-z0-9_-]+$/.test(key) ? key : showText(key, 200);
}

/** `package.label` for the key at `path`. */
export function keyPath(path: readonly string[]): string {
  return path.map(keyText).join(".");
}

/** The table at `entry`, or undefined (with a problem recorded when it is something else). */
export function tableAt(
  entry: TomlEntry | undefined,
  path: readonly string[],
  problems: ProblemList,
): TomlTable | undefined {
  if (entry === undefined) return undefined;
  if (entry.value.kind === "table") return entry.value;
  problems.add(
    entry.value,
    `${keyPath(path)} must be a table, not ${kindWord(entry.value)}`,
    `write it as a table: a ${tableName(path)} header with keys below it`,
  );
  return undefined;
}

/** The string at `entry`, or undefined (with a problem recorded when it is something else). */
export function stringAt(
  entry: TomlEntry | undefined,
  path: readonly string[],
  problems: ProblemList,
): TomlString | undefined {
  if (entry === undefined) return undefined;
  if (entry.value.kind === "string") return entry.value;
  problems.add(
    entry.value,
    `${keyPath(path)} must be a string, not ${kindWord(entry.value)}`,
    `put the value in double quotes: ${keyText(path.at(-1) ?? "")} = "…"`,
  );
  return undefined;
}

export interface KnownKeys {
  readonly allowed: readonly string[];
  /** Hints for keys that belong elsewhere: key → hint. */
  readonly elsewhere?: Readonly<Record<string, string>>;
}

/** Records a problem for every key of `table` that is not allowed, with a "did you mean". */
export function checkKnownKeys(
  table: TomlTable,
  path: readonly string[],
  known: KnownKeys,
  problems: ProblemList,
): void {
  for (const entry of table.entries.values()) {
    if (known.allowed.includes(entry.key)) continue;
    const full = [...path, entry.key];
    const what =
      entry.value.kind === "table"
        ? `table ${tableName(full)}`
        : `key ${keyText(entry.key)} ${path.length === 0 ? "at" : "in"} ${tableName(path)}`;
    const guess = closestWord(entry.key, known.allowed);
    const moved = known.elsewhere?.[entry.key];
    const allowed = known.allowed.length === 0 ? "nothing" : known.allowed.join(", ");
    const hint =
      moved ??
      (guess === undefined
        ? `${tableName(path)} allows only: ${allowed}`
        : `did you mean ${keyText(guess)}? ${tableName(path)} allows only: ${allowed}`);
    problems.add(entry as TomlPos, `unknown ${what}`, hint);
  }
}
