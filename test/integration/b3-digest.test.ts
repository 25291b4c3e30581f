/**
 * The b3 tree digest (protocol.md §3) on real repositories, against an independent computation:
 * the test walks trees with `git ls-tree`, reads blobs with `git cat-file blob`, builds git's
 * `blob <len>\0…` / `tree <len>\0…` byte strings itself and hashes them with the real `b3sum`.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { type TestContext, test } from "node:test";
import { deflateSync } from "node:zlib";
import { decodeBase32Hex, EkaError, encodeBase32Hex, type GitOid } from "../../src/core/index.ts";
import { type GitBinaryBackend, openRepository } from "../../src/git/index.ts";
import { type B3Progress, b3TreeDigest } from "../../src/hash/index.ts";
import { b3sum } from "../helpers/b3sum.ts";
import { git, gitBytes, gitTestEnv, tempRepo } from "../helpers/git.ts";

type Format = "sha1" | "sha256";

async function open(t: TestContext, dir: string, spawned: string[][] = []) {
  const repo = await openRepository(dir, { env: gitTestEnv, onSpawn: (a) => spawned.push([...a]) });
  t.after(() => repo.close());
  return repo;
}

/** Writes `files` (path → content; a `{ link }` is a symlink, a `{ exec }` an executable). */
type FileSpec = string | Uint8Array | { readonly link: string } | { readonly exec: string };

function writeFiles(dir: string, files: Readonly<Record<string, FileSpec>>): void {
  for (const [path, spec] of Object.entries(files)) {
    const file = join(dir, path);
    mkdirSync(dirname(file), { recursive: true });
    if (typeof spec === "object" && "link" in spec) {
      symlinkSync(spec.link, file);
    } else if (typeof spec === "object" && "exec" in spec) {
      writeFileSync(file, spec.exec);
      chmodSync(file, 0o755);
    } else {
      writeFileSync(file, spec);
    }
  }
}

function commitAll(dir: string, message: string): GitOid {
  git(dir, "add", "--all");
  git(dir, "commit", "--quiet", "--allow-empty", "-m", message);
  return git(dir, "rev-parse", "HEAD").trim() as GitOid;
}

/** The tree a commit names (`HEAD`), or the tree at a path in one (`HEAD:atom`). */
function treeOf(dir: string, revision: string): GitOid {
  const spec = revision.includes(":") ? revision : `${revision}^{tree}`;
  return git(dir, "rev-parse", "--verify", spec).trim() as GitOid;
}

/**
 * The expected digest, computed without eka: `git ls-tree -z` gives each entry's mode, type,
 * oid and name in the tree's own order (ls-tree pads a tree's mode to `040000`; git writes
 * `40000` in tree objects, and so does the b3 format); blobs are read with `git cat-file blob`.
 */
function expectedDigest(dir: string, tree: string, memo = new Map<string, Buffer>()): Buffer {
  const known = memo.get(tree);
  if (known !== undefined) return known;
  const listing = gitBytes(dir, "", "ls-tree", "-z", tree);
  const parts: Buffer[] = [];
  for (let at = 0; at < listing.length; ) {
    const end = listing.indexOf(0, at);
    const record = listing.subarray(at, end);
    at = end + 1;
    const tab = record.indexOf(0x09);
    const [mode, type, oid] = record.subarray(0, tab).toString("latin1").split(" ") as [
      string,
      string,
      string,
    ];
    const name = record.subarray(tab + 1);
    const digest =
      type === "tree" ? expectedDigest(dir, oid, memo) : objectDigest(dir, "blob", oid, memo);
    assert.ok(type === "tree" || type === "blob", `unexpected ${type} in the test's tree`);
    const gitMode = mode === "040000" ? "40000" : mode;
    parts.push(Buffer.from(`${gitMode} `), name, Buffer.from([0]), digest);
  }
  const body = Buffer.concat(parts);
  const digest = b3(Buffer.concat([Buffer.from(`tree ${body.length}\0`), body]));
  memo.set(tree, digest);
  return digest;
}

