/**
 * An archive unpacked in memory, never onto disk: the entries of a tar or a zip become a tree of
 * directories, regular files and symlinks, checked by an `UnpackGuard` as they arrive, and the
 * NAR hash is written straight from the tree. No file is created per entry, nothing is read
 * back: file contents stay in memory up to a budget, and beyond it go to one spill file, written
 * at known offsets and read back from them. (Nix unpacks to disk with libarchive, then hashes
 * what it wrote; the bytes hashed are the same.)
 *
 * What unpacking to disk would do, done here: parents are made as needed; a later entry of the
 * same name replaces an earlier one, except that nothing but a directory may replace a
 * directory; a hard link names a regular file the archive already holds (and shares it); a file
 * is executable when the owner's execute bit is set, as Nix's unpacker keeps it. Names are byte
 * strings (one char per byte, as `latin1` reads them), so they sort by bytes as Nix sorts them.
 *
 * Like `nix-prefetch-url --unpack`, what is hashed is the single top-level entry when there is
 * exactly one (the usual `project-1.2/` directory, stripped), else the whole tree.
 */
import { createHash } from "node:crypto";
import { closeSync, openSync, writeSync } from "node:fs";
import { type NarHash, NarWriter } from "../hash/index.ts";
import type { LinkLookup, UnpackGuard } from "./unpack-guard.ts";

/**
 * Bytes of file contents kept in memory by default, by all the unpacks of this process together
 * (a resolve locks its tarballs concurrently); the rest goes to each unpack's spill file.
 */
export const UNPACK_MEMORY_BYTES = 256 * 1024 * 1024;

/** What the unpacks of this process may still keep in memory (given back by `close`). */
interface MemoryPool {
  free: number;
}
const processPool: MemoryPool = { free: UNPACK_MEMORY_BYTES };

interface Directory {
  readonly kind: "directory";
  readonly entries: Map<string, Node>;
}

/** A regular file: its bytes in `memory`, or at `offset` in the spill file. */
export interface UnpackedFile {
  readonly kind: "file";
  readonly executable: boolean;
  readonly size: number;
  readonly memory: Buffer | null;
  readonly offset: number;
  written: number;
}

interface Symlink {
  readonly kind: "symlink";
  readonly target: string;
}

type Node = Directory | UnpackedFile | Symlink;

/** What an unpacked archive hashes to. */
export interface UnpackedHash extends NarHash {
  /** Entries at the top level (1 when stripped). */
  readonly topEntries: number;
}

export class UnpackTree implements LinkLookup {
  readonly #guard: UnpackGuard;
  readonly #spillPath: string;
  readonly #pool: MemoryPool;
  readonly #root: Directory = { kind: "directory", entries: new Map() };
  /** Every node by its relative path (components joined by `/`). */
  readonly #nodes = new Map<string, Node>();
  #memoryUsed = 0;
  #spillFd: number | null = null;
  #spillSize = 0;

  /**
   * `spillPath` is created only when contents outgrow the memory budget (`memoryBytes` of its
   * own when given, else the process's shared one, until `close`); the caller removes it.
   */
  constructor(guard: UnpackGuard, spillPath: string, memoryBytes?: number) {
    this.#guard = guard;
    this.#spillPath = spillPath;
    this.#pool = memoryBytes === undefined ? processPool : { free: memoryBytes };
  }

  directory(name: string): void {
    const path = this.#guard.entryPath(name);
    this.#guard.charge(0, name);
    if (path === null) return;
    const existing = this.#nodes.get(path);
    if (existing?.kind === "directory") return;
    if (existing !== undefined) this.#replace(path, name);
    this.#place(path, this.#parents(path, name), { kind: "directory", entries: new Map() });
  }

  /** Starts a regular file of `size` bytes; its bytes follow through `fileWrite`. */
  fileStart(name: string, mode: number, size: number): UnpackedFile {
    const path = this.#guard.entryPath(name);
    if (path === null) throw this.#guard.refuse("a file entry names the directory itself", name);
    this.#guard.charge(size, name);
    const parent = this.#prepare(path, name);
    const inMemory = size <= this.#pool.free;
    const file: UnpackedFile = {
      kind: "file",
      executable: (mode & 0o100) !== 0,
      size,
      memory: inMemory ? Buffer.allocUnsafe(size) : null,
      offset: inMemory ? 0 : this.#spillSize,
      written: 0,
    };
    if (inMemory) {
      this.#memoryUsed += size;
      this.#pool.free -= size;
    } else this.#spillSize += size;
    this.#place(path, parent, file);
    return file;
  }

  fileWrite(file: UnpackedFile, chunk: Uint8Array, name: string): void {
    if (file.written + chunk.length > file.size) {
      throw this.#guard.refuse(`an entry longer than its declared ${file.size} bytes`, name);
    }
    if (file.memory !== null) file.memory.set(chunk, file.written);
    else {
      this.#spillFd ??= openSync(this.#spillPath, "wx+", 0o600);
      let done = 0;
      while (done < chunk.length) {
        done += writeSync(
          this.#spillFd,
          chunk,
          done,
          chunk.length - done,
          file.offset + file.written + done,
        );
      }
    }
    file.written += chunk.length;
  }

