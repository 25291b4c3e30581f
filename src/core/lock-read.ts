/**
 * Reading the tables of `atom.lock` into values, every problem recorded with its position:
 * `[sets.<id>]` and each `[[deps]]` by its `type`.
 */
import { parseAtomId } from "./atom-id.ts";
import { parseB3Digest } from "./b3-digest.ts";
import { parseLabel } from "./label.ts";
import { refNameProblem } from "./legacy-url.ts";
import { mirrorListProblem, nixUrlProblem, type Placed, REGENERATE_HINT } from "./lock-check.ts";
import {
  LOCKED_DEP_TYPES,
  type LockedDep,
  type LockedDepType,
  type LockedNixDep,
  type LockedSet,
} from "./lock-types.ts";
import { checkKnownKeys, kindWord } from "./manifest-fields.ts";
import type { ProblemList } from "./problem-list.ts";
import { parseSetId } from "./set-id.ts";
import { showText } from "./show-text.ts";
import { parseSriHash } from "./sri-hash.ts";
import { parseTag } from "./tag.ts";
import type { TomlBoolean, TomlNode, TomlString, TomlTable } from "./toml-tree.ts";
import { parseGitOid } from "./types.ts";
import { parseVersion } from "./version.ts";

const KEYS: Readonly<Record<LockedDepType, readonly string[]>> = {
  atom: ["type", "label", "version", "set", "rev", "id", "content"],
  "nix+git": ["type", "name", "url", "ref", "version", "rev"],
  "nix+url": ["type", "name", "url", "hash"],
  "nix+tar": ["type", "name", "url", "hash"],
  "nix+build": ["type", "name", "url", "hash", "unpack", "exec"],
};

/** The key order of each kind of dependency, as written. */
export const LOCKED_DEP_KEYS = KEYS;

class TableReader {
  readonly table: TomlTable;
  readonly what: string;
  readonly problems: ProblemList;
  ok = true;

  constructor(table: TomlTable, what: string, problems: ProblemList) {
    this.table = table;
    this.what = what;
    this.problems = problems;
  }

  private fail(at: TomlNode | TomlTable, message: string): undefined {
    this.problems.add(at, message, REGENERATE_HINT);
    this.ok = false;
    return undefined;
  }

  node(key: string, optional = false): TomlNode | undefined {
    const entry = this.table.entries.get(key);
    if (entry === undefined) {
      return optional ? undefined : this.fail(this.table, `${this.what} has no ${key}`);
    }
    return entry.value;
  }

  string(key: string, optional = false): TomlString | undefined {
    const node = this.node(key, optional);
    if (node === undefined || node.kind === "string") return node;
    return this.fail(node, `${key} of ${this.what} must be a string, not ${kindWord(node)}`);
  }

  boolean(key: string): boolean | undefined {
    const node = this.node(key);
    if (node === undefined) return undefined;
    if (node.kind === "boolean") return (node as TomlBoolean).value;
    return this.fail(node, `${key} of ${this.what} must be true or false, not ${kindWord(node)}`);
  }

  /** The string at `key` through `parse` (which throws an EkaError when it is invalid). */
  parsed<T>(key: string, parse: (text: string) => T, optional = false): T | undefined {
    const node = this.string(key, optional);
    if (node === undefined) return undefined;
    try {
      return parse(node.value);
    } catch (error) {
      this.problems.addError(node, error);
      this.ok = false;
      return undefined;
    }
  }

  /** The string at `key` when `problem` finds nothing wrong with it. */
  checked(key: string, problem: (text: string) => string | null, optional = false) {
    const node = this.string(key, optional);
    if (node === undefined) return undefined;
    const wrong = problem(node.value);
    if (wrong === null) return node.value;
    return this.fail(node, `${key} ${showText(node.value)} of ${this.what}: ${wrong}`);
  }
}

export function readLockedSets(root: TomlTable, problems: ProblemList): Placed<LockedSet>[] {
  const entry = root.entries.get("sets");
  if (entry === undefined) return [];
  if (entry.value.kind !== "table") {
    problems.add(
      entry.value,
      `sets must be a table, not ${kindWord(entry.value)}`,
      REGENERATE_HINT,
    );
    return [];
  }
  const out: Placed<LockedSet>[] = [];
  for (const setEntry of entry.value.entries.values()) {
    let id: LockedSet["id"] | undefined;
    try {
      id = parseSetId(setEntry.key);
    } catch (error) {
      problems.addError(setEntry, error);
    }
    if (setEntry.value.kind !== "table") {
      problems.add(
        setEntry.value,
        `sets.${setEntry.key} must be a table, not ${kindWord(setEntry.value)}`,
        REGENERATE_HINT,
      );
      continue;
    }
    const table = setEntry.value;
    checkKnownKeys(table, ["sets", setEntry.key], { allowed: ["name", "mirrors"] }, problems);
    const r = new TableReader(table, `set ${setEntry.key}`, problems);
    const name = r.parsed("name", (text) => parseTag(text, "set name"));
    const mirrors = readMirrors(r);
    if (id !== undefined && name !== undefined && mirrors !== undefined && r.ok) {
      out.push({ value: { id, name, mirrors }, at: setEntry });
    }
  }
  return out;
}

