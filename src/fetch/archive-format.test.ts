import assert from "node:assert/strict";
import { test } from "node:test";
import { gzipSync, zstdCompressSync } from "node:zlib";
import { archiveFormatOf } from "./archive-format.ts";

function ustar(magic: string): Buffer {
  const h = Buffer.alloc(512);
  h.write("file.txt", 0);
  h.write("0000644\0", 100);
  h.write("00000000000\0", 124);
  h.write("        ", 148);
  h.write("0", 156);
  h.write(magic, 257);
  const sum = h.reduce((a, b) => a + b, 0);
  h.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148);
  return h;
}

test("archive formats are told by their first bytes, never by the URL", () => {
  assert.equal(archiveFormatOf(gzipSync("x")), "tar.gz");
  assert.equal(archiveFormatOf(zstdCompressSync("x")), "tar.zst");
  assert.equal(archiveFormatOf(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 1])), "tar.xz");
  assert.equal(archiveFormatOf(Buffer.from("BZh91AY&SY")), "tar.bz2");
  assert.equal(archiveFormatOf(Buffer.from("PK\u0003\u0004rest")), "zip");
  assert.equal(archiveFormatOf(Buffer.from("PK\u0005\u0006rest")), "zip");
  assert.equal(archiveFormatOf(ustar("ustar")), "tar");
  // A pre-POSIX tar: no magic, but a valid header checksum.
  assert.equal(archiveFormatOf(ustar("")), "tar");
  assert.equal(archiveFormatOf(Buffer.from("<!doctype html><title>login</title>")), null);
  assert.equal(archiveFormatOf(Buffer.alloc(512)), null);
});
