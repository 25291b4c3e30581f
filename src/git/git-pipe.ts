/**
 * A long-lived git process spoken to through stdin/stdout (`cat-file --batch-command`,
 * `hash-object --stdin-paths`): requests are written as they come and answered in order, so many
 * requests share one process and may be in flight at once.
 *
 * - Started on the first request, not before.
 * - Each request brings a parser for its answer; answers are matched to requests in order.
 * - The process does not keep Node alive while idle (its handles are unref'd when no request is
 *   pending), so a caller that forgets `close()` still exits; git then sees EOF and exits too.
 * - If git exits with requests pending, the first one fails with git's message (it is the one git
 *   was answering) and the others are sent again to a new process.
 */
import type { ChildProcess } from "node:child_process";
import { EkaError } from "../core/errors.ts";
import { ByteQueue } from "./byte-queue.ts";
import { Fifo } from "./fifo.ts";
import { gitFailed, spawnFailed } from "./git-runner.ts";

/** A parser's answer when the bytes so far do not hold the whole answer yet. */
export const MORE: unique symbol = Symbol("more");

/**
 * Reads one answer from the front of `bytes`, or returns `MORE` without consuming anything it
 * cannot finish later. Throwing means the stream can no longer be trusted: the process is ended.
 */
export type Parser<T> = (bytes: ByteQueue) => T | typeof MORE;

interface Pending {
  readonly input: string;
  readonly parse: Parser<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

interface Refable {
  ref?: () => unknown;
  unref?: () => unknown;
}

const STDERR_LIMIT = 16 * 1024;
const CLOSE_GRACE_MS = 5000;

export class GitPipe {
  readonly #args: readonly string[];
  readonly #spawn: (args: readonly string[]) => ChildProcess;
  #child: ChildProcess | null = null;
  #bytes = new ByteQueue();
  #queue = new Fifo<Pending>();
  #stderr = "";
  #closed = false;

  constructor(args: readonly string[], spawn: (args: readonly string[]) => ChildProcess) {
    this.#args = args;
    this.#spawn = spawn;
  }

  /** Whether a process is running now. */
  get running(): boolean {
    return this.#child !== null;
  }

  /** Sends `input` (one or more request lines) and parses the answer. */
  request<T>(input: string, parse: Parser<T>): Promise<T> {
    if (this.#closed) {
      return Promise.reject(new EkaError("EKA_INTERNAL", "git backend used after close()"));
    }
    return new Promise<T>((resolve, reject) => {
      const pending: Pending = {
        input,
        parse,
        resolve: resolve as (value: unknown) => void,
        reject,
      };
      this.#queue.push(pending);
      const child = this.#child ?? this.#start();
      if (child === null) return;
      if (this.#queue.length === 1) setRef(child, true);
      child.stdin!.write(input);
    });
  }

  /** Ends the process after it answered what was asked; kills it if it does not exit soon. */
  async close(): Promise<void> {
    this.#closed = true;
    const child = this.#child;
    if (child === null) return;
    setRef(child, true); // whoever awaits close() must see it finish
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => child.kill("SIGKILL"), CLOSE_GRACE_MS);
      timer.unref();
      child.once("close", () => {
        clearTimeout(timer);
        resolve();
      });
      child.stdin!.end();
    });
  }

  #start(): ChildProcess | null {
    let child: ChildProcess;
    try {
      child = this.#spawn(this.#args);
    } catch (error) {
      this.#failAll(error);
      return null;
    }
    this.#child = child;
    this.#bytes.clear();
    this.#stderr = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      if (this.#child !== child) return;
      this.#bytes.push(chunk);
      this.#drain(child);
    });
    child.stderr!.on("data", (chunk: Buffer) => {
      if (this.#child === child && this.#stderr.length < STDERR_LIMIT) {
        this.#stderr += chunk.toString("utf8");
      }
    });
    child.stdin!.on("error", () => {}); // EPIPE when git exits: handled on close
    child.on("error", (error) => {
      if (this.#child !== child) return;
      this.#child = null;
      this.#failAll(spawnFailed("git", error));
    });
    child.on("close", (code, signal) => this.#exited(child, code, signal));
    return child;
  }

  #drain(child: ChildProcess): void {
    while (this.#queue.length > 0) {
      const head = this.#queue.peek()!;
      let answer: unknown;
      try {
        answer = head.parse(this.#bytes);
      } catch (error) {
        // The answer did not have the expected shape: nothing after it can be trusted.
        this.#queue.shift();
        head.reject(error);
        this.#restart(child);
        return;
      }
      if (answer === MORE) return;
      this.#queue.shift();
      head.resolve(answer);
    }
    if (this.#bytes.length > 0) {
      const error = new EkaError(
        "EKA_GIT_FAILED",
        `git ${this.#args[0]} wrote output nobody asked for`,
      );
      this.#restart(child, error);
      return;
    }
    setRef(child, false);
  }

  /** Drops `child` and sends what is still pending to a new process. */
  #restart(child: ChildProcess, error?: unknown): void {
    if (error !== undefined) {
      const head = this.#queue.shift();
      head?.reject(error);
    }
    this.#child = null;
    child.kill("SIGKILL");
    this.#resend();
  }

  #exited(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.#child !== child) return;
    this.#child = null;
    const head = this.#queue.shift();
    if (head !== undefined) {
      head.reject(
        gitFailed(
          this.#args,
          { code, signal, stderr: this.#stderr, timedOut: false },
          {
            message: `git ${this.#args[0]} stopped`,
          },
        ),
      );
    }
    this.#resend();
  }

  #resend(): void {
    if (this.#queue.length === 0) return;
    if (this.#closed) {
      this.#failAll(new EkaError("EKA_INTERNAL", "git backend closed with requests pending"));
      return;
    }
    const child = this.#start();
    if (child === null) return;
    setRef(child, true);
    for (const pending of this.#queue) child.stdin!.write(pending.input);
  }

  #failAll(error: unknown): void {
    for (const pending of this.#queue.takeAll()) pending.reject(error);
  }
}

/** Keeps Node alive for `child` only while an answer is awaited. */
function setRef(child: ChildProcess, on: boolean): void {
  // The stdio streams of a child are sockets (`ref`/`unref`), though typed as plain streams.
  const handles = [child, child.stdin, child.stdout, child.stderr] as (Refable | null)[];
  for (const handle of handles) {
    if (handle === null) continue;
    if (on) handle.ref?.();
    else handle.unref?.();
  }
}