function readMirrors(r: TableReader): string[] | undefined {
  const node = r.node("mirrors");
  if (node === undefined) return undefined;
  if (node.kind !== "array" || node.items.some((item) => item.kind !== "string")) {
    r.problems.add(node, `mirrors of ${r.what} must be an array of URLs`, REGENERATE_HINT);
    return undefined;
  }
  const mirrors = node.items.map((item) => (item as TomlString).value);
  const problem = mirrorListProblem(mirrors);
  if (problem === null) return mirrors;
  r.problems.add(node, `mirrors of ${r.what}: ${problem}`, REGENERATE_HINT);
  return undefined;
}

function readAtom(r: TableReader): LockedDep | undefined {
  const label = r.parsed("label", (text) => parseLabel(text));
  const version = r.parsed("version", (text) => parseVersion(text));
  const set = r.parsed("set", (text) => parseSetId(text));
  const rev = r.parsed("rev", (text) => parseGitOid(text));
  const id = r.parsed("id", (text) => parseAtomId(text));
  const content = r.parsed("content", (text) => parseB3Digest(text));
  if (!r.ok || !label || !version || !set || !rev || !id || !content) return undefined;
  return { type: "atom", label, version, set, rev, id, content };
}

function readNix(r: TableReader, type: LockedNixDep["type"]): LockedDep | undefined {
  const name = r.parsed("name", (text) => parseLabel(text));
  const url = r.checked("url", (text) => nixUrlProblem(type, text));
  if (type === "nix+git") {
    const ref = r.checked("ref", refNameProblem, true);
    const version = r.parsed("version", (text) => parseVersion(text), true);
    const rev = r.parsed("rev", (text) => parseGitOid(text));
    if (!r.ok || !name || url === undefined || !rev) return undefined;
    return {
      type,
      name,
      url,
      ...(ref === undefined ? {} : { ref }),
      ...(version === undefined ? {} : { version }),
      rev,
    };
  }
  const hash = r.parsed("hash", (text) => parseSriHash(text));
  if (type === "nix+build") {
    const unpack = r.boolean("unpack");
    const exec = r.boolean("exec");
    if (
      !r.ok ||
      !name ||
      url === undefined ||
      !hash ||
      unpack === undefined ||
      exec === undefined
    ) {
      return undefined;
    }
    return { type, name, url, hash, unpack, exec };
  }
  if (!r.ok || !name || url === undefined || !hash) return undefined;
  return { type, name, url, hash };
}

export function readLockedDeps(root: TomlTable, problems: ProblemList): Placed<LockedDep>[] {
  const entry = root.entries.get("deps");
  if (entry === undefined) return [];
  if (entry.value.kind !== "array") {
    problems.add(
      entry.value,
      `deps must be an array of tables ([[deps]]), not ${kindWord(entry.value)}`,
      REGENERATE_HINT,
    );
    return [];
  }
  const out: Placed<LockedDep>[] = [];
  for (const [i, item] of entry.value.items.entries()) {
    if (item.kind !== "table") {
      problems.add(
        item,
        `deps holds ${kindWord(item)}; each entry is a [[deps]] table`,
        REGENERATE_HINT,
      );
      continue;
    }
    const r = new TableReader(item, `dependency ${i + 1}`, problems);
    const typeNode = r.string("type");
    if (typeNode === undefined) continue;
    const type = LOCKED_DEP_TYPES.find((t) => t === typeNode.value);
    if (type === undefined) {
      problems.add(
        typeNode,
        `unknown dependency type ${showText(typeNode.value)}`,
        `the types are ${LOCKED_DEP_TYPES.join(", ")}; ${REGENERATE_HINT}`,
      );
      continue;
    }
    checkKnownKeys(item, ["deps"], { allowed: KEYS[type] }, problems);
    const dep = type === "atom" ? readAtom(r) : readNix(r, type);
    if (dep !== undefined) out.push({ value: dep, at: item });
  }
  return out;
}
