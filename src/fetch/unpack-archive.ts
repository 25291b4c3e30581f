/**
 * Unpacks a downloaded archive, safely (see unpack-guard.ts), in memory (see unpack-tree.ts), and
 * hashes what Nix would hash: like `nix-prefetch-url --unpack`, the NAR of the single top-level
 * entry when there is exactly one (the usual `project-1.2/` directory, stripped), else of the
 * whole tree. Nothing is written per entry; contents beyond the memory budget go to one spill
 * file at the `scratch` path, which the caller removes.
 *
 * `unpackArchive` reads a file; `streamingUnpack` takes the body while it downloads (tars only:
 * a zip's directory is at its end, so a zip is unpacked from the file once it has arrived).
 */
import { createReadStream, rmSync } from "node:fs";
import { PassThrough, type Transform } from "node:stream";
import { createGunzip, createZstdDecompress } from "node:zlib";
import { createUnxz } from "node-liblzma";
import unbzip2 from "unbzip2-stream";
import { EkaError } from "../core/index.ts";
import { type ArchiveFormat, archiveFormatOf, archiveFormatOfFile } from "./archive-format.ts";
import type { BodyTee } from "./http-download.ts";
import { UnpackGuard } from "./unpack-guard.ts";
import { unpackTar } from "./unpack-tar.ts";
import { type UnpackedHash, UnpackTree } from "./unpack-tree.ts";
import { unpackZip } from "./unpack-zip.ts";

export interface UnpackOptions {
  /** Bytes (plus 512 per entry) the archive may unpack to. */
  readonly maxBytes: number;
  /** The archive's URL (redacted), for messages. */
  readonly where: string;
  /** Bytes of file contents held in memory before the spill file is used (tests lower it). */
  readonly memoryBytes?: number;
}

/** The archive's format and the NAR hash (digest, size) of what it unpacks to. */
export interface UnpackResult extends UnpackedHash {
  readonly format: ArchiveFormat;
}

const CHUNK = 256 * 1024;

function decompressor(format: ArchiveFormat): Transform | null {
  switch (format) {
    case "tar":
    case "zip":
      return null;
    case "tar.gz":
      return createGunzip({ chunkSize: CHUNK });
    case "tar.xz":
      return createUnxz() as unknown as Transform;
    case "tar.bz2":
      return unbzip2() as unknown as Transform;
    case "tar.zst":
      return createZstdDecompress({ chunkSize: CHUNK });
  }
}

function notAnArchive(where: string): EkaError {
  return new EkaError("EKA_ARCHIVE_INVALID", `${where} is not an archive eka can unpack`, {
    where,
    hint: "eka unpacks tar (plain, gzip, xz, bzip2, zstd) and zip; lock a plain file with { url = … } instead",
    data: { url: where },
  });
}

function asArchiveError(error: unknown, format: ArchiveFormat, where: string): EkaError {
  if (error instanceof EkaError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new EkaError("EKA_ARCHIVE_INVALID", `cannot unpack ${where} (${format}): ${message}`, {
    where,
    hint: "the archive is damaged or truncated: download it again, or ask its publisher",
    data: { url: where, format },
    cause: error,
  });
}

/** Unpacks `file` and hashes it; `scratch` is where contents may spill (the caller removes it). */
export async function unpackArchive(
  file: string,
  scratch: string,
  options: UnpackOptions,
): Promise<UnpackResult> {
  const format = archiveFormatOfFile(file);
  if (format === null) throw notAnArchive(options.where);
  const guard = new UnpackGuard(options.maxBytes, options.where);
  const tree = new UnpackTree(guard, scratch, options.memoryBytes);
  try {
    if (format === "zip") await unpackZip(file, tree);
    else {
      const source = createReadStream(file, { highWaterMark: 1 << 20 });
      await unpackTar(source, decompressor(format), tree, guard);
    }
    guard.checkLinks(tree);
    return { format, ...(await tree.narHash(options.where)) };
  } catch (error) {
    throw asArchiveError(error, format, options.where);
  } finally {
    tree.close();
  }
}

/** An unpack fed by a download; `outcome()` after the download: null means "use the file". */
export interface StreamingUnpack {
  readonly tee: () => BodyTee;
  outcome(): UnpackResult | null;
}

/**
 * Unpacks a tar while it downloads, and hashes it once the body is whole. The format is sniffed
 * from the first bytes; anything but a tar is left for `unpackArchive` on the finished file. A
 * refusal or a broken archive fails the download at once (the error is an EkaError, never
 * retried). Each attempt starts over (a spill file of a failed one is removed).
 */
export function streamingUnpack(scratch: string, options: UnpackOptions): StreamingUnpack {
  let done: UnpackResult | null = null;
  const tee = (): BodyTee => {
    rmSync(scratch, { force: true });
    done = null;
    let head: Buffer[] = [];
    let headSize = 0;
    let input: PassThrough | null = null;
    let tree: UnpackTree | null = null;
    let skip = false;
    let format: ArchiveFormat = "tar";
    let failure: EkaError | null = null;
    let unpacking: Promise<void> = Promise.resolve();
    const start = (): void => {
      const bytes = Buffer.concat(head);
      const sniffed = archiveFormatOf(bytes);
      head = [];
      if (sniffed === null || sniffed === "zip") {
        skip = true;
        return;
      }
      format = sniffed;
      const guard = new UnpackGuard(options.maxBytes, options.where);
      const unpacked = new UnpackTree(guard, scratch, options.memoryBytes);
      tree = unpacked;
      input = new PassThrough({ highWaterMark: 1 << 20 });
      unpacking = unpackTar(input, decompressor(format), unpacked, guard)
        .then(() => guard.checkLinks(unpacked))
        .catch((error) => {
          failure = asArchiveError(error, format, options.where);
          input?.destroy();
        });
      input.write(bytes);
    };
    return {
      write(chunk) {
        if (failure !== null) return Promise.reject(failure);
        if (skip) return undefined;
        if (input === null) {
          head.push(chunk);
          headSize += chunk.length;
          if (headSize >= 512) start();
          return undefined;
        }
        if (input.write(chunk)) return undefined;
        const stream = input;
        return new Promise<void>((resolve, reject) => {
          const settle = () => (failure === null ? resolve() : reject(failure));
          stream.once("drain", settle);
          unpacking.then(settle);
        });
      },
      async end() {
        if (input === null && !skip) start();
        if (skip) return;
        try {
          input?.end();
          await unpacking;
          if (failure !== null) throw failure;
          done = { format, ...(await tree!.narHash(options.where)) };
        } finally {
          tree?.close();
        }
      },
      async abort() {
        input?.destroy();
        await unpacking;
        tree?.close();
        rmSync(scratch, { force: true });
      },
    };
  };
  return { tee, outcome: () => done };
}
