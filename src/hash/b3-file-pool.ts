/**
 * Hashes working-tree files as git blobs (`BLAKE3("blob <size>\0" + bytes)`) on worker threads,
 * one per core: what `b3sum` does, in parallel across files. Each file is hashed only if it is
 * still exactly the one described by its stamp (see `b3-file-worker.ts`); otherwise the answer
 * is null and the caller reads the blob from git. Jobs asked for in one turn of the event loop
 * are sent in batches (a message per file would cost more than hashing a small one).
 *
 * The workers are started on first use, shared by all callers, and do not keep the process
 * alive when idle.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";

/** What a file was when it was vouched for (`lstat`, nanosecond times). */
export interface FileStamp {
  readonly dev: bigint;
  readonly ino: bigint;
  readonly size: bigint;
  readonly mtimeNs: bigint;
  readonly ctimeNs: bigint;
  /** A symlink (hashed as its target's bytes) rather than a regular file. */
  readonly symlink: boolean;
}

export interface FileJob {
  /** Absolute path. */
  readonly path: string;
  readonly stamp: FileStamp;
}

/** The raw 32-byte digest, or null when the file is not (or no longer) the one stamped. */
export type FileResult = Uint8Array | null;

export interface FileBatch {
  readonly id: number;
  readonly jobs: readonly FileJob[];
}

/** A batch closes at this many files or bytes, whichever comes first. */
const BATCH_FILES = 256;
const BATCH_BYTES = 8n * 1024n * 1024n;
/** Batches in flight per worker: one being hashed, one waiting, so a worker never idles. */
const IN_FLIGHT = 2;

interface Pending {
  readonly job: FileJob;
  readonly resolve: (result: FileResult) => void;
}

interface Slot {
  readonly worker: Worker;
  readonly batches: Map<number, readonly Pending[]>;
}

let pool: FilePool | null = null;

/** The blob digest of a working-tree file, or null when it does not match `stamp`. */
export function hashFileBlob(job: FileJob): Promise<FileResult> {
  return startFilePool().hash(job);
}

/** Starts the worker threads now (they take some milliseconds), ahead of the first file. */
export function startFilePool(): FilePool {
  pool ??= new FilePool(Math.max(1, Math.min(availableParallelism(), 8)));
  pool.start();
  return pool;
}

class FilePool {
  readonly #size: number;
  readonly #slots: Slot[] = [];
  /** Jobs not yet sent, from `#head` on (taken by index: `shift` is linear in the length). */
  #queue: Pending[] = [];
  #head = 0;
  #scheduled = false;
  #nextId = 0;
  /** Set once a worker failed: from then on every answer is null (blobs come from git). */
  #broken = false;

  constructor(size: number) {
    this.#size = size;
  }

  /** Starts every worker not yet started. */
  start(): void {
    while (!this.#broken && this.#slots.length < this.#size) this.#start();
  }

  hash(job: FileJob): Promise<FileResult> {
    return new Promise((resolve) => {
      this.#queue.push({ job, resolve });
      if (!this.#scheduled) {
        this.#scheduled = true;
        queueMicrotask(() => {
          this.#scheduled = false;
          this.#pump();
        });
      }
    });
  }

  #pump(): void {
    if (this.#broken) {
      for (const pending of this.#queue.slice(this.#head)) pending.resolve(null);
      this.#queue = [];
      this.#head = 0;
      return;
    }
    while (this.#head < this.#queue.length) {
      const slot = this.#freeSlot();
      if (slot === null) return;
      const batch: Pending[] = [];
      let bytes = 0n;
      while (this.#head < this.#queue.length && batch.length < BATCH_FILES && bytes < BATCH_BYTES) {
        const next = this.#queue[this.#head++]!;
        batch.push(next);
        bytes += next.job.stamp.size;
      }
      if (this.#head === this.#queue.length) {
        this.#queue = [];
        this.#head = 0;
      }
      const id = this.#nextId++;
      slot.batches.set(id, batch);
      if (slot.batches.size === 1) slot.worker.ref();
      slot.worker.postMessage({ id, jobs: batch.map((p) => p.job) } satisfies FileBatch);
    }
  }

  /** The least busy worker with room for a batch (starting one if fewer than the pool's size). */
  #freeSlot(): Slot | null {
    let best: Slot | null = null;
    for (const slot of this.#slots) {
      if (
        slot.batches.size < IN_FLIGHT &&
        (best === null || slot.batches.size < best.batches.size)
      ) {
        best = slot;
      }
    }
    if ((best === null || best.batches.size > 0) && this.#slots.length < this.#size) {
      best = this.#start();
    }
    return best;
  }

  #start(): Slot {
    const worker = new Worker(new URL("./b3-file-worker.ts", import.meta.url));
    worker.unref();
    const slot: Slot = { worker, batches: new Map() };
    this.#slots.push(slot);
    worker.on("message", (message: { id: number; results: FileResult[] }) => {
      const batch = slot.batches.get(message.id);
      if (batch === undefined) return;
      slot.batches.delete(message.id);
      if (slot.batches.size === 0) worker.unref();
      for (const [i, pending] of batch.entries()) pending.resolve(message.results[i] ?? null);
      this.#pump();
    });
    const fail = () => {
      // A worker that dies answers null for what it held: those blobs are read from git.
      this.#broken = true;
      const index = this.#slots.indexOf(slot);
      if (index >= 0) this.#slots.splice(index, 1);
      for (const batch of slot.batches.values()) for (const pending of batch) pending.resolve(null);
      slot.batches.clear();
      this.#pump();
    };
    worker.on("error", fail);
    worker.on("exit", fail);
    return slot;
  }
}
