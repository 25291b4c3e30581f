/**
 * Unpacks a downloaded archive into an empty directory, safely (see unpack-guard.ts), and says
 * what Nix would hash: like `nix-prefetch-url --unpack`, the single top-level entry when there is
 * exactly one (the usual `project-1.2/` directory, stripped), else the whole directory.
 */
import { mkdirSync, readdirSync } from "node:fs";
import type { Transform } from "node:stream";
import { createGunzip, createZstdDecompress } from "node:zlib";
import { createUnxz } from "node-liblzma";
import unbzip2 from "unbzip2-stream";
import { EkaError } from "../core/index.ts";
import { type ArchiveFormat, archiveFormatOfFile } from "./archive-format.ts";
import { UnpackGuard } from "./unpack-guard.ts";
import { unpackTar } from "./unpack-tar.ts";
import { unpackZip } from "./unpack-zip.ts";

export interface UnpackOptions {
  /** Bytes (plus 512 per entry) the archive may unpack to. */
  readonly maxBytes: number;
  /** The archive's URL (redacted), for messages. */
  readonly where: string;
}

export interface UnpackResult {
  readonly format: ArchiveFormat;
  /** What to hash: the single top-level entry, or the directory itself (as bytes). */
  readonly top: Buffer;
  /** Entries at the top level (1 when stripped). */
  readonly topEntries: number;
}

function decompressor(format: ArchiveFormat): Transform | null {
  switch (format) {
    case "tar":
    case "zip":
      return null;
    case "tar.gz":
      return createGunzip();
    case "tar.xz":
      return createUnxz() as unknown as Transform;
    case "tar.bz2":
      return unbzip2() as unknown as Transform;
    case "tar.zst":
      return createZstdDecompress();
  }
}

/** Unpacks `file` into `target` (created, must not exist). */
export async function unpackArchive(
  file: string,
  target: string,
  options: UnpackOptions,
): Promise<UnpackResult> {
  const format = archiveFormatOfFile(file);
  if (format === null) {
    throw new EkaError("EKA_ARCHIVE_INVALID", `${options.where} is not an archive eka can unpack`, {
      where: options.where,
      hint: "eka unpacks tar (plain, gzip, xz, bzip2, zstd) and zip; lock a plain file with { url = … } instead",
      data: { url: options.where },
    });
  }
  mkdirSync(target);
  const guard = new UnpackGuard(target, options.maxBytes, options.where);
  try {
    if (format === "zip") await unpackZip(file, guard);
    else await unpackTar(file, decompressor(format), guard);
    guard.checkLinks();
  } catch (error) {
    if (error instanceof EkaError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new EkaError(
      "EKA_ARCHIVE_INVALID",
      `cannot unpack ${options.where} (${format}): ${message}`,
      {
        where: options.where,
        hint: "the archive is damaged or truncated: download it again, or ask its publisher",
        data: { url: options.where, format },
        cause: error,
      },
    );
  }
  const entries = readdirSync(target, { encoding: "buffer" });
  const root = Buffer.from(target);
  return {
    format,
    top: entries.length === 1 ? Buffer.concat([root, Buffer.from("/"), entries[0]!]) : root,
    topEntries: entries.length,
  };
}
