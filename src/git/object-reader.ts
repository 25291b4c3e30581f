/**
 * Reads objects through one long-lived `git cat-file --batch-command` process (git ≥ 2.36):
 * `info <name>` answers `<oid> <type> <size>`, `contents <name>` answers the same header then
 * `<size>` bytes and a newline; an unknown name answers `<name> missing`. Older git gets
 * `cat-file --batch` for contents and, when asked for info, one `cat-file --batch-check` next to it.
 *
 * Names are object ids or `<oid>:<path>` / `<oid>^{tree}`: never anything from outside that could
 * hold a newline. Every object read is checked against its id (the header must name the oid that
 * was asked for, and the bytes must hash to it), as isomorphic-git checks every object it reads.
 * `stream` reads an object without holding it: its bytes go to a sink as they come off the pipe
 * (views, no copy), checked against the id as they pass.
 */

import type { Hash } from "node:crypto";
import { EkaError } from "../core/errors.ts";
import type { GitOid } from "../core/types.ts";
import type { ObjectFormat, ObjectSink, ObjectType } from "./backend.ts";
import type { ByteQueue } from "./byte-queue.ts";
import { GitPipe, MORE, type Parser } from "./git-pipe.ts";
import type { GitRunner } from "./git-runner.ts";
import { hashObject, isObjectType, startObjectHash } from "./objects.ts";

export interface ObjectInfo {
  readonly oid: GitOid;
  readonly type: ObjectType;
  readonly size: number;
}

export interface ObjectContents extends ObjectInfo {
  readonly data: Uint8Array;
}

/** What cat-file answered for one name (`failed`: a stream's sink threw). */
type Answer<T> =
  | { readonly kind: "found"; readonly value: T }
  | { readonly kind: "missing" }
  | { readonly kind: "failed"; readonly error: unknown };

const HEX_NAME = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
const HEADER = /^([0-9a-f]{40}|[0-9a-f]{64}) ([a-z]+) ([0-9]+)$/;

function protocolError(message: string): EkaError {
  return new EkaError("EKA_GIT_FAILED", `git cat-file: ${message}`);
}

/** Parses a header line; null when the line says the name is unknown. */
function parseHeader(line: string, name: string): ObjectInfo | null {
  if (line === `${name} missing`) return null;
  if (line === `${name} ambiguous`) {
    throw new EkaError("EKA_OID_INVALID", `ambiguous object name ${JSON.stringify(name)}`);
  }
  const match = HEADER.exec(line);
  const type = match?.[2];
  if (match === null || type === undefined || !isObjectType(type)) {
    throw protocolError(`unexpected answer ${JSON.stringify(line)} for ${JSON.stringify(name)}`);
  }
  const oid = match[1] as GitOid;
  if (HEX_NAME.test(name) && oid !== name) {
    throw protocolError(`answered ${oid} when asked for ${name}`);
  }
  return { oid, type, size: Number(match[3]) };
}

function takeLine(bytes: ByteQueue): string | null {
  const nl = bytes.indexOf(0x0a);
  if (nl === -1) return null;
  const line = bytes.take(nl).toString("utf8");
  bytes.skip(1);
  return line;
}

function infoParser(name: string): Parser<Answer<ObjectInfo>> {
  return (bytes) => {
    const line = takeLine(bytes);
    if (line === null) return MORE;
    const info = parseHeader(line, name);
    return info === null ? { kind: "missing" } : { kind: "found", value: info };
  };
}

function contentsParser(name: string, format: ObjectFormat): Parser<Answer<ObjectContents>> {
  let header: ObjectInfo | null = null;
  return (bytes) => {
    if (header === null) {
      const line = takeLine(bytes);
      if (line === null) return MORE;
      header = parseHeader(line, name);
      if (header === null) return { kind: "missing" };
    }
    if (bytes.length < header.size + 1) return MORE;
    const data = bytes.take(header.size);
    if (bytes.take(1)[0] !== 0x0a)
      throw protocolError(`object ${header.oid} is not followed by LF`);
    if (hashObject(header.type, data, format) !== header.oid) throw corrupt(header.oid);
    return { kind: "found", value: { ...header, data: new Uint8Array(data) } };
  };
}

