/** The shared GitBackend contract, run on the git binary over real temporary repositories. */
import { backendContract } from "../../src/git/backend-contract.ts";
import type { GitBackend } from "../../src/git/index.ts";
import { openRepository } from "../../src/git/index.ts";
import { fsckStrict, gitTestEnv, tempDir, tempRepo } from "../helpers/git.ts";

for (const objectFormat of ["sha1", "sha256"] as const) {
  backendContract(`git binary (${objectFormat})`, async (t) => {
    const opened: GitBackend[] = [];
    const dirs = new Map<GitBackend, string>();
    t.after(() => Promise.all(opened.map((repo) => repo.close())));
    const open = async (dir: string): Promise<GitBackend> => {
      const repo = await openRepository(dir, { env: gitTestEnv });
      opened.push(repo);
      dirs.set(repo, dir);
      return repo;
    };
    const nowhere = await tempDir(t);
    return {
      repo: async (options) =>
        open(await tempRepo(t, { bare: options?.bare === true, objectFormat })),
      remote: async () => {
        const dir = await tempRepo(t, { bare: true, objectFormat });
        return { url: `file://${dir}`, backend: await open(dir) };
      },
      unreachableUrl: `file://${nowhere}/no-such-repository.git`,
      verify: (repo) => fsckStrict(dirs.get(repo)!),
    };
  });
}
