/**
 * The user configuration file (protocol.md §9), `eka.toml`:
 *
 * ```toml
 * [aliases]                 # name → URL prefix (overrides a built-in of the same name)
 * company = "https://git.example.com/"
 * [cache]
 * dir = "~/.cache/eka"      # absolute, ~/…, or relative to this file's directory
 * [fetch]                   # download limits, whole numbers (see fetch-settings.ts)
 * idle-timeout = 60
 * ```
 *
 * Everything is checked and every problem reported at once with file:line:col
 * (EKA_CONFIG_INVALID); unknown keys are errors.
 */
import { dirname, isAbsolute, join, resolve } from "node:path";
// Core's own files, not core/index.ts: the barrel loads all of core (hashing, the lock, URIs),
// and every command loads the settings first (start-up time).
import {
  ALIAS_NAME_HINT,
  ALIAS_TARGET_HINT,
  aliasNameProblem,
  aliasTargetProblem,
} from "../core/alias.ts";
import { type Diagnostic, EkaError, formatLocation } from "../core/errors.ts";
import { showText } from "../core/show-text.ts";
import { closestWord } from "../core/suggest.ts";
import { readToml } from "../core/toml.ts";
import type { TomlEntry, TomlNode, TomlPos, TomlTable } from "../core/toml-tree.ts";
import { FETCH_KEYS, type FetchKey } from "./fetch-settings.ts";

/** A value from the file and where it is written. */
export interface Located<T> {
  readonly value: T;
  /** `path:line:col`. */
  readonly at: string;
}

export interface UserFile {
  readonly aliases: ReadonlyMap<string, Located<string>>;
  readonly cacheDir?: Located<string>;
  /** `[fetch]` values that the file sets. */
  readonly fetch: ReadonlyMap<FetchKey, Located<number>>;
}

const KINDS: Readonly<Record<TomlNode["kind"], string>> = {
  string: "a string",
  integer: "an integer",
  float: "a float",
  boolean: "a boolean",
  datetime: "a date-time",
  array: "an array",
  table: "a table",
};

const EXAMPLE = '[aliases]\ncompany = "https://git.example.com/"\n\n[cache]\ndir = "~/.cache/eka"';

class Problems {
  readonly file: string;
  readonly list: Diagnostic[] = [];
  constructor(file: string) {
    this.file = file;
  }
  add(at: TomlPos, message: string, hint: string): void {
    this.list.push({ file: this.file, line: at.line, column: at.column, message, hint });
  }
  unknownKeys(table: TomlTable, where: string, allowed: readonly string[]): void {
    for (const entry of table.entries.values()) {
      if (allowed.includes(entry.key)) continue;
      const guess = closestWord(entry.key, allowed);
      this.add(
        entry,
        `unknown key ${showText(entry.key)} in ${where}`,
        `${guess === undefined ? "" : `did you mean ${guess}? `}${where} allows only: ${allowed.join(", ")}`,
      );
    }
  }
  table(entry: TomlEntry | undefined, name: string): TomlTable | undefined {
    if (entry === undefined) return undefined;
    if (entry.value.kind === "table") return entry.value;
    this.add(
      entry.value,
      `${name} must be a table, not ${KINDS[entry.value.kind]}`,
      `write it as [${name}]`,
    );
    return undefined;
  }
}

function expandHome(path: string, home: string): string {
  return path === "~" ? home : path.startsWith("~/") ? join(home, path.slice(2)) : path;
}

/**
 * Reads the text of the user file at `path` (`home` expands `~/` in paths). Throws
 * EKA_CONFIG_INVALID with every problem.
 */
export function parseUserFile(text: string, path: string, home: string): UserFile {
  const problems = new Problems(path);
  const toml = readToml(text, path);
  const at = (pos: TomlPos) => formatLocation({ file: path, ...pos });
  const aliases = new Map<string, Located<string>>();
  let cacheDir: Located<string> | undefined;
  const fetch = new Map<FetchKey, Located<number>>();
  if (!toml.ok) {
    problems.list.push({
      ...toml.diagnostic,
      message: `not valid TOML: ${toml.diagnostic.message}`,
    });
  } else {
    const root = toml.root;
    problems.unknownKeys(root, "the top level", ["aliases", "cache", "fetch"]);
    const aliasTable = problems.table(root.entries.get("aliases"), "aliases");
    for (const entry of aliasTable?.entries.values() ?? []) {
      const nameProblem = aliasNameProblem(entry.key);
      if (nameProblem !== null) problems.add(entry, `alias ${nameProblem}`, ALIAS_NAME_HINT);
      if (entry.value.kind !== "string") {
        problems.add(
          entry.value,
          `alias ${showText(entry.key)} must be a URL prefix in quotes, not ${KINDS[entry.value.kind]}`,
          ALIAS_TARGET_HINT,
        );
        continue;
      }
      const targetProblem = aliasTargetProblem(entry.value.value);
      if (targetProblem !== null) {
        problems.add(
          entry.value,
          `alias ${showText(entry.key)} = ${showText(entry.value.value)}: ${targetProblem}`,
          ALIAS_TARGET_HINT,
        );
      } else if (nameProblem === null) {
        aliases.set(entry.key, { value: entry.value.value, at: at(entry) });
      }
    }
    const cache = problems.table(root.entries.get("cache"), "cache");
    if (cache !== undefined) {
      problems.unknownKeys(cache, "[cache]", ["dir"]);
      const dir = cache.entries.get("dir");
      if (dir !== undefined && (dir.value.kind !== "string" || dir.value.value === "")) {
        problems.add(
          dir.value,
          "cache.dir must be a directory path in quotes",
          'e.g. dir = "~/.cache/eka"',
        );
      } else if (dir?.value.kind === "string") {
        const expanded = expandHome(dir.value.value, home);
        const value = isAbsolute(expanded) ? expanded : resolve(dirname(path), expanded);
        cacheDir = { value, at: at(dir) };
      }
    }
  }
  if (toml.ok) readFetchTable(problems, toml.root, at, fetch);
  if (problems.list.length > 0) {
    const sorted = problems.list.sort((a, b) => a.line - b.line || a.column - b.column);
    const n = sorted.length;
    throw new EkaError("EKA_CONFIG_INVALID", `${path} has ${n} problem${n === 1 ? "" : "s"}`, {
      where: formatLocation(sorted[0]!),
      hint: `fix every problem listed; the file looks like:\n${EXAMPLE}`,
      diagnostics: sorted,
    });
  }
  return { aliases, fetch, ...(cacheDir === undefined ? {} : { cacheDir }) };
}

function readFetchTable(
  problems: Problems,
  root: TomlTable,
  at: (pos: TomlPos) => string,
  out: Map<FetchKey, Located<number>>,
): void {
  const table = problems.table(root.entries.get("fetch"), "fetch");
  if (table === undefined) return;
  const keys = Object.keys(FETCH_KEYS) as FetchKey[];
  problems.unknownKeys(table, "[fetch]", keys);
  for (const key of keys) {
    const entry = table.entries.get(key);
    if (entry === undefined) continue;
    const { min } = FETCH_KEYS[key];
    const value = entry.value;
    if (
      value.kind !== "integer" ||
      value.value < BigInt(min) ||
      value.value > BigInt(Number.MAX_SAFE_INTEGER)
    ) {
      problems.add(
        value,
        `fetch.${key} must be a whole number ≥ ${min}`,
        `e.g. ${key} = ${FETCH_KEYS[key].default}`,
      );
      continue;
    }
    out.set(key, { value: Number(value.value), at: at(entry) });
  }
}
