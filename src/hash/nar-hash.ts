/**
 * The NAR hash of a path on disk: sha256 of its NAR serialisation, what `nix-hash --type sha256`
 * prints, what `nix-prefetch-url --unpack` and `builtins.fetchTarball` check, and the hash of a
 * store path added recursively. Directories, regular files (executable when the owner may
 * execute), and symlinks (their target, never followed); anything else (a socket, a device, a
 * fifo) is refused, as Nix does.
 *
 * Names are bytes (read as buffers, so names that are not UTF-8 hash as Nix hashes them) sorted
 * by byte order, as Nix's `std::map<std::string, …>` sorts them.
 */
import { createHash } from "node:crypto";
import { closeSync, lstatSync, readdirSync, readlinkSync, type Stats } from "node:fs";
import { EkaError } from "../core/index.ts";
import { NarWriter } from "./nar-writer.ts";

export interface NarHashOptions {
  /**
   * Makes the root executable when it is a regular file (Nix's build-time fetchurl with
   * `executable = true`: the file is `chmod 0755` before the recursive hash).
   */
  readonly executable?: boolean;
}

export interface NarHash {
  /** sha256 of the NAR. */
  readonly digest: Uint8Array;
  /** The NAR's size in bytes (what `narSize` is in Nix). */
  readonly size: number;
}

/** The NAR hash of `path` (not following it when it is a symlink). */
export async function narHashPath(
  path: string | Buffer,
  options: NarHashOptions = {},
): Promise<NarHash> {
  const writer = new NarWriter(createHash("sha256"));
  writer.magic();
  const root = typeof path === "string" ? Buffer.from(path) : path;
  try {
    await dump(writer, root, options.executable === true);
  } catch (error) {
    throw asIoError(error, root.toString());
  }
  const size = writer.size;
  return { digest: writer.digest(), size };
}

function asIoError(error: unknown, path: string): EkaError {
  if (error instanceof EkaError) return error;
  const e = error as NodeJS.ErrnoException;
  const at = e.path === undefined ? path : String(e.path);
  return new EkaError("EKA_IO", `cannot hash ${at}: ${e.code ?? ""} ${e.message}`.trim(), {
    where: at,
    hint: "check that the path exists and is readable, and that nothing changes it meanwhile",
    cause: error,
  });
}

const SLASH = Buffer.from("/");

async function dump(writer: NarWriter, path: Buffer, forceExecutable: boolean): Promise<void> {
  const stats = lstatSync(path);
  writer.tick(512);
  if (stats.isFile()) {
    await regular(writer, path, stats, forceExecutable);
  } else if (stats.isDirectory()) {
    const names = readdirSync(path, { encoding: "buffer" });
    names.sort(Buffer.compare);
    writer.directoryStart();
    for (const name of names) {
      writer.entryStart(name);
      await dump(writer, Buffer.concat([path, SLASH, name]), false);
      writer.close();
    }
    writer.close();
    await writer.breathe();
  } else if (stats.isSymbolicLink()) {
    writer.symlink(readlinkSync(path, { encoding: "buffer" }));
  } else {
    const where = path.toString();
    throw new EkaError("EKA_IO", `${where} is neither a file, a directory nor a symlink`, {
      where,
      hint: "a NAR holds only files, directories and symlinks: remove sockets, fifos and devices",
    });
  }
}

async function regular(
  writer: NarWriter,
  path: Buffer,
  stats: Stats,
  forceExecutable: boolean,
): Promise<void> {
  const fd = NarWriter.openRegular(path);
  try {
    const executable = forceExecutable || (stats.mode & 0o100) !== 0;
    await writer.regular(fd, stats.size, executable, path.toString());
  } finally {
    closeSync(fd);
  }
}
