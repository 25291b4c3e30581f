/**
 * `[deps]`: `[deps.from.<set>]` (label → version requirement; the set must be declared in
 * `[package.sets]`, and may not be named `nix`: direct-deps-name.ts) and `[deps.direct.nix]`
 * (name → table, kept as written for now).
 */
import type { AtomDepRequest, MirrorSet, NixDepRequest } from "./atom-manifest-types.ts";
import { DIRECT_DEPS_CLASH, DIRECT_DEPS_NAME, DIRECT_DEPS_OTHER_NAME } from "./direct-deps-name.ts";
import { parseLabel } from "./label.ts";
import { checkKnownKeys, keyText, kindWord, stringAt, tableAt } from "./manifest-fields.ts";
import type { ProblemList } from "./problem-list.ts";
import { closestWord } from "./suggest.ts";
import { parseTag } from "./tag.ts";
import { tomlTableToPlain } from "./toml.ts";
import type { TomlEntry, TomlTable } from "./toml-tree.ts";
import type { Label, Tag } from "./types.ts";

export interface Deps {
  readonly atoms: readonly AtomDepRequest[];
  readonly nix: readonly NixDepRequest[];
}

function undeclaredHint(key: string, sets: readonly MirrorSet[]): string {
  const guess = closestWord(
    key,
    sets.map((s) => s.name),
  );
  const declare = `declare it in [package.sets], e.g. ${keyText(key)} = "https://git.example.com/atoms"`;
  return guess === undefined ? declare : `did you mean ${keyText(guess)}? Otherwise ${declare}`;
}

function readFromSet(
  entry: TomlEntry,
  sets: readonly MirrorSet[],
  problems: ProblemList,
  out: AtomDepRequest[],
): void {
  let set: Tag;
  try {
    set = parseTag(entry.key, "set name");
  } catch (error) {
    problems.addError(entry, error);
    return;
  }
  const declared = sets.find((s) => s.name === set);
  if (set === DIRECT_DEPS_NAME) {
    const where =
      declared === undefined ? "" : ` (declared in [package.sets] on line ${declared.line})`;
    problems.add(
      entry,
      `[deps.from.${keyText(entry.key)}] takes atoms from set ${set}${where}: ${DIRECT_DEPS_CLASH}`,
      `rename the set in [package.sets] and [deps.from.${keyText(entry.key)}], e.g. to ${DIRECT_DEPS_OTHER_NAME}; the direct dependencies stay in [deps.direct.nix]`,
    );
  }
  if (declared === undefined) {
    problems.add(
      entry,
      `[deps.from.${keyText(entry.key)}] uses set ${set}, which [package.sets] does not declare`,
      undeclaredHint(entry.key, sets),
    );
  }
  const path = ["deps", "from", entry.key];
  const table = tableAt(entry, path, problems);
  if (table === undefined) return;
  const seen = new Map<Label, number>();
  for (const dep of table.entries.values()) {
    let label: Label | undefined;
    try {
      label = parseLabel(dep.key);
    } catch (error) {
      problems.addError(dep, error);
    }
    const requirement = stringAt(dep, [...path, dep.key], problems);
    if (requirement !== undefined && requirement.value.trim() === "") {
      problems.add(
        requirement,
        `the version requirement of ${keyText(dep.key)} is empty`,
        'write one, e.g. "^1.2", or "*" for any version',
      );
      continue;
    }
    if (label === undefined || requirement === undefined) continue;
    const twin = seen.get(label);
    if (twin !== undefined) {
      problems.add(
        dep,
        `${label} is listed twice in [deps.from.${keyText(entry.key)}] (also on line ${twin}): the labels are equal after NFKC normalisation`,
        "list each dependency once",
      );
      continue;
    }
    seen.set(label, dep.line);
    out.push({
      type: "atom",
      set,
      label,
      requirement: requirement.value,
      line: dep.line,
      column: dep.column,
    });
  }
}

function readDirectNix(direct: TomlTable, problems: ProblemList, out: NixDepRequest[]): void {
  checkKnownKeys(direct, ["deps", "direct"], { allowed: ["nix"] }, problems);
  const nix = tableAt(direct.entries.get("nix"), ["deps", "direct", "nix"], problems);
  if (nix === undefined) return;
  for (const dep of nix.entries.values()) {
    let name: Label | undefined;
    try {
      name = parseLabel(dep.key);
    } catch (error) {
      problems.addError(dep, error);
    }
    if (dep.value.kind !== "table") {
      problems.add(
        dep.value,
        `deps.direct.nix.${keyText(dep.key)} must be a table, not ${kindWord(dep.value)}`,
        `e.g. ${keyText(dep.key)} = { git = "https://github.com/NixOS/nixpkgs", ref = "nixos-unstable" }`,
      );
      continue;
    }
    if (name === undefined) continue;
    if (out.some((d) => d.name === name)) {
      problems.add(
        dep,
        `${name} is listed twice in [deps.direct.nix]: the names are equal after NFKC normalisation`,
        "list each dependency once",
      );
      continue;
    }
    out.push({ name, spec: tomlTableToPlain(dep.value), line: dep.line, column: dep.column });
  }
}

export function readAtomDeps(
  root: TomlTable,
  sets: readonly MirrorSet[],
  problems: ProblemList,
): Deps {
  const atoms: AtomDepRequest[] = [];
  const nix: NixDepRequest[] = [];
  const deps = tableAt(root.entries.get("deps"), ["deps"], problems);
  if (deps === undefined) return { atoms, nix };
  checkKnownKeys(deps, ["deps"], { allowed: ["from", "direct"] }, problems);
  const from = tableAt(deps.entries.get("from"), ["deps", "from"], problems);
  for (const entry of from?.entries.values() ?? []) readFromSet(entry, sets, problems, atoms);
  const direct = tableAt(deps.entries.get("direct"), ["deps", "direct"], problems);
  if (direct !== undefined) readDirectNix(direct, problems, nix);
  return { atoms, nix };
}
