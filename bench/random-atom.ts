/**
 * A throw-away repository holding one large atom of random bytes, built with real git in a temp
 * directory, for benchmarks that read or publish an atom (b3 digest, publish).
 */
import { spawnSync } from "node:child_process";
import { randomFillSync } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { GitOid } from "../src/core/index.ts";

export interface RandomAtomOptions {
  /** Large files and the size of each, in bytes. */
  readonly bigFiles: number;
  readonly bigFileBytes: number;
  /** Small files (1 to 16 KiB each) spread over nested directories. */
  readonly smallFiles: number;
}

export interface RandomAtom {
  /** The repository (a working tree, everything committed on `main`). */
  readonly dir: string;
  /** The atom's directory in the repository. */
  readonly path: string;
  /** The atom directory's tree. */
  readonly tree: GitOid;
  /** Absolute paths of the atom's files in the working tree. */
  readonly files: readonly string[];
  /** The atom's distinct blob ids. */
  readonly blobs: readonly GitOid[];
  /** Bytes in the atom's files. */
  readonly bytes: number;
  /** Removes the repository. */
  remove(): void;
}

/** git without the user's configuration, with a fixed identity. */
export const benchGitEnv: NodeJS.ProcessEnv = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_AUTHOR_NAME: "Bench",
  GIT_AUTHOR_EMAIL: "bench@example.com",
  GIT_COMMITTER_NAME: "Bench",
  GIT_COMMITTER_EMAIL: "bench@example.com",
};

function git(dir: string, ...args: string[]): string {
  const result = spawnSync("git", args, { cwd: dir, env: benchGitEnv, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`git ${args.join(" ")} failed: ${result.stderr}`);
  return result.stdout;
}

export function makeRandomAtom(options: RandomAtomOptions): RandomAtom {
  const dir = mkdtempSync(join(tmpdir(), "eka-bench-"));
  try {
    git(dir, "init", "--quiet", "--initial-branch=main");
    const path = "atom";
    const files: string[] = [];
    let bytes = 0;
    const write = (name: string, size: number) => {
      const file = join(dir, path, name);
      mkdirSync(join(file, ".."), { recursive: true });
      writeFileSync(file, randomFillSync(Buffer.allocUnsafe(size)));
      files.push(file);
      bytes += size;
    };
    for (let i = 0; i < options.bigFiles; i++) write(`data/big-${i}.bin`, options.bigFileBytes);
    for (let i = 0; i < options.smallFiles; i++) {
      write(`src/d${i % 10}/e${i % 3}/file-${i}.txt`, 1024 + ((i * 7919) % (15 * 1024)));
    }
    git(dir, "add", path);
    git(dir, "commit", "--quiet", "-m", "a random atom");
    const tree = git(dir, "rev-parse", `HEAD:${path}`).trim() as GitOid;
    const blobs = new Set<GitOid>();
    for (const line of git(dir, "ls-tree", "-r", tree).split("\n")) {
      const oid = line.split(/\s/)[2];
      if (oid !== undefined) blobs.add(oid as GitOid);
    }
    return {
      dir,
      path,
      tree,
      files,
      blobs: [...blobs],
      bytes,
      remove: () => rmSync(dir, { recursive: true, force: true }),
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
