/**
 * The b3 tree digest hashed from checked-out files (`WorktreeFiles`) gives exactly the digest of
 * the git objects, on real repositories: the same atom hashed both ways and independently
 * (`git ls-tree`, `git cat-file`, the real `b3sum`). And where a file does not hold its blob's
 * bytes, or git cannot vouch that it does, the blob is read from git instead: modified files
 * (even keeping size and modification time), filters, end-of-line conversion, `core.autocrlf`,
 * flags that make git look away, and an older commit than the one checked out.
 *
 * Files are read from disk only once they last changed `SETTLED_MS` (2 s) ago, so each test
 * waits that long after writing before it hashes; and only files of 64 KiB or more, 16 MiB or
 * more in all, unless told otherwise (as here, but for one check of the defaults).
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import {
  chmodSync,
  mkdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { type TestContext, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { encodeBase32Hex, type GitOid } from "../../src/core/index.ts";
import { openRepository } from "../../src/git/index.ts";
import { type B3Progress, b3TreeDigest, WorktreeFiles } from "../../src/hash/index.ts";
import { independentB3Digest } from "../helpers/b3-tree.ts";
import { git, gitTestEnv, tempRepo } from "../helpers/git.ts";

const SETTLE_MS = 2200;

type FileSpec = string | Uint8Array | { readonly link: string } | { readonly exec: string };

function writeFiles(dir: string, files: Readonly<Record<string, FileSpec>>): void {
  for (const [path, spec] of Object.entries(files)) {
    const file = join(dir, path);
    mkdirSync(dirname(file), { recursive: true });
    if (typeof spec === "object" && "link" in spec) symlinkSync(spec.link, file);
    else if (typeof spec === "object" && "exec" in spec) {
      writeFileSync(file, spec.exec);
      chmodSync(file, 0o755);
    } else writeFileSync(file, spec);
  }
}

function commitAll(dir: string, message: string): GitOid {
  git(dir, "add", "--all");
  git(dir, "commit", "--quiet", "-m", message);
  return git(dir, "rev-parse", "HEAD").trim() as GitOid;
}

interface Digests {
  /** With the working tree, and how many blobs came from it. */
  readonly fast: string;
  readonly fromWorktree: number;
  /** From git objects only. */
  readonly objects: string;
  /** Without eka. */
  readonly independent: string;
}

/** The digest of `commit:path` three ways; the files are opened for `filesFor` (default `commit`). */
async function digests(
  t: TestContext,
  dir: string,
  commit: GitOid,
  path: string,
  filesFor: GitOid = commit,
): Promise<Digests> {
  const { fast, fromWorktree } = await fastDigest(t, dir, commit, path, filesFor);
  const repo = await openRepository(dir, { env: gitTestEnv });
  t.after(() => repo.close());
  const tree = git(dir, "rev-parse", `${commit}:${path}`).trim() as GitOid;
  const objects = await b3TreeDigest(repo, tree);
  const independent = encodeBase32Hex(independentB3Digest(dir, tree));
  return { fast, fromWorktree, objects, independent };
}

/** The digest of `commit:path` with the files opened for `filesFor`, and how many were read. */
async function fastDigest(
  t: TestContext,
  dir: string,
  commit: GitOid,
  path: string,
  filesFor: GitOid = commit,
): Promise<{ fast: string; fromWorktree: number }> {
  const repo = await openRepository(dir, { env: gitTestEnv });
  t.after(() => repo.close());
  const tree = git(dir, "rev-parse", `${commit}:${path}`).trim() as GitOid;
  const files = await WorktreeFiles.open(repo, filesFor, [path], { minBytes: 0, minFileBytes: 0 });
  let last: B3Progress | null = null;
  const fast = await b3TreeDigest(repo, tree, {
    worktree: { files, path },
    onProgress: (p) => {
      last = p;
    },
  });
  return { fast, fromWorktree: (last as B3Progress | null)?.fromWorktree ?? 0 };
}

function assertSame(d: Digests): void {
  assert.equal(d.objects, d.independent, "the object path against b3sum");
  assert.equal(d.fast, d.independent, "the working-tree path against b3sum");
}

/** Distinct blobs in `commit:path`. */
function blobCount(dir: string, commit: GitOid, path: string): number {
  const listing = git(dir, "ls-tree", "-r", "-z", `${commit}:${path}`).split("\0");
  return new Set(listing.filter((l) => l !== "").map((l) => l.split(/\s/)[2])).size;
}

