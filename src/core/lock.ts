/**
 * `atom.lock` (protocol.md §7): the canonical writer and the reader.
 *
 * The writer's output depends only on the lock's content: sets sorted by id, atom dependencies
 * by (set, label), then direct dependencies by name (names in code point order, the byte order
 * of UTF-8); keys in a fixed order; strings escaped as TOML basic strings; LF line ends; one
 * trailing newline. The reader refuses a lock of another format version, checks every field and
 * rule, and reports every problem at once with file:line:col.
 */
import { compareCodePoints } from "./code-point-order.ts";
import { EkaError, formatLocation } from "./errors.ts";
import { crossCheckLock, lockValueProblems, REGENERATE_HINT } from "./lock-check.ts";
import { LOCKED_DEP_KEYS, readLockedDeps, readLockedSets } from "./lock-read.ts";
import {
  LOCK_FILE,
  LOCK_HEADER,
  LOCK_VERSION,
  type Lock,
  type LockedDep,
  type LockedSet,
} from "./lock-types.ts";
import { checkKnownKeys, kindWord } from "./manifest-fields.ts";
import { ProblemList } from "./problem-list.ts";
import { readToml } from "./toml.ts";
import { tomlString } from "./toml-string.ts";
import type { TomlTable } from "./toml-tree.ts";

function compareDeps(a: LockedDep, b: LockedDep): number {
  if (a.type === "atom" && b.type === "atom") {
    return compareCodePoints(a.set, b.set) || compareCodePoints(a.label, b.label);
  }
  if (a.type === "atom") return -1;
  if (b.type === "atom") return 1;
  return compareCodePoints(a.name, b.name);
}

/** A copy with exactly the fields of its kind, in the order they are written. */
function cleanDep(dep: LockedDep): LockedDep {
  const record = dep as unknown as Readonly<Record<string, unknown>>;
  const out: Record<string, unknown> = {};
  for (const key of LOCKED_DEP_KEYS[dep.type]) {
    if (record[key] !== undefined) out[key] = record[key];
  }
  return out as unknown as LockedDep;
}

/** The same lock in canonical order, each entry holding only its own fields. */
export function canonicalLock(lock: Lock): Lock {
  const sets: LockedSet[] = [...lock.sets]
    .sort((a, b) => compareCodePoints(a.id, b.id))
    .map(({ id, name, mirrors }) => ({ id, name, mirrors: [...mirrors] }));
  return { version: LOCK_VERSION, sets, deps: lock.deps.map(cleanDep).sort(compareDeps) };
}

function value(v: unknown): string {
  if (typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return `[${v.map(value).join(", ")}]`;
  return tomlString(String(v));
}

/**
 * The text of `atom.lock` for `lock`: byte-identical for identical content, whatever the order
 * of its arrays. Throws EKA_INTERNAL when the lock breaks a rule the reader checks.
 */
export function formatLock(lock: Lock): string {
  const canonical = canonicalLock(lock);
  const problems = lockValueProblems(canonical.sets, canonical.deps);
  if (lock.version !== LOCK_VERSION) problems.unshift(`version is ${lock.version}, not 1`);
  if (problems.length > 0) {
    throw new EkaError(
      "EKA_INTERNAL",
      `refusing to write an invalid lock: ${problems.join("; ")}`,
      {
        data: { problems },
      },
    );
  }
  const lines = [LOCK_HEADER, `version = ${LOCK_VERSION}`];
  for (const set of canonical.sets) {
    lines.push(
      "",
      `[sets.${set.id}]`,
      `name = ${value(set.name)}`,
      `mirrors = ${value(set.mirrors)}`,
    );
  }
  for (const dep of canonical.deps) {
    lines.push("", "[[deps]]");
    for (const [key, v] of Object.entries(dep)) lines.push(`${key} = ${value(v)}`);
  }
  return `${lines.join("\n")}\n`;
}

function lockInvalid(file: string, problems: ProblemList): EkaError {
  const sorted = [...problems.diagnostics].sort((a, b) => a.line - b.line || a.column - b.column);
  const n = sorted.length;
  return new EkaError("EKA_LOCK_INVALID", `${file} has ${n} problem${n === 1 ? "" : "s"}`, {
    where: sorted[0] === undefined ? file : formatLocation(sorted[0]),
    hint: REGENERATE_HINT,
    diagnostics: sorted,
  });
}

/** Refuses a lock written in another format version, before reading anything else. */
function checkVersion(root: TomlTable, file: string, problems: ProblemList): void {
  const entry = root.entries.get("version");
  if (entry === undefined) {
    problems.add(
      root,
      `${file} has no version`,
      `it starts with version = ${LOCK_VERSION}; ${REGENERATE_HINT}`,
    );
    return;
  }
  const node = entry.value;
  if (node.kind !== "integer" || node.value < 1n) {
    const what = node.kind === "integer" ? String(node.value) : kindWord(node);
    problems.add(
      node,
      `version must be a format number such as ${LOCK_VERSION}, not ${what}`,
      REGENERATE_HINT,
    );
    return;
  }
  if (node.value === BigInt(LOCK_VERSION)) return;
  throw new EkaError(
    "EKA_LOCK_VERSION_UNSUPPORTED",
    `${file} is written in lock format version ${node.value}; this eka reads version ${LOCK_VERSION}`,
    {
      where: formatLocation({ file, ...node }),
      hint: "a newer eka wrote it: upgrade eka (or delete the lock and run `eka resolve` to re-lock with this one)",
      data: { version: String(node.value), supported: [LOCK_VERSION] },
    },
  );
}

/**
 * Reads `atom.lock`. Throws EKA_LOCK_VERSION_UNSUPPORTED for another format version, and
 * EKA_LOCK_INVALID (every diagnostic) for anything else that is wrong, TOML syntax included.
 * Returns the lock in canonical order.
 */
export function parseLock(text: string, file = LOCK_FILE): Lock {
  const problems = new ProblemList(file);
  const toml = readToml(text, file);
  if (!toml.ok) {
    problems.diagnostics.push({
      ...toml.diagnostic,
      message: `not valid TOML: ${toml.diagnostic.message}`,
    });
    throw lockInvalid(file, problems);
  }
  const root = toml.root;
  checkVersion(root, file, problems);
  checkKnownKeys(root, [], { allowed: ["version", "sets", "deps"] }, problems);
  const sets = readLockedSets(root, problems);
  const deps = readLockedDeps(root, problems);
  if (problems.diagnostics.length === 0) {
    crossCheckLock(sets, deps, (at, message, hint) => problems.add(at, message, hint));
  }
  if (problems.diagnostics.length > 0) throw lockInvalid(file, problems);
  return canonicalLock({
    version: LOCK_VERSION,
    sets: sets.map((s) => s.value),
    deps: deps.map((d) => d.value),
  });
}
