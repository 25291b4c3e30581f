import assert from "node:assert/strict";
import { lstatSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { type FileStamp, hashFileBlob } from "./b3-file-pool.ts";
import { blake3 } from "./blake3.ts";

function stampOf(path: string): FileStamp {
  const stat = lstatSync(path, { bigint: true });
  return {
    dev: stat.dev,
    ino: stat.ino,
    size: stat.size,
    mtimeNs: stat.mtimeNs,
    ctimeNs: stat.ctimeNs,
    symlink: stat.isSymbolicLink(),
  };
}

function blobDigest(bytes: Uint8Array): Uint8Array {
  return blake3(Buffer.concat([Buffer.from(`blob ${bytes.length}\0`, "latin1"), bytes]));
}

test("a file, a large file and a symlink hash as git blobs of their bytes", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "eka-pool-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const small = Buffer.from("hello\n");
  const large = Buffer.alloc(9 * 1024 * 1024 + 3, 7);
  writeFileSync(join(dir, "small"), small);
  writeFileSync(join(dir, "large"), large);
  writeFileSync(join(dir, "empty"), "");
  symlinkSync("small", join(dir, "link"));
  const at = (name: string) => ({ path: join(dir, name), stamp: stampOf(join(dir, name)) });
  const results = await Promise.all(
    ["small", "large", "empty", "link"].map((n) => hashFileBlob(at(n))),
  );
  assert.deepEqual(results, [
    blobDigest(small),
    blobDigest(large),
    blobDigest(Buffer.alloc(0)),
    blobDigest(Buffer.from("small")),
  ]);
});

test("a file that is not the one stamped answers null", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "eka-pool-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, "f");
  writeFileSync(file, "before\n");
  const stamp = stampOf(file);
  // Rewritten (same size): another change time.
  await new Promise((r) => setTimeout(r, 20));
  writeFileSync(file, "BEFORE\n");
  assert.equal(await hashFileBlob({ path: file, stamp }), null);
  // Gone.
  assert.equal(await hashFileBlob({ path: join(dir, "missing"), stamp }), null);
  // A symlink where a file was stamped, and a file where a symlink was.
  symlinkSync("f", join(dir, "l"));
  const link = stampOf(join(dir, "l"));
  assert.equal(
    await hashFileBlob({ path: join(dir, "l"), stamp: { ...link, symlink: false } }),
    null,
  );
  const now = stampOf(file);
  assert.equal(await hashFileBlob({ path: file, stamp: { ...now, symlink: true } }), null);
  // The size stamped is not the file's.
  assert.equal(await hashFileBlob({ path: file, stamp: { ...now, size: now.size + 1n } }), null);
  assert.deepEqual(
    await hashFileBlob({ path: file, stamp: now }),
    blobDigest(Buffer.from("BEFORE\n")),
  );
});