function objectDigest(dir: string, type: "blob", oid: string, memo: Map<string, Buffer>): Buffer {
  const known = memo.get(oid);
  if (known !== undefined) return known;
  const bytes = execFileSync("git", ["cat-file", type, oid], {
    cwd: dir,
    env: gitTestEnv,
    maxBuffer: 64 << 20,
  });
  const digest = b3(Buffer.concat([Buffer.from(`${type} ${bytes.length}\0`), bytes]));
  memo.set(oid, digest);
  return digest;
}

/** BLAKE3 by the real b3sum, as raw bytes. */
function b3(bytes: Uint8Array): Buffer {
  return Buffer.from(b3sum(bytes), "hex");
}

function assertDigest(actual: string, expected: Buffer): void {
  assert.equal(actual.length, 52);
  assert.equal(Buffer.from(decodeBase32Hex(actual)!).toString("hex"), expected.toString("hex"));
  assert.equal(actual, encodeBase32Hex(expected));
}

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<EkaError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof EkaError, `expected EkaError ${code}, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return error;
  }
  assert.fail(`expected ${code}, but it succeeded`);
}

const big = randomBytes(1_536 * 1024 + 7);

/** An atom exercising every kind of entry, order rule and name the format has to handle. */
const ATOM: Record<string, FileSpec> = {
  "atom/atom.toml": '[package]\nlabel = "demo"\nversion = "1.0.0"\n',
  "atom/README.md": "# demo\n",
  "atom/bin/run.sh": { exec: "#!/bin/sh\necho run\n" },
  "atom/link": { link: "README.md" },
  "atom/dir-link": { link: "src/lib" },
  "atom/empty": "",
  "atom/ünïcödé.txt": "unicode\n",
  "atom/名前/ファイル.md": "名前\n",
  "atom/with space.txt": "space\n",
  "atom/-leading": "dash\n",
  // A tree sorts as if its name ended with "/": a-b, a.txt, a/ in git's order.
  "atom/a/x": "inside a\n",
  "atom/a.txt": "a.txt\n",
  "atom/a-b": "a-b\n",
  "atom/big.bin": big,
  // Either side of the size up to which eka hashes a blob in one call.
  "atom/edge/64k": big.subarray(0, 64 * 1024),
  "atom/edge/64k+1": big.subarray(1, 64 * 1024 + 2),
  "atom/src/lib/deep/default.nix": "{ }\n",
  // The same blob twice, and the same subtree twice (one oid each).
  "atom/dup-1.txt": "same bytes\n",
  "atom/src/dup-2.txt": "same bytes\n",
  "atom/x/same/file": "same tree\n",
  "atom/y/same/file": "same tree\n",
};

for (const format of ["sha1", "sha256"] as Format[]) {
  test(`the digest matches an independent computation with b3sum (${format})`, async (t) => {
    const dir = await tempRepo(t, { objectFormat: format });
    writeFiles(dir, { ...ATOM, "outside.txt": "not in the atom\n" });
    commitAll(dir, "add the atom");
    const spawned: string[][] = [];
    const repo = await open(t, dir, spawned);
    const atom = treeOf(dir, "HEAD:atom");
    const before = repo.spawnCount;
    const progress: B3Progress[] = [];
    const digest = await b3TreeDigest(repo, atom, { onProgress: (p) => progress.push(p) });
    assertDigest(digest, expectedDigest(dir, atom));
    // Every object came through the one long-lived cat-file process.
    assert.deepEqual(
      spawned.slice(before).map((args) => args.join(" ")),
      ["cat-file --batch-command"],
    );
    // Each distinct object was hashed once: the duplicate blob and subtree count once.
    const listed = git(dir, "ls-tree", "-r", "-t", atom).trim().split("\n");
    const distinct = new Set(listed.map((line) => line.split(/\s/)[2]));
    assert.ok(distinct.size < listed.length, "the atom has duplicate objects");
    assert.equal(progress.length, distinct.size + 1);
    assert.equal(progress.at(-1)?.objects, distinct.size + 1);
    assert.ok((progress.at(-1)?.bytes ?? 0) > big.length);
    // The whole commit's tree too (the atom is a subtree of it).
    assertDigest(await b3TreeDigest(repo, treeOf(dir, "HEAD")), expectedDigest(dir, "HEAD^{tree}"));
  });
}

test("the same files give the same digest in SHA-1 and SHA-256 repositories", async (t) => {
  const digests: string[] = [];
  for (const objectFormat of ["sha1", "sha256"] as Format[]) {
    const dir = await tempRepo(t, { objectFormat });
    writeFiles(dir, ATOM);
    commitAll(dir, "atom");
    digests.push(await b3TreeDigest(await open(t, dir), treeOf(dir, "HEAD:atom")));
  }
  assert.equal(digests[0], digests[1]);
});

test("the digest depends on the tree alone, not on the commit it came from", async (t) => {
  const dir = await tempRepo(t);
  writeFiles(dir, ATOM);
  const first = commitAll(dir, "first");
  writeFiles(dir, { "elsewhere.txt": "a change outside the atom\n" });
  const second = commitAll(dir, "second");
  const repo = await open(t, dir);
  assert.notEqual(first, second);
  assert.equal(treeOf(dir, `${first}:atom`), treeOf(dir, `${second}:atom`));
  const [a, b] = await Promise.all([
    b3TreeDigest(repo, treeOf(dir, `${first}:atom`)),
    b3TreeDigest(repo, treeOf(dir, `${second}:atom`)),
  ]);
  assert.equal(a, b);
  // Another repository with the same files: the same digest.
  const other = await tempRepo(t);
  writeFiles(other, ATOM);
  commitAll(other, "elsewhere, later");
  const otherRepo = await open(t, other);
  assert.equal(await b3TreeDigest(otherRepo, treeOf(other, "HEAD:atom")), a);
});

test("one changed byte, mode or name changes the digest", async (t) => {
  const dir = await tempRepo(t);
  writeFiles(dir, ATOM);
  commitAll(dir, "first");
  const repo = await open(t, dir);
  const digests = [await b3TreeDigest(repo, treeOf(dir, "HEAD:atom"))];

  const changed = Buffer.from(big);
  changed[big.length - 1] = changed[big.length - 1]! ^ 1;
  writeFileSync(join(dir, "atom/big.bin"), changed);
  commitAll(dir, "one byte");
  const atom = treeOf(dir, "HEAD:atom");
  digests.push(await b3TreeDigest(repo, atom));
  assertDigest(digests[1]!, expectedDigest(dir, atom));

  chmodSync(join(dir, "atom/README.md"), 0o755);
  commitAll(dir, "executable");
  digests.push(await b3TreeDigest(repo, treeOf(dir, "HEAD:atom")));

  git(dir, "mv", "atom/empty", "atom/Empty");
  commitAll(dir, "renamed");
  digests.push(await b3TreeDigest(repo, treeOf(dir, "HEAD:atom")));
  assert.equal(new Set(digests).size, digests.length, digests.join("\n"));
});

test("the empty tree hashes as `tree 0\\0`", async (t) => {
  const dir = await tempRepo(t);
  const repo = await open(t, dir);
  const empty = git(dir, "hash-object", "-t", "tree", "-w", "--stdin").trim() as GitOid;
  assertDigest(await b3TreeDigest(repo, empty), b3(Buffer.from("tree 0\0")));
});

test("a submodule (gitlink) anywhere in the atom is an error naming its path", async (t) => {
  const dir = await tempRepo(t, { initialCommit: true });
  writeFiles(dir, ATOM);
  commitAll(dir, "atom");
  const head = git(dir, "rev-parse", "HEAD").trim();
  git(dir, "update-index", "--add", "--cacheinfo", `160000,${head},atom/vendor/sub`);
  const root = git(dir, "write-tree").trim();
  const atom = treeOf(dir, `${root}:atom`);
  const repo = await open(t, dir);
  const error = await rejectsWith(b3TreeDigest(repo, atom), "EKA_SUBMODULE_IN_ATOM");
  assert.equal(error.where, "vendor/sub");
  assert.match(error.message, /"vendor\/sub"/);
  assert.match(error.hint ?? "", /remove the submodule/);
  assert.deepEqual(error.data, { paths: ["vendor/sub"], commits: [head] });
  // Outside the atom it does not matter.
  git(dir, "read-tree", "HEAD");
  git(dir, "update-index", "--add", "--cacheinfo", `160000,${head},sub`);
  const withOutsideSub = git(dir, "write-tree").trim();
  assert.equal(
    await b3TreeDigest(repo, treeOf(dir, `${withOutsideSub}:atom`)),
    await b3TreeDigest(repo, treeOf(dir, "HEAD:atom")),
  );
});

test("modes outside git's four are refused, not normalised", async (t) => {
  // `100664` was written by very old git; fsck --strict rejects it, so no fsck after this test.
  const dir = await tempRepo(t, { fsck: false });
  const blob = git(dir, "hash-object", "-w", "--stdin").trim();
  const entry = Buffer.concat([Buffer.from("100664 old\0"), Buffer.from(blob, "hex")]);
  const tree = gitBytes(dir, entry, "hash-object", "-t", "tree", "-w", "--literally", "--stdin");
  const repo = await open(t, dir);
  const error = await rejectsWith(
    b3TreeDigest(repo, tree.toString().trim() as GitOid),
    "EKA_OBJECT_INVALID",
  );
  assert.match(error.message, /"old" has mode 100664/);
});

test("what is not a tree, or absent, is refused", async (t) => {
  const dir = await tempRepo(t, { initialCommit: true });
  const repo: GitBinaryBackend = await open(t, dir);
  const commit = git(dir, "rev-parse", "HEAD").trim() as GitOid;
  const blob = git(dir, "rev-parse", "HEAD:README.md").trim() as GitOid;
  await rejectsWith(b3TreeDigest(repo, commit), "EKA_OBJECT_INVALID");
  await rejectsWith(b3TreeDigest(repo, blob), "EKA_OBJECT_INVALID");
  await rejectsWith(b3TreeDigest(repo, "0".repeat(39).concat("1") as GitOid), "EKA_OBJECT_MISSING");
  await rejectsWith(b3TreeDigest(repo, "HEAD" as GitOid), "EKA_OID_INVALID");
});

test("a blob whose bytes do not hash to its id fails the digest (checked while streaming)", async (t) => {
  const dir = await tempRepo(t, { fsck: false });
  writeFiles(dir, { "atom/data.bin": randomBytes(300_000) });
  commitAll(dir, "atom");
  const blob = git(dir, "rev-parse", "HEAD:atom/data.bin").trim();
  // Replace the loose object's bytes with another blob of the same size, under the same name.
  const forged = randomBytes(300_000);
  const object = join(dir, ".git/objects", blob.slice(0, 2), blob.slice(2));
  chmodSync(object, 0o644);
  writeFileSync(object, deflateSync(Buffer.concat([Buffer.from("blob 300000\0"), forged])));
  const repo = await open(t, dir);
  const error = await rejectsWith(
    b3TreeDigest(repo, treeOf(dir, "HEAD:atom")),
    "EKA_OBJECT_INVALID",
  );
  assert.match(error.message, new RegExp(`object ${blob} does not hash to its id`));
  // The reader is still usable afterwards.
  assert.equal((await repo.readObject(treeOf(dir, "HEAD"))).type, "tree");
});
