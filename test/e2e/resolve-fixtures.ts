/**
 * Fixtures for dependency tests: sets published with the real `eka publish` to bare remotes
 * (file:// URLs), and consumer atoms in their own repositories.
 */
import assert from "node:assert/strict";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { atomToml, commitAll, ekaInit, ekalaToml, writeFiles } from "../helpers/atoms.ts";
import { runEka } from "../helpers/eka.ts";
import { type CleanupContext, git, gitTestEnv, tempRepo } from "../helpers/git.ts";
import { startGitHttpBackend } from "../helpers/git-http-backend.ts";

export interface PublishedSet {
  /** The source repository. */
  readonly repo: string;
  /** The bare remote it publishes to. */
  readonly remote: string;
  /** `file://` URL of the remote. */
  readonly url: string;
  /** The set id. */
  readonly id: string;
}

/**
 * A set with one atom per label at `pkgs/<label>`, each version in `versions[label]` published
 * in order (one commit and one `eka publish` per round).
 */
export async function publishedSet(
  t: CleanupContext,
  versions: Readonly<Record<string, readonly string[]>>,
): Promise<PublishedSet> {
  const repo = await tempRepo(t);
  const remote = await tempRepo(t, { bare: true });
  const labels = Object.keys(versions);
  writeFiles(repo, { "ekala.toml": ekalaToml(labels.map((l) => `pkgs/${l}`)) });
  commitAll(repo, "set");
  const id = await ekaInit(repo, remote);
  const rounds = Math.max(...labels.map((l) => versions[l]!.length));
  for (let i = 0; i < rounds; i++) {
    const paths: string[] = [];
    for (const label of labels) {
      const version = versions[label]![i];
      if (version === undefined) continue;
      writeFiles(repo, {
        [`pkgs/${label}/atom.toml`]: atomToml(label, version),
        [`pkgs/${label}/src.txt`]: `${label} ${version}\n`,
      });
      paths.push(`pkgs/${label}`);
    }
    commitAll(repo, `round ${i}`);
    await publish(repo, remote, paths);
  }
  return { repo, remote, url: `file://${remote}`, id };
}

export async function publish(repo: string, remote: string, paths: readonly string[] = []) {
  const run = await runEka(repo, ["publish", "--remote", remote, ...paths]);
  assert.equal(run.code, 0, run.stderr);
}

/** Publishes `label@version` (a new commit) from the set's source repository. */
export async function publishVersion(set: PublishedSet, label: string, version: string) {
  writeFiles(set.repo, {
    [`pkgs/${label}/atom.toml`]: atomToml(label, version),
    [`pkgs/${label}/src.txt`]: `${label} ${version}\n`,
  });
  commitAll(set.repo, `${label} ${version}`);
  await publish(set.repo, set.remote, [`pkgs/${label}`]);
}

/** The atom commit a remote holds for label@version. */
export function atomCommit(remote: string, label: string, version: string): string {
  return git(remote, "rev-parse", `refs/ekala/atoms/${label}/${version}`).trim();
}

/** A consumer atom `app` alone in a new repository; returns its directory. */
export async function consumer(t: CleanupContext, body = ""): Promise<string> {
  const repo = await tempRepo(t);
  writeFiles(repo, { "atom.toml": atomToml("app", "0.1.0", body) });
  return repo;
}

export function read(dir: string, file: string): string {
  return readFileSync(join(dir, file), "utf8");
}

export function write(dir: string, file: string, text: string): void {
  writeFileSync(join(dir, file), text);
}

/** mtime, ctime and inode of each file: what a command that touches nothing leaves alone. */
export function stamps(dir: string, files: readonly string[]): string[] {
  return files.map((f) => {
    const s = statSync(join(dir, f), { bigint: true });
    return `${f} ino=${s.ino} mtime=${s.mtimeNs} ctime=${s.ctimeNs}`;
  });
}

/**
 * A loopback smart-HTTP server: each request runs `git http-backend` (CGI) over the
 * repositories under `root`, protocol v2 included (the Git-Protocol header is passed on).
 * Returns the base URL (`http://127.0.0.1:<port>/`); stopped when the test ends.
 */
export async function gitHttpServer(t: CleanupContext, root: string): Promise<string> {
  const server = await startGitHttpBackend(t, root, { env: gitTestEnv });
  return `${server.origin}/`;
}