test("hashed from the working tree: the same digest as from objects and from b3sum", async (t) => {
  const dir = await tempRepo(t);
  const files: Record<string, FileSpec> = {
    "atom/empty": "",
    "atom/also-empty": "",
    "atom/big.bin": randomBytes(9 * 1024 * 1024 + 17), // more than one read piece
    "atom/run.sh": { exec: "#!/bin/sh\necho hi\n" },
    "atom/link": { link: "big.bin" },
    "atom/dangling": { link: "no/such/target" },
    "atom/dir-link": { link: "src" },
    "atom/ünïcödé/名前.txt": "unicode\n",
    "atom/e\u0301/nfd": "nfd name\n",
    "atom/new\nline": "a newline in a name\n",
    "atom/sp ace/x.txt": "space\n",
    "other/outside.txt": "not in the atom\n",
  };
  for (let i = 0; i < 150; i++) files[`atom/src/d${i % 7}/e${i % 3}/f${i}.txt`] = `file ${i}\n`;
  writeFiles(dir, files);
  const commit = commitAll(dir, "atom");
  await sleep(SETTLE_MS);
  const d = await digests(t, dir, commit, "atom");
  assertSame(d);
  assert.equal(d.fromWorktree, blobCount(dir, commit, "atom"), "every blob from the working tree");
  // And again, on the second open (nothing changed): still all from disk, same digest.
  const again = await fastDigest(t, dir, commit, "atom");
  assert.equal(again.fast, d.fast);
  assert.equal(again.fromWorktree, d.fromWorktree);
  // By default, an atom this small (under 16 MiB) is not worth the worker threads.
  const repo = await openRepository(dir, { env: gitTestEnv });
  t.after(() => repo.close());
  assert.equal((await WorktreeFiles.open(repo, commit, ["atom"])).size, 0);
  assert.ok(
    (await WorktreeFiles.open(repo, commit, ["atom"], { minBytes: 0, minFileBytes: 0 })).size > 150,
  );
  // And files under 64 KiB are read from git: here, all but big.bin.
  assert.equal((await WorktreeFiles.open(repo, commit, ["atom"], { minBytes: 0 })).size, 1);
});

test("a file modified in the working tree is read from git", async (t) => {
  const dir = await tempRepo(t);
  writeFiles(dir, { "atom/a.txt": "committed\n", "atom/b.txt": "b\n", "atom/c.bin": "c\n" });
  const commit = commitAll(dir, "atom");
  writeFileSync(join(dir, "atom/a.txt"), "changed in the working tree, longer\n");
  await sleep(SETTLE_MS);
  const d = await digests(t, dir, commit, "atom");
  assertSame(d);
  assert.equal(d.fromWorktree, 2);
});

test("a file modified keeping its size and modification time is read from git", async (t) => {
  const dir = await tempRepo(t);
  writeFiles(dir, { "atom/a.txt": "committed\n", "atom/b.txt": "b\n" });
  const commit = commitAll(dir, "atom");
  // Racily: in the same second as the index was written, same size, mtime put back.
  const file = join(dir, "atom/a.txt");
  const { atime, mtime } = statSync(file);
  writeFileSync(file, "COMMITTED\n");
  utimesSync(file, atime, mtime);
  await sleep(SETTLE_MS);
  const d = await digests(t, dir, commit, "atom");
  assertSame(d);
  assert.equal(d.fromWorktree, 1);
  assert.equal(readFileSync(file, "utf8"), "COMMITTED\n");
});

test("with core.checkStat=minimal (git looks at less than the full stat), nothing is read from disk", async (t) => {
  const dir = await tempRepo(t);
  writeFiles(dir, { "atom/a.txt": "committed\n", "atom/b.txt": "b\n" });
  const commit = commitAll(dir, "atom");
  git(dir, "config", "core.checkStat", "minimal");
  git(dir, "config", "core.trustCtime", "false");
  const file = join(dir, "atom/a.txt");
  const { atime, mtime } = statSync(file);
  // An index written a second later: no longer racily clean, git trusts size and mtime alone.
  await sleep(1100);
  git(dir, "update-index", "--really-refresh");
  writeFileSync(file, "COMMITTED\n");
  utimesSync(file, atime, mtime);
  await sleep(SETTLE_MS);
  assert.equal(git(dir, "status", "--porcelain"), "", "git itself cannot see the change");
  const d = await digests(t, dir, commit, "atom");
  assertSame(d);
  assert.equal(d.fromWorktree, 0);
});

test("files under a clean/smudge filter or an eol attribute are read from git", async (t) => {
  const dir = await tempRepo(t);
  git(dir, "config", "filter.upper.smudge", "tr a-z A-Z");
  git(dir, "config", "filter.upper.clean", "tr A-Z a-z");
  writeFiles(dir, {
    ".gitattributes": "*.up filter=upper\n*.crlf text eol=crlf\n*.bin -text\n",
    "atom/a.up": "shouted\n",
    "atom/b.crlf": "one\ntwo\n",
    "atom/c.bin": "binary\n",
    "atom/d.txt": "plain\n",
  });
  const commit = commitAll(dir, "atom");
  // Check the files out again, so that the working tree holds the converted bytes.
  git(dir, "rm", "--quiet", "--cached", "-r", "atom");
  git(dir, "reset", "--quiet", "--hard");
  assert.equal(readFileSync(join(dir, "atom/a.up"), "utf8"), "SHOUTED\n");
  assert.equal(readFileSync(join(dir, "atom/b.crlf"), "utf8"), "one\r\ntwo\r\n");
  await sleep(SETTLE_MS);
  assert.equal(git(dir, "status", "--porcelain"), "");
  const d = await digests(t, dir, commit, "atom");
  assertSame(d);
  assert.equal(d.fromWorktree, 2, "c.bin (-text) and d.txt");
});

