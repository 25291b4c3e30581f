/**
 * The check after an edit of `[deps.direct.nix]` (adding or removing one entry): the edited text
 * is read again, and what a reader sees must differ only in the direct dependencies.
 */
import { type AtomManifest, parseAtomManifest } from "./atom-manifest.ts";
import { EkaError } from "./errors.ts";

/** A direct dependency as the check compares it: its name and its table. */
type DirectDep = { readonly name: string; readonly spec: unknown };

const nixKey = (d: DirectDep) => `${d.name}\u0000${JSON.stringify(d.spec)}`;
const atomKey = (d: AtomManifest["deps"][number]) =>
  `${d.set}\u0000${d.label}\u0000${d.requirement}`;
const setKey = (s: AtomManifest["sets"][number]) => `${s.name}\u0000${s.mirrors.join("\u0000")}`;

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  return [...a].sort().join("\n") === [...b].sort().join("\n");
}

/**
 * Checks that `edited`, the text `before` was edited into (`what` says how, for messages), reads
 * as a manifest whose direct dependencies are `expected` and whose sets, atom dependencies,
 * label, version and `[nix]` are those of `before`. EKA_INTERNAL otherwise: an edit that did
 * something else is a bug, and nothing is written.
 */
export function checkDirectDepsEdit(
  before: AtomManifest,
  edited: string,
  expected: readonly DirectDep[],
  what: string,
  file: string,
): void {
  let after: AtomManifest;
  try {
    after = parseAtomManifest(edited, file);
  } catch (error) {
    throw new EkaError("EKA_INTERNAL", `${what} produced an invalid manifest`, { cause: error });
  }
  const same =
    sameKeys(after.sets.map(setKey), before.sets.map(setKey)) &&
    sameKeys(after.deps.map(atomKey), before.deps.map(atomKey)) &&
    sameKeys(after.nixDeps.map(nixKey), expected.map(nixKey)) &&
    after.label === before.label &&
    after.version === before.version &&
    JSON.stringify(after.nix) === JSON.stringify(before.nix);
  if (!same) {
    throw new EkaError("EKA_INTERNAL", `${what} did not give the expected manifest`, {
      data: { nixDeps: after.nixDeps.map(nixKey) },
    });
  }
}
