/**
 * One lister lists each (URL, prefixes) once: identical requests, whether made while the first
 * is in flight or after it ended, share its listing (one `git upload-pack`), failures included;
 * other prefixes, or the same prefixes in another order, are listed again. Processes counted.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { isEkaError } from "../../src/core/index.ts";
import { openMirrorLister } from "../../src/git/index.ts";
import { git, gitTestEnv, tempDir, tempRepo } from "../helpers/git.ts";

const INIT = "refs/ekala/init";
const LIB = ["refs/ekala/init", "refs/ekala/atoms/lib/", "refs/ekala/content/lib/"];

async function mirror(t: test.TestContext): Promise<string> {
  const dir = await tempRepo(t, { bare: true });
  const tree = git(dir, "hash-object", "-t", "tree", "-w", "--stdin").trim();
  const init = git(dir, "commit-tree", tree, "-m", "init").trim();
  const lib = git(dir, "commit-tree", tree, "-m", "lib 1.0.0").trim();
  git(dir, "update-ref", INIT, init);
  git(dir, "update-ref", "refs/ekala/atoms/lib/1.0.0", lib);
  git(dir, "update-ref", "refs/heads/main", init);
  return dir;
}

async function counted() {
  const spawned: string[][] = [];
  const lister = await openMirrorLister("/", {
    env: gitTestEnv,
    onSpawn: (args) => spawned.push([...args]),
  });
  const uploadPacks = () => spawned.filter((a) => a.includes("upload-pack")).length;
  return { lister, uploadPacks };
}

test("identical requests through one lister share one listing, in flight and after", async (t) => {
  const repo = await mirror(t);
  const { lister, uploadPacks } = await counted();
  const remote = await lister.resolve(`file://${repo}`);
  const [a, b] = await Promise.all([lister.list(remote, LIB), lister.list(remote, [...LIB])]);
  assert.equal(uploadPacks(), 1, "two identical requests in flight at once: one upload-pack");
  assert.deepEqual(
    a.map((r) => r.ref),
    ["refs/ekala/atoms/lib/1.0.0", INIT],
  );
  assert.deepEqual(b, a);
  assert.notEqual(a, b, "each caller gets its own array");
  a.pop();
  const c = await lister.list(await lister.resolve(`file://${repo}`), LIB);
  assert.equal(uploadPacks(), 1, "the same request after the listing ended: no new upload-pack");
  assert.equal(c.length, 2, "a caller changing its array changes no one else's");

  await lister.list(remote, [INIT]);
  assert.equal(uploadPacks(), 2, "other prefixes: listed again");
  await lister.list(remote, [...LIB].reverse());
  assert.equal(uploadPacks(), 3, "the same prefixes in another order: another request");
  const other = await counted();
  await other.lister.list(await other.lister.resolve(`file://${repo}`), LIB);
  assert.equal(other.uploadPacks(), 1, "another lister lists for itself");
});

test("a failed listing is shared too: the second identical request gets the same error", async (t) => {
  const missing = `${await tempDir(t)}/no-such-repo`;
  const { lister, uploadPacks } = await counted();
  const remote = await lister.resolve(`file://${missing}`);
  const first = await lister.list(remote, LIB).then(
    () => assert.fail("listed a missing repository"),
    (error: unknown) => error,
  );
  assert.ok(isEkaError(first), String(first));
  const spawnedAfterFirst = uploadPacks();
  assert.ok(spawnedAfterFirst >= 1);
  await assert.rejects(lister.list(remote, LIB), (error) => error === first);
  assert.equal(uploadPacks(), spawnedAfterFirst, "no second attempt");
});