function corrupt(oid: GitOid): EkaError {
  return new EkaError("EKA_OBJECT_INVALID", `object ${oid} does not hash to its id`, {
    hint: "the repository may be corrupt: run `git fsck`",
  });
}

/**
 * Like `contentsParser`, but hands the bytes to `sink` as they arrive instead of collecting
 * them: the parser consumes what it can each time it is called and keeps its place. What the sink
 * throws is kept and answered as `failed` once the object has been read past, so the stream stays
 * in step and the process is kept.
 */
function streamParser(
  name: string,
  format: ObjectFormat,
  sink: ObjectSink,
): Parser<Answer<ObjectInfo>> {
  let header: ObjectInfo | null = null;
  let hash: Hash | null = null;
  let left = 0;
  let failure: { error: unknown } | null = null;
  const give = (view: Buffer): void => {
    hash!.update(view);
    if (failure !== null) return;
    try {
      sink.chunk(view);
    } catch (error) {
      failure = { error };
    }
  };
  return (bytes) => {
    if (header === null) {
      const line = takeLine(bytes);
      if (line === null) return MORE;
      const info = parseHeader(line, name);
      if (info === null) return { kind: "missing" };
      header = info;
      hash = startObjectHash(info.type, info.size, format);
      left = info.size;
      try {
        sink.begin(info.type, info.size);
      } catch (error) {
        failure = { error };
      }
    }
    left -= bytes.drainTo(left, give);
    if (left > 0 || bytes.length === 0) return MORE;
    if (bytes.take(1)[0] !== 0x0a)
      throw protocolError(`object ${header.oid} is not followed by LF`);
    if (hash!.digest("hex") !== header.oid) throw corrupt(header.oid);
    return failure === null ? { kind: "found", value: header } : { kind: "failed", ...failure };
  };
}

/** The value of an answer, null when missing; what a sink threw is thrown again. */
function found<T>(answer: Answer<T>): T | null {
  if (answer.kind === "failed") throw answer.error;
  return answer.kind === "found" ? answer.value : null;
}

function checkName(name: string): void {
  if (name === "" || /[\n\0]/.test(name)) {
    throw new EkaError("EKA_INTERNAL", `cannot ask cat-file for ${JSON.stringify(name)}`);
  }
}

export class ObjectReader {
  readonly #format: ObjectFormat;
  /** `cat-file --batch-command`, or `cat-file --batch` on older git. */
  readonly #main: GitPipe;
  /** `cat-file --batch-check`, only on older git. */
  readonly #check: GitPipe | null;

  constructor(runner: GitRunner, format: ObjectFormat, batchCommand: boolean) {
    this.#format = format;
    const spawn = (args: readonly string[]) => runner.spawn(args);
    this.#main = new GitPipe(["cat-file", batchCommand ? "--batch-command" : "--batch"], spawn);
    this.#check = batchCommand ? null : new GitPipe(["cat-file", "--batch-check"], spawn);
  }

  /** Type and size of `name`, or null when there is no such object. */
  async info(name: string): Promise<ObjectInfo | null> {
    checkName(name);
    const answer =
      this.#check === null
        ? await this.#main.request(`info ${name}\n`, infoParser(name))
        : await this.#check.request(`${name}\n`, infoParser(name));
    return found(answer);
  }

  /** The object `name` names, or null when there is none. */
  async contents(name: string): Promise<ObjectContents | null> {
    checkName(name);
    const input = this.#check === null ? `contents ${name}\n` : `${name}\n`;
    const answer = await this.#main.request(input, contentsParser(name, this.#format));
    return found(answer);
  }

  /**
   * Streams the object `name` names into `sink` (see `ObjectSink`); null when there is none.
   * Rejects with what the sink threw, or `EKA_OBJECT_INVALID` when the bytes do not hash to the id.
   */
  async stream(name: string, sink: ObjectSink): Promise<ObjectInfo | null> {
    checkName(name);
    const input = this.#check === null ? `contents ${name}\n` : `${name}\n`;
    const answer = await this.#main.request(input, streamParser(name, this.#format, sink));
    return found(answer);
  }

  async close(): Promise<void> {
    await Promise.all([this.#main.close(), this.#check?.close()]);
  }
}
