/**
 * Writes the NAR serialisation (Nix ARchive, format `nix-archive-1`) into a hash, through one
 * staging buffer: the small framing strings and the contents of small files land in the buffer
 * and the hash sees one `update` per MiB, whatever the number of entries. File contents are read
 * straight into the buffer, never whole files in memory.
 *
 * The format, as Nix's `dumpPath` writes it (every string is its length as a little-endian u64,
 * its bytes, and zero padding to a multiple of 8):
 *
 *   nar       = "nix-archive-1" node
 *   node      = "(" "type" ( regular | symlink | directory ) ")"
 *   regular   = "regular" [ "executable" "" ] "contents" <bytes>
 *   symlink   = "symlink" "target" <target>
 *   directory = "directory" { "entry" "(" "name" <name> "node" node ")" }   (names byte-sorted)
 *
 * Reads are synchronous (a directory walk through the thread pool pays a round trip per call),
 * and the writer hands the event loop back every few MiB so timers and sockets keep running.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import { EkaError } from "../core/index.ts";

/** What a NAR is written into: `crypto.Hash` or anything with `update`. */
export interface ByteSink {
  update(bytes: Uint8Array): unknown;
}

interface Digestible extends ByteSink {
  digest(): Uint8Array;
}

/** One NAR string: u64 length, bytes, zero padding. */
export function narString(text: string | Uint8Array): Buffer {
  const bytes = typeof text === "string" ? Buffer.from(text, "utf8") : text;
  const out = Buffer.alloc(8 + padded(bytes.length));
  out.writeBigUInt64LE(BigInt(bytes.length), 0);
  out.set(bytes, 8);
  return out;
}

function padded(length: number): number {
  return (length + 7) & ~7;
}

const tokens = (...parts: string[]) => Buffer.concat(parts.map((p) => narString(p)));

export const NAR_MAGIC = tokens("nix-archive-1");
const REGULAR = tokens("(", "type", "regular", "contents");
const EXECUTABLE = tokens("(", "type", "regular", "executable", "", "contents");
const SYMLINK = tokens("(", "type", "symlink", "target");
const DIRECTORY = tokens("(", "type", "directory");
const ENTRY = tokens("entry", "(", "name");
const NODE = tokens("node");
const CLOSE = tokens(")");

