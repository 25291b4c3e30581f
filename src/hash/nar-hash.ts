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
import { closeSync, fstatSync, lstatSync, readdirSync, readlinkSync } from "node:fs";
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

type Kind = "file" | "directory" | "symlink" | "other";

function kindOf(entry: { isFile(): boolean; isDirectory(): boolean; isSymbolicLink(): boolean }) {
  if (entry.isFile()) return "file";
  if (entry.isDirectory()) return "directory";
  if (entry.isSymbolicLink()) return "symlink";
  return "other";
}

/**
 * Writes the node at `path`. Below the root, a directory listing's entry types say what each
 * entry is (no lstat per entry); a regular file is opened (never through a symlink) and its
 * size and mode read from the open file.
 */
async function dump(
  writer: NarWriter,
  path: Buffer,
  forceExecutable: boolean,
  kind: Kind = kindOf(lstatSync(path)),
): Promise<void> {
  writer.tick(512);
  if (kind === "file") {
    await regular(writer, path, forceExecutable);
  } else if (kind === "directory") {
    const entries = readdirSync(path, { encoding: "buffer", withFileTypes: true });
    entries.sort((a, b) => Buffer.compare(a.name, b.name));
    writer.directoryStart();
    for (const entry of entries) {
      writer.entryStart(entry.name);
      await dump(writer, Buffer.concat([path, SLASH, entry.name]), false, kindOf(entry));
      writer.close();
    }
    writer.close();
    await writer.breathe();
  } else if (kind === "symlink") {
    writer.symlink(readlinkSync(path, { encoding: "buffer" }));
  } else {
    const where = path.toString();
    throw new EkaError("EKA_IO", `${where} is neither a file, a directory nor a symlink`, {
      where,
      hint: "a NAR holds only files, directories and symlinks: remove sockets, fifos and devices",
    });
  }
}

async function regular(writer: NarWriter, path: Buffer, forceExecutable: boolean): Promise<void> {
  const fd = NarWriter.openRegular(path);
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) {
      const where = path.toString();
      throw new EkaError("EKA_IO", `${where} stopped being a regular file while it was hashed`, {
        where,
        hint: "hash it again once nothing changes the tree",
      });
    }
    const executable = forceExecutable || (stats.mode & 0o100) !== 0;
    await writer.regular(fd, stats.size, executable, path);
  } finally {
    closeSync(fd);
  }
}
