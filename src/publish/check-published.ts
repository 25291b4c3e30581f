/**
 * The cheap checks `eka publish` runs on a version the target already holds with the same atom
 * commit: that commit fixes the tree, so the manifest ref must be the tree's `atom.toml` and the
 * one content ref must carry the digest this publication computed. A difference is not this
 * publication's to fix (nothing is overwritten), but it is a sign of tampering or debris: the
 * caller warns. Pure.
 */
import { parseEkalaRef } from "../git/index.ts";
import type { RefIndex } from "./classify-atom.ts";
import type { PlannedAtom } from "./plan.ts";

/** What is wrong with the target's refs of an already-published atom (empty when nothing). */
export function publishedRefProblems(atom: PlannedAtom, target: RefIndex): string[] {
  if (atom.action !== "already-published") return [];
  const problems: string[] = [];
  let contentRefs = 0;
  for (const ref of target.ofVersion(atom.label, atom.version)) {
    const parsed = parseEkalaRef(ref.ref);
    if (parsed.kind === "manifest" && ref.oid !== atom.manifest) {
      problems.push(`${ref.ref} is ${ref.oid}, but the tree's atom.toml is ${atom.manifest}`);
    } else if (parsed.kind === "content") {
      contentRefs++;
      if (parsed.digest !== atom.content) {
        problems.push(
          `${ref.ref} names digest ${parsed.digest}, but the tree's is ${atom.content}`,
        );
      } else if (ref.oid !== atom.commit) {
        problems.push(`${ref.ref} points at ${ref.oid}, not at atom commit ${atom.commit}`);
      }
    }
  }
  if (contentRefs === 0) problems.push(`there is no content ref (digest ${atom.content})`);
  return problems;
}
