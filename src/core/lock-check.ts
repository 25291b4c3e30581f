/**
 * The rules a lock obeys beyond the shape of each field: set names and dependencies listed
 * once, every atom's set declared, every atom id derived from its set and label, every rev as
 * long as its set's ids. Shared by the reader (with file positions) and the writer (which
 * refuses to write a lock that the reader would refuse).
 */
import { atomId } from "./atom-id.ts";
import { isDigestText } from "./b3-digest.ts";
import { DIRECT_DEPS_CLASH, DIRECT_DEPS_NAME, DIRECT_DEPS_OTHER_NAME } from "./direct-deps-name.ts";
import { isLabel } from "./label.ts";
import { refNameProblem } from "./legacy-url.ts";
import type { LockedDep, LockedNixDep, LockedSet } from "./lock-types.ts";
import { LOCAL_MIRROR, mirrorProblem } from "./mirror.ts";
import { showText } from "./show-text.ts";
import { isSriHash } from "./sri-hash.ts";
import { isTag } from "./tag.ts";
import type { TomlPos } from "./toml-tree.ts";
import { isGitOid } from "./types.ts";
import { isVersion } from "./version.ts";

export interface Placed<T> {
  readonly value: T;
  readonly at: TomlPos;
}

export type ReportProblem = (at: TomlPos, message: string, hint: string) => void;

export const REGENERATE_HINT =
  "atom.lock is written by eka only: restore it from version control, or delete it and run `eka resolve`";

