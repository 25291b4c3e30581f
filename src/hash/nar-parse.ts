/**
 * The NAR hash of a NAR read from a stream, as Nix computes it after restoring the NAR and
 * dumping the restored path (Nix's build-time fetchurl with `unpack = true` does exactly that).
 * The NAR is parsed strictly and written again through `NarWriter`: a NAR that is not canonical
 * (entries out of order, non-zero padding, a misplaced `executable`, trailing bytes) is refused
 * rather than hashed to a value Nix would not get. File contents stream through; only names and
 * symlink targets (at most 64 KiB each) are held in memory.
 */
import { createHash } from "node:crypto";
import { EkaError } from "../core/index.ts";
import type { NarHash } from "./nar-hash.ts";
import { NarWriter } from "./nar-writer.ts";

export interface NarStreamOptions {
  /** `chmod 0755` the root after restoring it (fetchurl's `executable = true`). */
  readonly executable?: boolean;
  /** What the NAR is, for messages (a redacted URL). */
  readonly where: string;
}

const MAX_TOKEN = 64 * 1024;
const EMPTY = Buffer.alloc(0);

/** Reads byte counts out of an async sequence of chunks. */
class Pull {
  readonly #chunks: AsyncIterator<Uint8Array>;
  #buffer: Buffer = EMPTY;
  #done = false;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.#chunks = source[Symbol.asyncIterator]();
  }

  async #more(): Promise<boolean> {
    if (this.#done) return false;
    const next = await this.#chunks.next();
    if (next.done === true) {
      this.#done = true;
      return false;
    }
    const chunk = Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    return true;
  }

  /** Exactly `n` bytes (small n), or null at a premature end. */
  async take(n: number): Promise<Buffer | null> {
    while (this.#buffer.length < n) if (!(await this.#more())) return null;
    const out = this.#buffer.subarray(0, n);
    this.#buffer = this.#buffer.subarray(n);
    return out;
  }

  /** Hands `n` bytes to `sink` as they come; false at a premature end. */
  async pass(n: number, sink: (chunk: Buffer) => void): Promise<boolean> {
    let left = n;
    while (left > 0) {
      if (this.#buffer.length === 0 && !(await this.#more())) return false;
      const part = this.#buffer.subarray(0, Math.min(left, this.#buffer.length));
      this.#buffer = this.#buffer.subarray(part.length);
      sink(part);
      left -= part.length;
    }
    return true;
  }

  async atEnd(): Promise<boolean> {
    return this.#buffer.length === 0 && !(await this.#more());
  }
}

/** The NAR hash of the tree the NAR in `source` restores to. */
export async function narHashStream(
  source: AsyncIterable<Uint8Array>,
  options: NarStreamOptions,
): Promise<NarHash> {
  const writer = new NarWriter(createHash("sha256"));
  const parser = new NarParser(new Pull(source), writer, options.where);
  await parser.archive(options.executable === true);
  const size = writer.size;
  return { digest: writer.digest(), size };
}

class NarParser {
  readonly #in: Pull;
  readonly #out: NarWriter;
  readonly #where: string;

  constructor(input: Pull, out: NarWriter, where: string) {
    this.#in = input;
    this.#out = out;
    this.#where = where;
  }

  #bad(why: string): EkaError {
    return new EkaError("EKA_ARCHIVE_INVALID", `${this.#where} is not a canonical NAR: ${why}`, {
      where: this.#where,
      hint: "with unpack = true, Nix's build-time fetchurl expects a NAR (optionally .xz): use { tar = … } for a tarball",
      data: { url: this.#where },
    });
  }

  async #u64(): Promise<number> {
    const bytes = await this.#in.take(8);
    if (bytes === null) throw this.#bad("it ends early");
    const value = bytes.readBigUInt64LE(0);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw this.#bad("a length is too large");
    return Number(value);
  }

  async #padding(length: number): Promise<void> {
    const pad = ((length + 7) & ~7) - length;
    if (pad === 0) return;
    const bytes = await this.#in.take(pad);
    if (bytes === null) throw this.#bad("it ends early");
    if (bytes.some((b) => b !== 0)) throw this.#bad("padding is not zero");
  }

  async #string(): Promise<Buffer> {
    const length = await this.#u64();
    if (length > MAX_TOKEN) throw this.#bad(`a name or target of ${length} bytes`);
    const bytes = await this.#in.take(length);
    if (bytes === null) throw this.#bad("it ends early");
    await this.#padding(length);
    return Buffer.from(bytes);
  }

  async #expect(token: string): Promise<void> {
    const got = await this.#string();
    if (got.toString("latin1") !== token) {
      throw this.#bad(
        `expected ${JSON.stringify(token)}, found ${JSON.stringify(got.toString("utf8"))}`,
      );
    }
  }

  async archive(executable: boolean): Promise<void> {
    await this.#expect("nix-archive-1");
    this.#out.magic();
    await this.#node(executable);
    if (!(await this.#in.atEnd())) throw this.#bad("bytes follow the archive");
  }

  async #node(forceExecutable: boolean): Promise<void> {
    await this.#expect("(");
    await this.#expect("type");
    const type = (await this.#string()).toString("latin1");
    if (type === "regular") {
      let tag = (await this.#string()).toString("latin1");
      let executable = false;
      if (tag === "executable") {
        if ((await this.#string()).length !== 0)
          throw this.#bad("the executable marker has a value");
        executable = true;
        tag = (await this.#string()).toString("latin1");
      }
      if (tag !== "contents") throw this.#bad(`expected "contents", found ${JSON.stringify(tag)}`);
      const size = await this.#u64();
      this.#out.regularStart(size, executable || forceExecutable);
      if (!(await this.#in.pass(size, (chunk) => this.#out.raw(chunk)))) {
        throw this.#bad("it ends early");
      }
      await this.#padding(size);
      this.#out.regularEnd(size);
    } else if (type === "symlink") {
      await this.#expect("target");
      const target = await this.#string();
      if (target.length === 0 || target.includes(0))
        throw this.#bad("a symlink target is empty or has NUL");
      this.#out.symlink(target);
    } else if (type === "directory") {
      this.#out.directoryStart();
      let previous: Buffer | null = null;
      for (;;) {
        const tag = (await this.#string()).toString("latin1");
        if (tag === ")") break;
        if (tag !== "entry") throw this.#bad(`expected "entry", found ${JSON.stringify(tag)}`);
        await this.#expect("(");
        await this.#expect("name");
        const name = await this.#string();
        const text = name.toString("latin1");
        if (
          name.length === 0 ||
          text === "." ||
          text === ".." ||
          name.includes(0x2f) ||
          name.includes(0)
        ) {
          throw this.#bad(`an entry is named ${JSON.stringify(name.toString("utf8"))}`);
        }
        if (previous !== null && Buffer.compare(previous, name) >= 0) {
          throw this.#bad("directory entries are not sorted");
        }
        previous = name;
        await this.#expect("node");
        this.#out.entryStart(name);
        await this.#node(false);
        await this.#expect(")");
        this.#out.close();
      }
      this.#out.close();
      return;
    } else {
      throw this.#bad(`an entry of type ${JSON.stringify(type)}`);
    }
    await this.#expect(")");
  }
}
