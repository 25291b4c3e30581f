/**
 * The b3 tree digest (protocol.md §3) computed without eka, for tests to compare eka against:
 * `git ls-tree -z` lists a tree's entries in the tree's own order, `git cat-file blob` gives a
 * blob's bytes, this helper builds git's `blob <len>\0…` and `tree <len>\0…` byte strings itself,
 * and the real `b3sum` hashes them. Gitlinks are not part of the format and fail here.
 */
import { execFileSync } from "node:child_process";
import { b3sum } from "./b3sum.ts";
import { gitTestEnv } from "./git.ts";

function gitRaw(dir: string, args: readonly string[]): Buffer {
  return execFileSync("git", [...args], { cwd: dir, env: gitTestEnv, maxBuffer: 1 << 30 });
}

function hashObject(type: "blob" | "tree", body: Uint8Array): Buffer {
  const header = Buffer.from(`${type} ${body.length}\0`, "latin1");
  return Buffer.from(b3sum(Buffer.concat([header, body])), "hex");
}

/** The 32-byte b3 digest of `tree` (any tree-ish git accepts: an oid, `HEAD:pkgs/button`). */
export function independentB3Digest(
  dir: string,
  tree: string,
  memo: Map<string, Buffer> = new Map(),
): Buffer {
  const known = memo.get(tree);
  if (known !== undefined) return known;
  const listing = gitRaw(dir, ["ls-tree", "-z", "--end-of-options", tree]);
  const body: Buffer[] = [];
  let at = 0;
  while (at < listing.length) {
    const end = listing.indexOf(0, at);
    const record = listing.subarray(at, end);
    at = end + 1;
    const tab = record.indexOf(0x09);
    const [mode = "", type = "", oid = ""] = record.subarray(0, tab).toString("latin1").split(" ");
    const name = record.subarray(tab + 1);
    let digest: Buffer;
    if (type === "tree") digest = independentB3Digest(dir, oid, memo);
    else if (type === "blob") {
      digest = memo.get(oid) ?? hashObject("blob", gitRaw(dir, ["cat-file", "blob", oid]));
      memo.set(oid, digest);
    } else throw new Error(`a ${type} (mode ${mode}) has no b3 digest`);
    // ls-tree shows a tree's mode as 040000; tree objects (and the b3 format) say 40000.
    body.push(
      Buffer.from(`${mode === "040000" ? "40000" : mode} `, "latin1"),
      name,
      Buffer.from([0]),
      digest,
    );
  }
  const digest = hashObject("tree", Buffer.concat(body));
  memo.set(tree, digest);
  return digest;
}