/** Null when `url` may be the URL of a direct dependency of this type, else what is wrong. */
export function nixUrlProblem(type: LockedNixDep["type"], url: string): string | null {
  if (type === "nix+git") {
    if (url === LOCAL_MIRROR) return '"::" is not a git URL';
    return mirrorProblem(url);
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds
  if (/[\s\u0000-\u001f\u007f]/u.test(url))
    return "a URL cannot contain spaces or control characters";
  if (!/^(?:https?|file):\/\/./i.test(url)) return "it is not an https://, http:// or file:// URL";
  return null;
}

/** Null when the mirrors of a set are acceptable, else what is wrong. */
export function mirrorListProblem(mirrors: readonly string[]): string | null {
  if (mirrors.length === 0) return "it has no mirrors";
  for (const [i, mirror] of mirrors.entries()) {
    const problem = mirrorProblem(mirror);
    if (problem !== null) return `mirror ${showText(mirror)}: ${problem}`;
    if (mirror === LOCAL_MIRROR && i > 0) return '"::" may only come first';
    if (mirrors.indexOf(mirror) !== i) return `mirror ${showText(mirror)} is listed twice`;
  }
  return null;
}

/** Set names and direct dependency names once; atoms once per set, in a declared set not named
 *  `nix` (direct-deps-name.ts), with the id their set and label give and a rev as long as their
 *  set's id. */
export function crossCheckLock(
  sets: readonly Placed<LockedSet>[],
  deps: readonly Placed<LockedDep>[],
  report: ReportProblem,
): void {
  const setIds = new Map<string, Placed<LockedSet>>();
  const names = new Map<string, Placed<LockedSet>>();
  for (const set of sets) {
    const twin = names.get(set.value.name);
    if (twin !== undefined) {
      report(
        set.at,
        `sets ${set.value.id} and ${twin.value.id} are both named ${set.value.name}`,
        REGENERATE_HINT,
      );
    }
    names.set(set.value.name, set);
    setIds.set(set.value.id, set);
  }
  const atoms = new Set<string>();
  const direct = new Set<string>();
  for (const { value: dep, at } of deps) {
    if (dep.type !== "atom") {
      if (direct.has(dep.name)) report(at, `${dep.name} is locked twice`, REGENERATE_HINT);
      direct.add(dep.name);
      continue;
    }
    const set = setIds.get(dep.set);
    if (set === undefined) {
      report(
        at,
        `${dep.label} comes from set ${dep.set}, which has no [sets.${dep.set}]`,
        REGENERATE_HINT,
      );
    } else if (set.value.name === DIRECT_DEPS_NAME) {
      report(
        at,
        `${dep.label} comes from set ${dep.set}, named ${set.value.name}${set.at.line > 0 ? ` on line ${set.at.line}` : ""}: ${DIRECT_DEPS_CLASH}`,
        `a set of atoms cannot be named ${DIRECT_DEPS_NAME}: rename it in atom.toml ([package.sets] and [deps.from.${DIRECT_DEPS_NAME}]), e.g. to ${DIRECT_DEPS_OTHER_NAME}, then run \`eka resolve\``,
      );
    }
    if (set !== undefined && dep.rev.length !== dep.set.length) {
      report(
        at,
        `${dep.label}'s rev ${dep.rev} does not have the object id length of its set (${dep.set.length} characters)`,
        REGENERATE_HINT,
      );
    }
    const key = `${dep.set}\u0000${dep.label}`;
    if (atoms.has(key))
      report(at, `${dep.label} of set ${dep.set} is locked twice`, REGENERATE_HINT);
    atoms.add(key);
    const expected = atomId(dep.set, dep.label);
    if (dep.id !== expected) {
      report(
        at,
        `${dep.label}'s id ${dep.id} is not the atom id of that label in set ${dep.set} (${expected})`,
        REGENERATE_HINT,
      );
    }
  }
}

function fieldProblems(dep: LockedDep): string[] {
  const out: string[] = [];
  const check = (ok: boolean, what: string) => {
    if (!ok) out.push(what);
  };
  if (dep.type === "atom") {
    check(isLabel(dep.label) && dep.label === dep.label.normalize("NFKC"), "label");
    check(isVersion(dep.version), "version");
    check(isGitOid(dep.set), "set");
    check(isGitOid(dep.rev), "rev");
    check(isDigestText(dep.id), "id");
    check(isDigestText(dep.content), "content");
    return out;
  }
  check(isLabel(dep.name) && dep.name === dep.name.normalize("NFKC"), "name");
  check(nixUrlProblem(dep.type, dep.url) === null, "url");
  if (dep.type === "nix+git") {
    check(dep.ref === undefined || refNameProblem(dep.ref) === null, "ref");
    check(dep.version === undefined || isVersion(dep.version), "version");
    check(isGitOid(dep.rev), "rev");
  } else {
    check(isSriHash(dep.hash), "hash");
  }
  if (dep.type === "nix+build") {
    check(typeof dep.unpack === "boolean", "unpack");
    check(typeof dep.exec === "boolean", "exec");
  }
  return out;
}

/** Everything the reader would refuse in a lock value, in words (empty when it is valid). */
export function lockValueProblems(
  sets: readonly LockedSet[],
  deps: readonly LockedDep[],
): string[] {
  const out: string[] = [];
  const nowhere = { line: 0, column: 0 };
  for (const set of sets) {
    if (!isGitOid(set.id)) out.push(`set id ${showText(set.id)} is not an object id`);
    if (!isTag(set.name) || set.name !== set.name.normalize("NFKC")) {
      out.push(`set name ${showText(set.name)} is not a valid tag`);
    }
    const problem = mirrorListProblem(set.mirrors);
    if (problem !== null) out.push(`set ${set.name}: ${problem}`);
  }
  for (const dep of deps) {
    const bad = fieldProblems(dep);
    const name = dep.type === "atom" ? dep.label : dep.name;
    if (bad.length > 0)
      out.push(`${dep.type} dependency ${showText(name)}: invalid ${bad.join(", ")}`);
  }
  if (out.length > 0) return out;
  crossCheckLock(
    sets.map((value) => ({ value, at: nowhere })),
    deps.map((value) => ({ value, at: nowhere })),
    (_at, message) => out.push(message),
  );
  return out;
}
