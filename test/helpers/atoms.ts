/**
 * Source repositories with atoms, for publishing tests: files written directly (no CLI), an
 * identity made by the real `eka init`, and what a published atom must look like on a remote,
 * derived independently of eka (git plumbing, the real b3sum).
 */
import assert from "node:assert/strict";
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { encodeBase32Hex } from "../../src/core/index.ts";
import { independentB3Digest } from "./b3-tree.ts";
import { runEka } from "./eka.ts";
import { git } from "./git.ts";

/** A file's content; `{ link }` makes a symlink, `{ exec }` an executable file. */
export type FileSpec = string | { readonly link: string } | { readonly exec: string };

export function writeFiles(dir: string, files: Readonly<Record<string, FileSpec>>): void {
  for (const [path, spec] of Object.entries(files)) {
    const file = join(dir, path);
    mkdirSync(dirname(file), { recursive: true });
    if (typeof spec === "object" && "link" in spec) symlinkSync(spec.link, file);
    else if (typeof spec === "object") {
      writeFileSync(file, spec.exec);
      chmodSync(file, 0o755);
    } else writeFileSync(file, spec);
  }
}

export function atomToml(label: string, version: string, extra = ""): string {
  return `[package]\nlabel = "${label}"\nversion = "${version}"\n${extra}`;
}

export function ekalaToml(paths: readonly string[]): string {
  return `[set]\npackages = [${paths.map((p) => JSON.stringify(p)).join(", ")}]\n`;
}

export function commitAll(dir: string, message: string): string {
  git(dir, "add", "--all");
  git(dir, "commit", "--quiet", "--allow-empty", "-m", message);
  return git(dir, "rev-parse", "HEAD").trim();
}

/** `eka init` (with `--remote URL` when given); fails the test when it fails. */
export async function ekaInit(dir: string, remote?: string): Promise<string> {
  const run = await runEka(dir, ["init", ...(remote === undefined ? [] : ["--remote", remote])]);
  assert.equal(run.code, 0, run.stderr);
  return git(dir, "rev-parse", "refs/ekala/init").trim();
}

export interface AtomSpec {
  readonly label: string;
  readonly version: string;
  readonly path: string;
}

/** A git ref listing as a map (`for-each-ref`, all refs under `prefix`). */
export function refMap(dir: string, prefix = "refs/ekala/"): Map<string, string> {
  const out = git(dir, "for-each-ref", "--format=%(refname) %(objectname)", prefix);
  return new Map(
    out
      .split("\n")
      .filter((l) => l !== "")
      .map((l) => l.split(" ") as [string, string]),
  );
}

/** The atom commit eka must write for `atom` at `source`, as text, from git plumbing alone. */
export function expectedAtomCommit(repo: string, source: string, atom: AtomSpec): string {
  const tree = git(repo, "rev-parse", `${source}:${atom.path}`).trim();
  const digest = encodeBase32Hex(independentB3Digest(repo, tree));
  return [
    `tree ${tree}`,
    "author ekala <ekala@atom> 0 +0000",
    "committer ekala <ekala@atom> 0 +0000",
    "ekala-atom v1",
    `path ${atom.path}`,
    `content ${digest}`,
    "",
    `${atom.label}@${atom.version}`,
    "",
  ].join("\n");
}

/**
 * Checks `dir` (a remote or the source repository) holds exactly the four refs of `atom` as
 * published from `source` in `repo`, each derived independently; returns the atom commit id.
 */
export function assertPublished(dir: string, repo: string, source: string, atom: AtomSpec): string {
  const { label, version, path } = atom;
  const refs = refMap(dir);
  const commit = refs.get(`refs/ekala/atoms/${label}/${version}`);
  assert.ok(commit !== undefined, `${dir} has no atom ref for ${label}@${version}`);
  assert.equal(git(dir, "cat-file", "-t", commit).trim(), "commit");
  assert.equal(git(dir, "cat-file", "commit", commit), expectedAtomCommit(repo, source, atom));
  const tree = git(repo, "rev-parse", `${source}:${path}`).trim();
  const digest = encodeBase32Hex(independentB3Digest(repo, tree));
  assert.equal(
    refs.get(`refs/ekala/manifests/${label}/${version}`),
    git(repo, "rev-parse", `${source}:${path}/atom.toml`).trim(),
    "the manifest ref holds the tree's atom.toml blob",
  );
  assert.equal(refs.get(`refs/ekala/origins/${label}/${version}`), source, "origin = source");
  const content = [...refs].filter(([ref]) =>
    ref.startsWith(`refs/ekala/content/${label}/${version}/`),
  );
  assert.deepEqual(content, [[`refs/ekala/content/${label}/${version}/${digest}`, commit]]);
  return commit;
}
