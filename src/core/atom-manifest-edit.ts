/**
 * Editing `atom.toml` as text for `eka add` and `eka remove`: one set or one dependency changes,
 * every other byte stays (comments, blank lines, key order, quoting, CRLF). Each edit starts from
 * a valid manifest, writes in the style the file already uses for that table (a `[table]`
 * header, an inline table or dotted keys; a new `[table]` section otherwise), and re-reads its
 * output to check that exactly the asked change happened.
 */
import { ATOM_MANIFEST_FILE, type AtomManifest, parseAtomManifest } from "./atom-manifest.ts";
import type { AtomDepRequest, MirrorSet } from "./atom-manifest-types.ts";
import { EkaError } from "./errors.ts";
import { parseLabel } from "./label.ts";
import { mirrorListProblem } from "./lock-check.ts";
import { MIRROR_HINT } from "./mirror.ts";
import { parseRequirement } from "./requirement.ts";
import { showText } from "./show-text.ts";
import { parseTag } from "./tag.ts";
import { applyEdits, TomlDoc } from "./toml-edit.ts";
import { tomlString } from "./toml-string.ts";
import type { Label, Tag } from "./types.ts";

function mirrorsText(mirrors: readonly string[]): string {
  if (mirrors.length === 1) return tomlString(mirrors[0]!);
  return `[${mirrors.map(tomlString).join(", ")}]`;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function setKey(s: MirrorSet): string {
  return `${s.name}\u0000${s.mirrors.join("\u0000")}`;
}

function depKey(d: AtomDepRequest): string {
  return `${d.set}\u0000${d.label}\u0000${d.requirement}`;
}

/** Throws EKA_INTERNAL unless `after` is `before` with exactly the expected change. */
function verify(
  what: string,
  before: AtomManifest,
  after: AtomManifest,
  expectSets: readonly string[],
  expectDeps: readonly string[],
): void {
  const sets = after.sets.map(setKey);
  const deps = after.deps.map(depKey);
  const same =
    [...sets].sort().join("\n") === [...expectSets].sort().join("\n") &&
    [...deps].sort().join("\n") === [...expectDeps].sort().join("\n") &&
    after.label === before.label &&
    after.version === before.version &&
    after.nixDeps.length === before.nixDeps.length;
  if (!same) {
    throw new EkaError("EKA_INTERNAL", `${what} did not give the expected manifest`, {
      data: { sets, deps, expectSets, expectDeps },
    });
  }
}

function reparse(text: string, file: string, what: string): AtomManifest {
  try {
    return parseAtomManifest(text, file);
  } catch (error) {
    throw new EkaError("EKA_INTERNAL", `${what} produced an invalid manifest`, { cause: error });
  }
}

function knownSets(manifest: AtomManifest): string {
  const names = manifest.sets.map((s) => s.name);
  return names.length === 0 ? "it declares none" : `it declares ${names.join(", ")}`;
}

/**
 * `text` with the set `name` → `mirrors` added to `[package.sets]` (one mirror as a string,
 * several as an array). Unchanged when the set is already declared with the same mirrors;
 * EKA_SET_CONFLICT when it is declared with others. Mirrors must be expanded URLs (or `"::"`
 * first): EKA_USAGE otherwise.
 */
export function addSet(
  text: string,
  name: string,
  mirrors: readonly string[],
  file = ATOM_MANIFEST_FILE,
): string {
  const tag: Tag = parseTag(name, "set name");
  const problem = mirrorListProblem(mirrors);
  if (problem !== null) {
    throw new EkaError("EKA_USAGE", `cannot add set ${tag}: ${problem}`, { hint: MIRROR_HINT });
  }
  const before = parseAtomManifest(text, file);
  const existing = before.sets.find((s) => s.name === tag);
  if (existing !== undefined) {
    if (sameList(existing.mirrors, mirrors)) return text;
    throw new EkaError(
      "EKA_SET_CONFLICT",
      `set ${tag} is already declared in ${file} with other mirrors: ${existing.mirrors.map((m) => showText(m, 200)).join(", ")}`,
      {
        where: `${file}:${existing.line}:${existing.column}`,
        hint: "use that set, choose another set name, or edit its mirrors in the manifest",
        data: { set: tag, mirrors: existing.mirrors, asked: mirrors },
      },
    );
  }
  const doc = new TomlDoc(text, file);
  const out = applyEdits(text, [doc.addEntry(["package", "sets"], tag, mirrorsText(mirrors))]);
  const after = reparse(out, file, `adding set ${tag}`);
  verify(
    `adding set ${tag}`,
    before,
    after,
    [...before.sets.map(setKey), setKey({ name: tag, mirrors, line: 0, column: 0 })],
    before.deps.map(depKey),
  );
  return out;
}

/**
 * `text` with `label = "requirement"` in `[deps.from.<set>]`: the value replaced when the label
 * is there (unchanged text when it already has that requirement), else added, creating the
 * table when needed. The set must be declared (EKA_SET_UNKNOWN); the requirement must parse
 * (EKA_REQUIREMENT_INVALID) and is written as given.
 */
export function setDependency(
  text: string,
  setName: string,
  label: string,
  requirement: string,
  file = ATOM_MANIFEST_FILE,
): string {
  const set = parseTag(setName, "set name");
  const atom: Label = parseLabel(label);
  parseRequirement(requirement);
  const before = parseAtomManifest(text, file);
  if (!before.sets.some((s) => s.name === set)) {
    throw new EkaError("EKA_SET_UNKNOWN", `set ${set} is not declared in ${file}`, {
      where: file,
      hint: `add it to [package.sets] first (${knownSets(before)})`,
      data: { set, known: before.sets.map((s) => s.name) },
    });
  }
  const existing = before.deps.find((d) => d.set === set && d.label === atom);
  if (existing?.requirement === requirement) return text;
  const doc = new TomlDoc(text, file);
  const value = tomlString(requirement);
  const site = existing === undefined ? undefined : doc.site(["deps", "from", set, atom]);
  if (existing !== undefined && site === undefined) {
    throw new EkaError("EKA_INTERNAL", `${atom} is a dependency but its key was not found`);
  }
  const edit =
    site === undefined
      ? doc.addEntry(["deps", "from", set], atom, value)
      : doc.replaceValue(site, value);
  const out = applyEdits(text, [edit]);
  const what = `setting ${atom} of set ${set} to ${requirement}`;
  const after = reparse(out, file, what);
  const expected = { set, label: atom, requirement } as AtomDepRequest;
  verify(what, before, after, before.sets.map(setKey), [
    ...before.deps.filter((d) => d !== existing).map(depKey),
    depKey(expected),
  ]);
  return out;
}

/**
 * `text` without `label` in `[deps.from.<set>]`: its line (with its trailing comment) removed,
 * or its place in an inline table. Tables left empty stay. EKA_DEP_NOT_FOUND when it is not a
 * dependency of that set.
 */
export function removeDependency(
  text: string,
  setName: string,
  label: string,
  file = ATOM_MANIFEST_FILE,
): string {
  const set = parseTag(setName, "set name");
  const atom = parseLabel(label);
  const before = parseAtomManifest(text, file);
  const existing = before.deps.find((d) => d.set === set && d.label === atom);
  if (existing === undefined) {
    const inSet = before.deps.filter((d) => d.set === set).map((d) => d.label);
    throw new EkaError(
      "EKA_DEP_NOT_FOUND",
      `${atom} is not a dependency from set ${set} in ${file}`,
      {
        where: file,
        hint:
          inSet.length === 0
            ? `set ${set} has no dependencies`
            : `the dependencies from set ${set} are: ${inSet.join(", ")}`,
        data: { set, label: atom, deps: inSet },
      },
    );
  }
  const doc = new TomlDoc(text, file);
  const site = doc.site(["deps", "from", set, atom]);
  if (site === undefined) {
    throw new EkaError("EKA_INTERNAL", `${atom} is a dependency but its key was not found`);
  }
  const out = applyEdits(text, [doc.removeEntry(site)]);
  const what = `removing ${atom} of set ${set}`;
  verify(
    what,
    before,
    reparse(out, file, what),
    before.sets.map(setKey),
    before.deps.filter((d) => d !== existing).map(depKey),
  );
  return out;
}