const CAPACITY = 1 << 20;
/** Bytes handled between two returns to the event loop. */
const YIELD_EVERY = 16 << 20;
const ZEROS = new Uint8Array(8);
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export class NarWriter {
  readonly #sink: Digestible;
  readonly #buffer = Buffer.allocUnsafe(CAPACITY);
  #used = 0;
  #total = 0;
  #sinceYield = 0;

  constructor(sink: Digestible) {
    this.#sink = sink;
  }

  /** Bytes written so far (the NAR's size once finished). */
  get size(): number {
    return this.#total + this.#used;
  }

  /** Flushes and returns the hash's digest. */
  digest(): Uint8Array {
    this.#flush();
    return new Uint8Array(this.#sink.digest());
  }

  #flush(): void {
    if (this.#used === 0) return;
    this.#sink.update(this.#buffer.subarray(0, this.#used));
    this.#total += this.#used;
    this.#used = 0;
  }

  raw(bytes: Uint8Array): void {
    if (bytes.length > CAPACITY - this.#used) {
      this.#flush();
      if (bytes.length > CAPACITY) {
        this.#sink.update(bytes);
        this.#total += bytes.length;
        return;
      }
    }
    this.#buffer.set(bytes, this.#used);
    this.#used += bytes.length;
  }

  /** A NAR string: length, bytes, padding. */
  str(bytes: Uint8Array): void {
    if (this.#used + 8 > CAPACITY) this.#flush();
    this.#buffer.writeBigUInt64LE(BigInt(bytes.length), this.#used);
    this.#used += 8;
    this.raw(bytes);
    this.#pad(bytes.length);
  }

  #pad(length: number): void {
    const pad = padded(length) - length;
    if (pad > 0) this.raw(ZEROS.subarray(0, pad));
  }

  magic(): void {
    this.raw(NAR_MAGIC);
  }

  symlink(target: Uint8Array): void {
    this.raw(SYMLINK);
    this.str(target);
    this.raw(CLOSE);
  }

  directoryStart(): void {
    this.raw(DIRECTORY);
  }

  entryStart(name: Uint8Array): void {
    this.raw(ENTRY);
    this.str(name);
    this.raw(NODE);
  }

  /** Ends an entry (after its node) or a directory (after its entries). */
  close(): void {
    this.raw(CLOSE);
  }

  /**
   * A regular file node whose contents are `size` bytes of the open file `fd`: from its current
   * offset, or from `position` when given (a slice of a larger file).
   */
  async regular(
    fd: number,
    size: number,
    executable: boolean,
    where: string | Buffer,
    position: number | null = null,
  ): Promise<void> {
    this.raw(executable ? EXECUTABLE : REGULAR);
    if (this.#used + 8 > CAPACITY) this.#flush();
    this.#buffer.writeBigUInt64LE(BigInt(size), this.#used);
    this.#used += 8;
    await this.#contents(fd, size, where, position);
    this.#pad(size);
    this.raw(CLOSE);
  }

  /** Starts a regular file whose `size` bytes of contents follow through `raw`. */
  regularStart(size: number, executable: boolean): void {
    this.raw(executable ? EXECUTABLE : REGULAR);
    if (this.#used + 8 > CAPACITY) this.#flush();
    this.#buffer.writeBigUInt64LE(BigInt(size), this.#used);
    this.#used += 8;
  }

  /** Ends a regular file started with `regularStart` once its `size` bytes are written. */
  regularEnd(size: number): void {
    this.#pad(size);
    this.raw(CLOSE);
  }

  /** Reads exactly `size` bytes of `fd` (from `position` when given) into the hash. */
  async #contents(
    fd: number,
    size: number,
    where: string | Buffer,
    position: number | null = null,
  ): Promise<void> {
    let left = size;
    let at = position;
    while (left > 0) {
      if (this.#used === CAPACITY) this.#flush();
      const want = Math.min(CAPACITY - this.#used, left);
      const got = readSync(fd, this.#buffer, this.#used, want, at);
      if (at !== null) at += got;
      if (got === 0) {
        const path = where.toString();
        throw new EkaError("EKA_IO", `${path} got shorter while it was being hashed`, {
          where: path,
          hint: "hash it again once nothing is writing to it",
        });
      }
      this.#used += got;
      left -= got;
      this.#sinceYield += got;
      if (this.#sinceYield >= YIELD_EVERY) {
        this.#sinceYield = 0;
        await yieldToLoop();
      }
    }
  }

  /** The bytes of the file at `path`, with no NAR framing (a flat hash). */
  async flatFile(path: string): Promise<void> {
    const fd = openSync(path, constants.O_RDONLY);
    try {
      const size = fstatSync(fd).size;
      await this.#contents(fd, size, path);
      const extra = readSync(fd, Buffer.alloc(1), 0, 1, null);
      if (extra !== 0) {
        throw new EkaError("EKA_IO", `${path} grew while it was being hashed`, {
          where: path,
          hint: "hash it again once nothing is writing to it",
        });
      }
    } finally {
      closeSync(fd);
    }
  }

  /** Opens a regular file for `regular` without following a symlink swapped in meanwhile. */
  static openRegular(path: Buffer | string): number {
    return openSync(path, OPEN_FLAGS);
  }

  /** Lets the event loop run when enough work has been done since it last did. */
  async breathe(): Promise<void> {
    if (this.#sinceYield >= YIELD_EVERY) {
      this.#sinceYield = 0;
      await yieldToLoop();
    }
  }

  /** Counts per-entry work (or bytes handed to `raw`) towards the next return to the event loop. */
  tick(cost: number): void {
    this.#sinceYield += cost;
  }
}