test("with core.autocrlf=true nothing is read from disk", async (t) => {
  const dir = await tempRepo(t);
  writeFiles(dir, { "atom/a.txt": "one\ntwo\n", "atom/b.txt": "b\n" });
  const commit = commitAll(dir, "atom");
  git(dir, "config", "core.autocrlf", "true");
  git(dir, "rm", "--quiet", "--cached", "-r", "atom");
  git(dir, "reset", "--quiet", "--hard");
  assert.equal(readFileSync(join(dir, "atom/a.txt"), "utf8"), "one\r\ntwo\r\n");
  await sleep(SETTLE_MS);
  const d = await digests(t, dir, commit, "atom");
  assertSame(d);
  assert.equal(d.fromWorktree, 0);
});

test("files checked out under a conversion since turned off are read from git", async (t) => {
  const dir = await tempRepo(t);
  writeFiles(dir, { "atom/a.txt": "one\ntwo\n", "atom/b.txt": "no newline" });
  const commit = commitAll(dir, "atom");
  git(dir, "config", "core.autocrlf", "true");
  git(dir, "rm", "--quiet", "--cached", "-r", "atom");
  git(dir, "reset", "--quiet", "--hard");
  await sleep(1100);
  git(dir, "update-index", "--really-refresh"); // an index newer than the files: not racy
  git(dir, "config", "core.autocrlf", "false");
  await sleep(SETTLE_MS);
  assert.equal(readFileSync(join(dir, "atom/a.txt"), "utf8"), "one\r\ntwo\r\n");
  assert.equal(git(dir, "status", "--porcelain"), "", "git trusts the stat data");
  const d = await digests(t, dir, commit, "atom");
  assertSame(d);
  assert.equal(d.fromWorktree, 1, "b.txt only: a.txt's size is not its blob's");
});

test("assume-unchanged and skip-worktree entries are read from git", async (t) => {
  const dir = await tempRepo(t);
  writeFiles(dir, { "atom/a.txt": "a\n", "atom/b.txt": "b\n", "atom/c.txt": "c\n" });
  const commit = commitAll(dir, "atom");
  git(dir, "update-index", "--assume-unchanged", "atom/a.txt");
  git(dir, "update-index", "--skip-worktree", "atom/b.txt");
  writeFileSync(join(dir, "atom/a.txt"), "A, hidden from git\n");
  writeFileSync(join(dir, "atom/b.txt"), "B, hidden from git\n");
  await sleep(SETTLE_MS);
  assert.equal(git(dir, "status", "--porcelain"), "", "git itself does not look");
  const d = await digests(t, dir, commit, "atom");
  assertSame(d);
  assert.equal(d.fromWorktree, 1);
});

test("an older commit than the one checked out: changed files are read from git", async (t) => {
  const dir = await tempRepo(t);
  writeFiles(dir, { "atom/a.txt": "v1\n", "atom/b.txt": "same\n" });
  const old = commitAll(dir, "v1");
  writeFiles(dir, { "atom/a.txt": "v2, different\n", "atom/c.txt": "new\n" });
  const head = commitAll(dir, "v2");
  await sleep(SETTLE_MS);
  const d = await digests(t, dir, old, "atom");
  assertSame(d);
  assert.equal(d.fromWorktree, 1, "b.txt only");
  // Files opened for HEAD do not stand in for another commit's tree at all.
  const mixed = await digests(t, dir, old, "atom", head);
  assertSame(mixed);
  assert.equal(mixed.fromWorktree, 0);
  // HEAD itself: all from disk.
  const current = await digests(t, dir, head, "atom");
  assertSame(current);
  assert.equal(current.fromWorktree, 3);
});

test("files changed less than two seconds ago are read from git", async (t) => {
  const dir = await tempRepo(t);
  writeFiles(dir, { "atom/a.txt": "a\n", "atom/b.txt": "b\n" });
  const commit = commitAll(dir, "atom");
  const d = await digests(t, dir, commit, "atom");
  assertSame(d);
  assert.equal(d.fromWorktree, 0);
});

test("a bare repository hashes from objects", async (t) => {
  const work = await tempRepo(t);
  writeFiles(work, { "atom/a.txt": "a\n" });
  const commit = commitAll(work, "atom");
  const bare = await tempRepo(t, { bare: true });
  git(work, "push", "--quiet", bare, "main");
  const d = await digests(t, bare, commit, "atom");
  assertSame(d);
  assert.equal(d.fromWorktree, 0);
});
