/**
 * Writes the entries of an archive under a root, through an `UnpackGuard`: directories (parents
 * made as needed), regular files (written as their bytes arrive, executable when the owner's
 * execute bit is set, as Nix's libarchive keeps it), symlinks, and hard links (to a regular file
 * the archive already holds). A later entry of the same name replaces an earlier one, as tar does,
 * except that nothing but a directory may replace a directory.
 */
import {
  closeSync,
  constants,
  linkSync,
  mkdirSync,
  openSync,
  symlinkSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import type { UnpackGuard } from "./unpack-guard.ts";

const CREATE =
  constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);

type Kind = "directory" | "file" | "symlink";

export class UnpackWriter {
  readonly #guard: UnpackGuard;
  /**
   * What this writer made, by relative path: the target starts empty and nothing else writes
   * there, so this answers "what is at this path" without a system call per entry.
   */
  readonly #made = new Map<string, Kind>();

  constructor(guard: UnpackGuard) {
    this.#guard = guard;
  }

  directory(name: string): void {
    const path = this.#guard.entryPath(name);
    this.#guard.charge(0, name);
    if (path === null) return;
    const existing = this.#existing(path);
    if (existing === "directory") return;
    if (existing !== null) this.#replace(path, name);
    this.#parents(path, name);
    mkdirSync(this.#guard.abs(path), { mode: 0o755 });
    this.#made.set(path, "directory");
  }

  /** Opens a regular file for `write`/`end`; returns its descriptor. */
  fileStart(name: string, mode: number, size: number): { fd: number; path: string } {
    const path = this.#guard.entryPath(name);
    if (path === null) throw this.#guard.refuse("a file entry names the directory itself", name);
    this.#guard.charge(size, name);
    this.#prepare(path, name);
    const fd = openSync(this.#guard.abs(path), CREATE, mode & 0o100 ? 0o755 : 0o644);
    this.#made.set(path, "file");
    return { fd, path };
  }

  /** Writes a chunk of a file's bytes (the reader holds them to the declared size). */
  fileWrite(fd: number, chunk: Uint8Array): void {
    writeSync(fd, chunk);
  }

  fileEnd(fd: number): void {
    closeSync(fd);
  }

  symlink(name: string, target: string): void {
    const path = this.#guard.entryPath(name);
    if (path === null) throw this.#guard.refuse("a symlink entry names the directory itself", name);
    this.#guard.charge(target.length, name);
    this.#guard.symlink(path, target);
    this.#prepare(path, name);
    symlinkSync(Buffer.from(target, "latin1"), this.#guard.abs(path));
    this.#made.set(path, "symlink");
  }

  hardlink(name: string, target: string): void {
    const path = this.#guard.entryPath(name);
    const from = this.#guard.entryPath(target);
    if (path === null || from === null) {
      throw this.#guard.refuse("a hard link to or from the directory itself", name);
    }
    if (this.#existing(from) !== "file") {
      throw this.#guard.refuse(
        `a hard link to ${JSON.stringify(target)}, not a file of the archive`,
        name,
      );
    }
    this.#guard.charge(0, name);
    if (from === path) return;
    this.#prepare(path, name);
    linkSync(this.#guard.abs(from), this.#guard.abs(path));
    this.#made.set(path, "file");
  }

  #prepare(path: string, name: string): void {
    const existing = this.#existing(path);
    if (existing === "directory") {
      throw this.#guard.refuse("an entry replaces a directory of the archive", name);
    }
    if (existing !== null) this.#replace(path, name);
    this.#parents(path, name);
  }

  #replace(path: string, name: string): void {
    if (this.#existing(path) === "directory") {
      throw this.#guard.refuse("an entry replaces a directory of the archive", name);
    }
    unlinkSync(this.#guard.abs(path));
    this.#made.delete(path);
    this.#guard.replaced(path);
  }

  #parents(path: string, name: string): void {
    const slash = path.lastIndexOf("/");
    if (slash < 0) return;
    const parent = path.slice(0, slash);
    const kind = this.#existing(parent);
    if (kind === "directory") return;
    const parts = parent.split("/");
    for (let i = 1; i <= parts.length; i++) {
      const prefix = parts.slice(0, i).join("/");
      const there = this.#made.get(prefix);
      if (there === "directory") continue;
      if (there !== undefined) {
        throw this.#guard.refuse("an entry under something that is not a directory", name);
      }
      mkdirSync(this.#guard.abs(prefix), { mode: 0o755 });
      this.#made.set(prefix, "directory");
    }
  }

  #existing(path: string): Kind | null {
    return this.#made.get(path) ?? null;
  }
}
