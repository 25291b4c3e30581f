/**
 * Bytes received from a pipe, consumed from the front. Chunks are kept as they arrive and copied
 * once when taken, so reading a large object costs one copy, not one per chunk.
 */
export class ByteQueue {
  #chunks: Buffer[] = [];
  /** Bytes of the first chunk already consumed. */
  #offset = 0;
  #length = 0;

  get length(): number {
    return this.#length;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#length += chunk.length;
  }

  /** Index (from the front) of the first `byte`, or -1. */
  indexOf(byte: number): number {
    let base = 0;
    for (let i = 0; i < this.#chunks.length; i++) {
      const chunk = this.#chunks[i]!;
      const start = i === 0 ? this.#offset : 0;
      const found = chunk.indexOf(byte, start);
      if (found !== -1) return base + found - start;
      base += chunk.length - start;
    }
    return -1;
  }

  /** Removes and returns the first `n` bytes (a copy that owns its memory). */
  take(n: number): Buffer {
    if (n > this.#length) throw new RangeError(`take(${n}) with ${this.#length} bytes queued`);
    const out = Buffer.allocUnsafe(n);
    let written = 0;
    while (written < n) {
      const chunk = this.#chunks[0]!;
      const available = chunk.length - this.#offset;
      const count = Math.min(available, n - written);
      chunk.copy(out, written, this.#offset, this.#offset + count);
      written += count;
      this.#consume(count, available);
    }
    return out;
  }

  /**
   * Removes up to `n` bytes from the front and hands them to `sink` in order, as views of the
   * queued chunks (no copy): a view is only valid during the call. Returns how many were removed.
   */
  drainTo(n: number, sink: (view: Buffer) => void): number {
    let left = Math.min(n, this.#length);
    const count = left;
    while (left > 0) {
      const chunk = this.#chunks[0]!;
      const available = chunk.length - this.#offset;
      const size = Math.min(available, left);
      const view = chunk.subarray(this.#offset, this.#offset + size);
      left -= size;
      this.#consume(size, available);
      sink(view);
    }
    return count;
  }

  /** Drops the first `n` bytes. */
  skip(n: number): void {
    if (n > this.#length) throw new RangeError(`skip(${n}) with ${this.#length} bytes queued`);
    let left = n;
    while (left > 0) {
      const available = this.#chunks[0]!.length - this.#offset;
      const count = Math.min(available, left);
      left -= count;
      this.#consume(count, available);
    }
  }

  clear(): void {
    this.#chunks = [];
    this.#offset = 0;
    this.#length = 0;
  }

  #consume(count: number, available: number): void {
    this.#length -= count;
    if (count === available) {
      this.#chunks.shift();
      this.#offset = 0;
    } else {
      this.#offset += count;
    }
  }
}
