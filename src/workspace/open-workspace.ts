/** Opens the git repository containing a directory and requires a working tree. */
import { EkaError } from "../core/errors.ts";
import { type GitBackend, openRepository } from "../git/index.ts";

export interface Workspace {
  readonly repo: GitBackend;
  /** Absolute path of the working tree's root (where ekala.toml lives). */
  readonly root: string;
}

export async function openWorkspace(dir: string): Promise<Workspace> {
  const repo = await openRepository(dir);
  if (repo.workTree === null) {
    await repo.close();
    throw new EkaError("EKA_NOT_A_REPO", "this is a bare repository; eka needs a working tree", {
      where: dir,
      hint: "run eka in a clone with a working tree",
    });
  }
  return { repo, root: repo.workTree };
}

/** Runs `fn` with an open workspace and always ends its git processes. */
export async function withWorkspace<T>(dir: string, fn: (ws: Workspace) => Promise<T>): Promise<T> {
  const ws = await openWorkspace(dir);
  try {
    return await fn(ws);
  } finally {
    await ws.repo.close();
  }
}
