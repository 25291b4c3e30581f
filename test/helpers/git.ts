/**
 * Test helpers for real git repositories: temporary directories and repositories (removed after
 * the test), a synchronous `git` runner, and `fsckStrict`. Every git these helpers run, and every
 * backend opened with `gitTestEnv`, ignores the user's global and system git configuration, so
 * tests behave the same on every machine.
 */

import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { mkdtemp, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestContext } from "node:test";

/** The environment for git in tests: no global/system config, fixed identity, no prompts. */
export const gitTestEnv: NodeJS.ProcessEnv = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_TERMINAL_PROMPT: "0",
  GIT_AUTHOR_NAME: "Test Author",
  GIT_AUTHOR_EMAIL: "author@example.com",
  GIT_COMMITTER_NAME: "Test Committer",
  GIT_COMMITTER_EMAIL: "committer@example.com",
};

/** Something `tempDir`/`tempRepo` can register their cleanup with (a test's context). */
export type CleanupContext = Pick<TestContext, "after">;

/** A new empty temporary directory (real path, no symlinks), removed after the test. */
export async function tempDir(t: CleanupContext, prefix = "eka-test-"): Promise<string> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), prefix)));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

export interface TempRepoOptions {
  /** A bare repository (no working tree). */
  readonly bare?: boolean;
  /** Commit a README on `main` (non-bare only). */
  readonly initialCommit?: boolean;
  readonly objectFormat?: "sha1" | "sha256";
  /**
   * Run `git fsck --strict` on the repository when the test ends (default true), so every
   * repository a test touches is checked after the test. Only tests that corrupt a repository
   * on purpose turn it off.
   */
  readonly fsck?: boolean;
}

/**
 * A new repository made by real git (`main` as the initial branch, a local user.name/email,
 * unsigned commits); returns its directory. Removed after the test.
 */
export async function tempRepo(t: CleanupContext, options: TempRepoOptions = {}): Promise<string> {
  const dir = await realpath(
    await mkdtemp(join(tmpdir(), options.bare === true ? "eka-bare-" : "eka-repo-")),
  );
  t.after(async () => {
    try {
      if (options.fsck !== false) fsckStrict(dir);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
  const args = ["init", "--quiet", "--initial-branch=main"];
  if (options.bare === true) args.push("--bare");
  if (options.objectFormat !== undefined) args.push(`--object-format=${options.objectFormat}`);
  git(dir, ...args, dir);
  git(dir, "config", "user.name", "Test User");
  git(dir, "config", "user.email", "test@example.com");
  git(dir, "config", "commit.gpgSign", "false");
  git(dir, "config", "tag.gpgSign", "false");
  if (options.initialCommit === true && options.bare !== true) {
    writeFileSync(join(dir, "README.md"), "# test repository\n");
    git(dir, "add", "README.md");
    git(dir, "commit", "--quiet", "-m", "initial commit");
  }
  return dir;
}

/** Runs git in `cwd` and returns its stdout as is; throws with git's stderr on failure. */
export function git(cwd: string, ...args: string[]): string {
  const result = spawnSync("git", args, { cwd, env: gitTestEnv, encoding: "utf8" });
  if (result.error !== undefined) throw result.error;
  if (result.status !== 0) {
    throw new Error(`git ${args.join(" ")} failed (${result.status}): ${result.stderr}`);
  }
  return result.stdout;
}

/** Like `git`, with bytes on stdin; returns stdout as bytes. */
export function gitBytes(cwd: string, input: Uint8Array | string, ...args: string[]): Buffer {
  return execFileSync("git", args, { cwd, env: gitTestEnv, input });
}

/** Asserts that `git fsck --strict` finds nothing wrong (dangling objects are fine). */
export function fsckStrict(dir: string): void {
  const result = spawnSync("git", ["fsck", "--strict", "--no-dangling", "--no-progress"], {
    cwd: dir,
    env: gitTestEnv,
    encoding: "utf8",
  });
  const problems = `${result.stdout}${result.stderr}`
    .split("\n")
    .filter((line) => line.trim() !== "" && !line.startsWith("notice:"));
  assert.equal(result.status, 0, `git fsck --strict failed in ${dir}:\n${problems.join("\n")}`);
  assert.deepEqual(problems, [], `git fsck --strict reported problems in ${dir}`);
}
