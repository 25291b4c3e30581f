/**
 * `"::"` (protocol.md §7): a set served by this repository's working tree. Each atom resolves to
 * the atom commit `eka publish` would produce from `HEAD` (reproducible commits make it the id
 * publishing will write): the set read from HEAD's objects, the atom tree's b3 digest, the
 * commit hashed, not written. No network.
 */
import {
  EkaError,
  formatAtomCommit,
  type Label,
  LOCAL_MIRROR,
  type SetId,
  setIdFromOid,
  type Tag,
} from "../core/index.ts";
import { hashObject } from "../git/index.ts";
import { b3TreeDigest } from "../hash/index.ts";
import { readSourceSet } from "../publish/index.ts";
import { readLocalIdentity, withWorkspace } from "../workspace/index.ts";
import type { AtomCandidate, SetView } from "./types.ts";

export async function localSetView(
  dir: string,
  name: Tag,
  labels: readonly Label[],
): Promise<SetView> {
  return withWorkspace(dir, async ({ repo }) => {
    const [head, init] = await Promise.all([repo.resolveCommit("HEAD"), readLocalIdentity(repo)]);
    if (init === null) {
      throw new EkaError(
        "EKA_NOT_INITIALIZED",
        `set ${name} is "::" (this repository), which has no identity`,
        {
          where: dir,
          hint: "run `eka init` in this repository first",
        },
      );
    }
    if (head === null) {
      throw new EkaError(
        "EKA_REVISION_UNKNOWN",
        `set ${name} is "::" (this repository), which has no commit yet`,
        {
          where: dir,
          hint: 'commit the atoms first: "::" resolves to what `eka publish` would publish from HEAD',
        },
      );
    }
    const set = await readSourceSet(repo, head, "HEAD");
    const found = new Map<Label, AtomCandidate>();
    await Promise.all(
      set.atoms
        .filter((a) => labels.includes(a.manifest.label))
        .map(async (atom) => {
          const content = await b3TreeDigest(repo, atom.extra.tree);
          const { label, version } = atom.manifest;
          const bytes = formatAtomCommit({
            tree: atom.extra.tree,
            path: atom.path,
            content,
            label,
            version,
          });
          const commit = hashObject("commit", bytes, repo.objectFormat);
          found.set(label, { version, commit, content, mirrors: [LOCAL_MIRROR] });
        }),
    );
    const id: SetId = setIdFromOid(init);
    return {
      name,
      id,
      mirrors: [LOCAL_MIRROR],
      versions: (label) => {
        const c = found.get(label);
        return c === undefined ? [] : [c];
      },
    };
  });
}