  fileEnd(file: UnpackedFile, name: string): void {
    if (file.written !== file.size) {
      throw this.#guard.refuse(
        `an entry of ${file.written} bytes where its header says ${file.size}`,
        name,
      );
    }
  }

  symlink(name: string, target: string): void {
    const path = this.#guard.entryPath(name);
    if (path === null) throw this.#guard.refuse("a symlink entry names the directory itself", name);
    this.#guard.charge(target.length, name);
    this.#guard.symlink(path, target);
    this.#place(path, this.#prepare(path, name), { kind: "symlink", target });
  }

  hardlink(name: string, target: string): void {
    const path = this.#guard.entryPath(name);
    const from = this.#guard.entryPath(target);
    if (path === null || from === null) {
      throw this.#guard.refuse("a hard link to or from the directory itself", name);
    }
    const file = this.#nodes.get(from);
    if (file?.kind !== "file") {
      throw this.#guard.refuse(
        `a hard link to ${JSON.stringify(target)}, not a file of the archive`,
        name,
      );
    }
    // Hashed again as a file of its own in the NAR: it costs what the file costs.
    this.#guard.charge(file.size, name);
    if (from === path) return;
    this.#place(path, this.#prepare(path, name), file);
  }

  /** The symlink target at `relative`, or null when no symlink is there (for `UnpackGuard`). */
  linkTarget(relative: string): string | null {
    const node = this.#nodes.get(relative);
    return node?.kind === "symlink" ? node.target : null;
  }

  /** Closes the spill file (the caller removes it); the tree is not hashed after this. */
  close(): void {
    this.#pool.free += this.#memoryUsed;
    this.#memoryUsed = 0;
    if (this.#spillFd !== null) closeSync(this.#spillFd);
    this.#spillFd = null;
  }

  /** The NAR hash of the single top-level entry, or of the whole tree when there is not one. */
  async narHash(where: string): Promise<UnpackedHash> {
    const topEntries = this.#root.entries.size;
    const top = topEntries === 1 ? this.#root.entries.values().next().value! : this.#root;
    const writer = new NarWriter(createHash("sha256"));
    writer.magic();
    await this.#dump(writer, top, where);
    const size = writer.size;
    return { digest: writer.digest(), size, topEntries };
  }

  /** Writes `top` as a NAR, depth first, names in byte order (no recursion: depth is unbounded). */
  async #dump(writer: NarWriter, top: Node, where: string): Promise<void> {
    const stack: { readonly dir: Directory; readonly names: string[]; next: number }[] = [];
    const enter = async (node: Node): Promise<void> => {
      writer.tick(512);
      if (node.kind === "directory") {
        writer.directoryStart();
        stack.push({ dir: node, names: [...node.entries.keys()].sort(), next: 0 });
        return;
      }
      if (node.kind === "symlink") writer.symlink(Buffer.from(node.target, "latin1"));
      else if (node.memory !== null) {
        writer.regularStart(node.size, node.executable);
        writer.raw(node.memory);
        writer.regularEnd(node.size);
        writer.tick(node.size);
      } else {
        await writer.regular(this.#spillFd!, node.size, node.executable, where, node.offset);
      }
      if (stack.length > 0) writer.close();
    };
    await enter(top);
    while (stack.length > 0) {
      const frame = stack.at(-1)!;
      if (frame.next < frame.names.length) {
        const name = frame.names[frame.next++]!;
        writer.entryStart(Buffer.from(name, "latin1"));
        await enter(frame.dir.entries.get(name)!);
        await writer.breathe();
        continue;
      }
      stack.pop();
      writer.close();
      if (stack.length > 0) writer.close();
    }
  }

  #place(path: string, parent: Directory, node: Node): void {
    parent.entries.set(path.slice(path.lastIndexOf("/") + 1), node);
    this.#nodes.set(path, node);
  }

  /** Makes room for a non-directory at `path`; returns its parent. */
  #prepare(path: string, name: string): Directory {
    if (this.#nodes.has(path)) this.#replace(path, name);
    return this.#parents(path, name);
  }

  #replace(path: string, name: string): void {
    if (this.#nodes.get(path)?.kind === "directory") {
      throw this.#guard.refuse("an entry replaces a directory of the archive", name);
    }
    this.#parentOf(path)?.entries.delete(path.slice(path.lastIndexOf("/") + 1));
    this.#nodes.delete(path);
    this.#guard.replaced(path);
  }

  #parentOf(path: string): Directory | null {
    const slash = path.lastIndexOf("/");
    if (slash < 0) return this.#root;
    const parent = this.#nodes.get(path.slice(0, slash));
    return parent?.kind === "directory" ? parent : null;
  }

  /** The parent directory of `path`, made (with its own parents) when missing. */
  #parents(path: string, name: string): Directory {
    const known = this.#parentOf(path);
    if (known !== null) return known;
    let current = this.#root;
    let prefix = "";
    for (const part of path.split("/").slice(0, -1)) {
      prefix = prefix === "" ? part : `${prefix}/${part}`;
      const there = this.#nodes.get(prefix);
      if (there?.kind === "directory") {
        current = there;
        continue;
      }
      if (there !== undefined) {
        throw this.#guard.refuse("an entry under something that is not a directory", name);
      }
      const made: Directory = { kind: "directory", entries: new Map() };
      current.entries.set(part, made);
      this.#nodes.set(prefix, made);
      current = made;
    }
    return current;
  }
}
