/**
 * At most `size` tasks running at once; the others start in the order they were asked for, as
 * running ones finish. Bounds how many reads a tree walk has in flight: enough to keep git busy,
 * few enough that an atom of a million files does not queue a million requests in memory.
 */
interface Waiter {
  readonly start: () => void;
  next: Waiter | null;
}

export class Limit {
  readonly #size: number;
  #running = 0;
  #first: Waiter | null = null;
  #last: Waiter | null = null;

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`limit ${size}`);
    this.#size = size;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#running >= this.#size) await this.#wait();
    else this.#running++;
    try {
      return await task();
    } finally {
      this.#release();
    }
  }

  /** Resolves when a running task hands its place over (the count stays the same). */
  #wait(): Promise<void> {
    return new Promise((start) => {
      const waiter: Waiter = { start, next: null };
      if (this.#last === null) this.#first = waiter;
      else this.#last.next = waiter;
      this.#last = waiter;
    });
  }

  #release(): void {
    const waiter = this.#first;
    if (waiter === null) {
      this.#running--;
      return;
    }
    this.#first = waiter.next;
    if (this.#first === null) this.#last = null;
    waiter.start();
  }
}
