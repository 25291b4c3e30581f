/** `eka status`: the repository's identity and the atoms its working tree declares. */
import {
  type AtomId,
  atomId,
  type Label,
  type SetId,
  setIdFromOid,
  type Version,
} from "../core/index.ts";
import { readLocalIdentity } from "./init-repository.ts";
import { withWorkspace } from "./open-workspace.ts";
import { readWorktreeSet } from "./read-worktree-set.ts";

export interface StatusAtom {
  readonly path: string;
  readonly label: Label;
  readonly version: Version;
  /** Null until the repository has an identity (`eka init`). */
  readonly id: AtomId | null;
}

export interface WorkspaceStatus {
  readonly root: string;
  readonly setId: SetId | null;
  readonly atoms: readonly StatusAtom[];
}

export async function workspaceStatus(dir: string): Promise<WorkspaceStatus> {
  return withWorkspace(dir, async ({ repo, root }) => {
    const init = await readLocalIdentity(repo);
    const setId = init === null ? null : setIdFromOid(init);
    const set = await readWorktreeSet(root);
    return {
      root,
      setId,
      atoms: set.atoms.map(({ path, manifest }) => ({
        path,
        label: manifest.label,
        version: manifest.version,
        id: setId === null ? null : atomId(setId, manifest.label),
      })),
    };
  });
}
