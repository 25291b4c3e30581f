/**
 * Which archive a file is, from its first bytes (as libarchive, which Nix uses, decides; the
 * URL's extension is not trusted): tar, plain or compressed with gzip, xz, bzip2 or zstd, or zip.
 */
import { closeSync, openSync, readSync } from "node:fs";

export type ArchiveFormat = "tar" | "tar.gz" | "tar.xz" | "tar.bz2" | "tar.zst" | "zip";

const startsWith = (head: Buffer, bytes: readonly number[]) =>
  head.length >= bytes.length && bytes.every((b, i) => head[i] === b);

/** The format of the first bytes of a file, or null when eka cannot unpack it. */
export function archiveFormatOf(head: Buffer): ArchiveFormat | null {
  if (startsWith(head, [0x1f, 0x8b])) return "tar.gz";
  if (startsWith(head, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])) return "tar.xz";
  if (startsWith(head, [0x42, 0x5a, 0x68])) return "tar.bz2";
  if (startsWith(head, [0x28, 0xb5, 0x2f, 0xfd])) return "tar.zst";
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || startsWith(head, [0x50, 0x4b, 0x05, 0x06])) {
    return "zip";
  }
  if (
    head.length >= 512 &&
    (head.toString("latin1", 257, 262) === "ustar" || tarChecksumOk(head))
  ) {
    return "tar";
  }
  return null;
}

/** The header checksum of a (pre-POSIX) tar: the byte sum with the checksum field as spaces. */
function tarChecksumOk(head: Buffer): boolean {
  const field = head
    .toString("latin1", 148, 156)
    .replace(/[\0 ]+$/, "")
    .trim();
  if (!/^[0-7]+$/.test(field)) return false;
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : head[i]!;
  return sum === Number.parseInt(field, 8);
}

export function archiveFormatOfFile(path: string): ArchiveFormat | null {
  const fd = openSync(path, "r");
  try {
    const head = Buffer.alloc(512);
    const n = readSync(fd, head, 0, 512, 0);
    return archiveFormatOf(head.subarray(0, n));
  } finally {
    closeSync(fd);
  }
}
