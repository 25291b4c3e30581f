/**
 * Bench fixtures: many published versions of one atom, written as `eka publish` writes them
 * (protocol.md §4 atom commits, their atom and content refs) but in one batch: one
 * `hash-object --stdin-paths` for every commit and one `update-ref --stdin`, not a publish each.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  collectingReport,
  formatAtomCommit,
  type GitOid,
  type Label,
  type Version,
} from "../src/core/index.ts";
import { atomsPrefix, contentPrefix, openRepository } from "../src/git/index.ts";
import { b3TreeDigest } from "../src/hash/index.ts";
import { initRepository } from "../src/workspace/index.ts";
import { benchGitEnv } from "./random-atom.ts";

function git(dir: string, args: readonly string[], input?: string): string {
  const result = spawnSync("git", args, { cwd: dir, env: benchGitEnv, encoding: "utf8", input });
  if (result.status !== 0) throw new Error(`git ${args.join(" ")} failed: ${result.stderr}`);
  return result.stdout;
}

/** Gives the repository at `dir` its identity, then publishes `versions` of HEAD's `path`. */
export async function publishVersions(
  dir: string,
  path: string,
  label: Label,
  versions: readonly Version[],
): Promise<void> {
  await initRepository({ dir, report: collectingReport() });
  const repo = await openRepository(dir, { env: benchGitEnv });
  try {
    const tree = git(dir, ["rev-parse", `HEAD:${path}`]).trim() as GitOid;
    const content = await b3TreeDigest(repo, tree);
    const staging = join(dir, ".git", "bench-atom-commits");
    mkdirSync(staging);
    const files = versions.map((version) => {
      const file = join(staging, version);
      writeFileSync(file, formatAtomCommit({ tree, path, content, label, version }));
      return file;
    });
    const oids = git(
      dir,
      ["hash-object", "-t", "commit", "-w", "--stdin-paths"],
      `${files.join("\n")}\n`,
    )
      .trim()
      .split("\n");
    const updates = versions.flatMap((v, n) => [
      `create ${atomsPrefix(label)}${v} ${oids[n]}`,
      `create ${contentPrefix(label)}${v}/${content} ${oids[n]}`,
    ]);
    git(dir, ["update-ref", "--stdin"], `${updates.join("\n")}\n`);
    rmSync(staging, { recursive: true });
  } finally {
    await repo.close();
  }
}
