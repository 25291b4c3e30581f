import assert from "node:assert/strict";
import { test } from "node:test";
import { blake3 as nobleBlake3 } from "@noble/hashes/blake3.js";
import { EkaError, encodeBase32Hex, type GitOid } from "../core/index.ts";
import { MemoryBackend } from "../git/index.ts";
import { b3TreeDigest } from "./b3-tree-digest.ts";

const bytes = (text: string) => new TextEncoder().encode(text);
const entry = (mode: string, name: string, oid: GitOid) => ({
  mode,
  name,
  nameBytes: bytes(name),
  oid,
});

/** BLAKE3 of git's encoding of an object, by a second implementation. */
function b3Object(type: string, body: Uint8Array): Uint8Array {
  return nobleBlake3(new Uint8Array([...bytes(`${type} ${body.length}\0`), ...body]));
}

function treeBody(entries: readonly [string, string, Uint8Array][]): Uint8Array {
  const parts = entries.flatMap(([mode, name, digest]) => [
    ...bytes(`${mode} ${name}\0`),
    ...digest,
  ]);
  return new Uint8Array(parts);
}

test("hashes blobs and trees as git objects with BLAKE3 digests in place of ids", async () => {
  const repo = new MemoryBackend();
  const large = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 13) % 256);
  const small = bytes("hello\n");
  const [largeOid, smallOid] = await Promise.all([
    repo.writeObject("blob", large),
    repo.writeObject("blob", small),
  ]);
  const sub = await repo.writeTree([entry("100644", "file", smallOid)]);
  const root = await repo.writeTree([
    entry("100755", "run", smallOid),
    entry("40000", "sub", sub),
    entry("120000", "link", smallOid),
    entry("100644", "large", largeOid),
  ]);
  const smallDigest = b3Object("blob", small);
  const subDigest = b3Object("tree", treeBody([["100644", "file", smallDigest]]));
  // Git's order: large, link, run, sub.
  const expected = b3Object(
    "tree",
    treeBody([
      ["100644", "large", b3Object("blob", large)],
      ["120000", "link", smallDigest],
      ["100755", "run", smallDigest],
      ["40000", "sub", subDigest],
    ]),
  );
  const progress: number[] = [];
  const digest = await b3TreeDigest(repo, root, { onProgress: (p) => progress.push(p.objects) });
  assert.equal(digest, encodeBase32Hex(expected));
  // Four distinct objects: the small blob is hashed once for its three entries.
  assert.deepEqual(progress, [1, 2, 3, 4]);
});

test("a gitlink is EKA_SUBMODULE_IN_ATOM, naming every one in its tree", async () => {
  const repo = new MemoryBackend();
  const blob = await repo.writeObject("blob", bytes("x"));
  const commit = "1".repeat(40) as GitOid;
  const inner = await repo.writeTree([
    entry("160000", "one", commit),
    entry("100644", "file", blob),
    entry("160000", "two", commit),
  ]);
  const root = await repo.writeTree([entry("40000", "vendor", inner)]);
  await assert.rejects(b3TreeDigest(repo, root), (error: unknown) => {
    assert.ok(error instanceof EkaError);
    assert.equal(error.code, "EKA_SUBMODULE_IN_ATOM");
    assert.equal(error.where, "vendor/one");
    assert.match(error.message, /"vendor\/one", "vendor\/two"/);
    return true;
  });
});
