/**
 * Unpacks a downloaded archive into an empty directory, safely (see unpack-guard.ts), and says
 * what Nix would hash: like `nix-prefetch-url --unpack`, the single top-level entry when there is
 * exactly one (the usual `project-1.2/` directory, stripped), else the whole directory.
 *
 * `unpackArchive` reads a file; `streamingUnpack` takes the body while it downloads (tars only:
 * a zip's directory is at its end, so a zip is unpacked from the file once it has arrived).
 */
import { createReadStream, mkdirSync, readdirSync, rmSync } from "node:fs";
import { PassThrough, type Transform } from "node:stream";
import { createGunzip, createZstdDecompress } from "node:zlib";
import { createUnxz } from "node-liblzma";
import unbzip2 from "unbzip2-stream";
import { EkaError } from "../core/index.ts";
import { type ArchiveFormat, archiveFormatOf, archiveFormatOfFile } from "./archive-format.ts";
import type { BodyTee } from "./http-download.ts";
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

function result(target: string, format: ArchiveFormat): UnpackResult {
  const entries = readdirSync(target, { encoding: "buffer" });
  const root = Buffer.from(target);
  return {
    format,
    top: entries.length === 1 ? Buffer.concat([root, Buffer.from("/"), entries[0]!]) : root,
    topEntries: entries.length,
  };
}

/** Unpacks `file` into `target` (created, must not exist). */
export async function unpackArchive(
  file: string,
  target: string,
  options: UnpackOptions,
): Promise<UnpackResult> {
  const format = archiveFormatOfFile(file);
  if (format === null) throw notAnArchive(options.where);
  mkdirSync(target);
  const guard = new UnpackGuard(target, options.maxBytes, options.where);
  try {
    if (format === "zip") await unpackZip(file, guard);
    else {
      const source = createReadStream(file, { highWaterMark: 1 << 20 });
      await unpackTar(source, decompressor(format), guard);
    }
    guard.checkLinks();
  } catch (error) {
    throw asArchiveError(error, format, options.where);
  }
  return result(target, format);
}

/** An unpack fed by a download; `outcome()` after the download: null means "use the file". */
export interface StreamingUnpack {
  readonly tee: () => BodyTee;
  outcome(): UnpackResult | null;
}

/**
 * Unpacks a tar into `target` while it downloads. The format is sniffed from the first bytes;
 * anything but a tar is left for `unpackArchive` on the finished file. A refusal or a broken
 * archive fails the download at once (the error is an EkaError, never retried).
 */
export function streamingUnpack(target: string, options: UnpackOptions): StreamingUnpack {
  let done: UnpackResult | null = null;
  const tee = (): BodyTee => {
    rmSync(target, { recursive: true, force: true });
    done = null;
    let head: Buffer[] = [];
    let headSize = 0;
    let input: PassThrough | null = null;
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
      mkdirSync(target);
      const guard = new UnpackGuard(target, options.maxBytes, options.where);
      input = new PassThrough({ highWaterMark: 1 << 20 });
      unpacking = unpackTar(input, decompressor(format), guard)
        .then(() => guard.checkLinks())
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
        input?.end();
        await unpacking;
        if (failure !== null) throw failure;
        done = result(target, format);
      },
      async abort() {
        input?.destroy();
        await unpacking;
        rmSync(target, { recursive: true, force: true });
      },
    };
  };
  return { tee, outcome: () => done };
}
