/**
 * Writes objects through long-lived `git hash-object -w --no-filters --stdin-paths -t <type>`
 * processes, one per object type, started on the first write of that type.
 *
 * Why this mechanism: it is the one batch interface of git (any version eka supports) that writes
 * arbitrary objects of every type with git's own checks (no `--literally`); `mktree` and
 * `commit-tree` cannot write eka's extra commit headers, and `fast-import` writes blobs only as
 * content. `--stdin-paths` reads paths, so each object goes through a private temporary file,
 * removed once git answered. The object is checked beforehand (`checkObject`, fsck's rules), and
 * the id git answers must equal the id eka computes.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EkaError } from "../core/errors.ts";
import type { GitOid } from "../core/types.ts";
import type { ObjectFormat, ObjectType } from "./backend.ts";
import { GitPipe, MORE, type Parser } from "./git-pipe.ts";
import type { GitRunner } from "./git-runner.ts";
import { checkObject, hashObject } from "./objects.ts";

const oidLine: Parser<string> = (bytes) => {
  const nl = bytes.indexOf(0x0a);
  if (nl === -1) return MORE;
  const line = bytes.take(nl).toString("utf8");
  bytes.skip(1);
  return line;
};

export class ObjectWriter {
  readonly #runner: GitRunner;
  readonly #format: ObjectFormat;
  readonly #pipes = new Map<ObjectType, GitPipe>();
  #dir: Promise<string> | null = null;
  #next = 0;

  constructor(runner: GitRunner, format: ObjectFormat) {
    this.#runner = runner;
    this.#format = format;
  }

  /** Writes one object after checking it; returns its id. */
  async write(type: ObjectType, data: Uint8Array): Promise<GitOid> {
    checkObject(type, data, this.#format);
    const expected = hashObject(type, data, this.#format);
    const file = join(await this.#tempDir(), `${this.#next++}.${type}`);
    await writeFile(file, data);
    try {
      const answer = await this.#pipe(type).request(`${file}\n`, oidLine);
      if (answer !== expected) {
        throw new EkaError(
          "EKA_GIT_FAILED",
          `git hash-object answered ${JSON.stringify(answer)} for a ${type} eka hashes to ${expected}`,
        );
      }
      return expected;
    } finally {
      await rm(file, { force: true });
    }
  }

  async close(): Promise<void> {
    const pipes = [...this.#pipes.values()];
    this.#pipes.clear();
    await Promise.all(pipes.map((pipe) => pipe.close()));
    const dir = this.#dir;
    this.#dir = null;
    if (dir !== null) await rm(await dir, { recursive: true, force: true });
  }

  #pipe(type: ObjectType): GitPipe {
    let pipe = this.#pipes.get(type);
    if (pipe === undefined) {
      const args = ["hash-object", "-w", "--no-filters", "--stdin-paths", "-t", type];
      pipe = new GitPipe(args, (a) => this.#runner.spawn(a));
      this.#pipes.set(type, pipe);
    }
    return pipe;
  }

  #tempDir(): Promise<string> {
    if (this.#dir === null) {
      this.#dir = mkdtemp(join(tmpdir(), "eka-objects-")).then((dir) => {
        if (dir.includes("\n")) {
          throw new EkaError(
            "EKA_IO",
            `temporary directory ${JSON.stringify(dir)} holds a newline`,
          );
        }
        return dir;
      });
    }
    return this.#dir;
  }
}
