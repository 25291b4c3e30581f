/**
 * Reads objects through one long-lived `git cat-file --batch-command` process (git ≥ 2.36):
 * `info <name>` answers `<oid> <type> <size>`, `contents <name>` answers the same header then
 * `<size>` bytes and a newline; an unknown name answers `<name> missing`. Older git gets
 * `cat-file --batch` for contents and, when asked for info, one `cat-file --batch-check` next to it.
 *
 * Names are object ids or `<oid>:<path>` / `<oid>^{tree}`: never anything from outside that could
 * hold a newline. Every object read is checked against its id (the header must name the oid that
 * was asked for, and the bytes must hash to it), as isomorphic-git checks every object it reads.
 */
import { EkaError } from "../core/errors.ts";
import type { GitOid } from "../core/types.ts";
import type { ObjectFormat, ObjectType } from "./backend.ts";
import type { ByteQueue } from "./byte-queue.ts";
import { GitPipe, MORE, type Parser } from "./git-pipe.ts";
import type { GitRunner } from "./git-runner.ts";
import { hashObject, isObjectType } from "./objects.ts";

export interface ObjectInfo {
  readonly oid: GitOid;
  readonly type: ObjectType;
  readonly size: number;
}

export interface ObjectContents extends ObjectInfo {
  readonly data: Uint8Array;
}

/** What cat-file answered for one name. */
type Answer<T> = { readonly kind: "found"; readonly value: T } | { readonly kind: "missing" };

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
    if (hashObject(header.type, data, format) !== header.oid) {
      throw new EkaError("EKA_OBJECT_INVALID", `object ${header.oid} does not hash to its id`, {
        hint: "the repository may be corrupt: run `git fsck`",
      });
    }
    return { kind: "found", value: { ...header, data: new Uint8Array(data) } };
  };
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
    return answer.kind === "found" ? answer.value : null;
  }

  /** The object `name` names, or null when there is none. */
  async contents(name: string): Promise<ObjectContents | null> {
    checkName(name);
    const input = this.#check === null ? `contents ${name}\n` : `${name}\n`;
    const answer = await this.#main.request(input, contentsParser(name, this.#format));
    return answer.kind === "found" ? answer.value : null;
  }

  async close(): Promise<void> {
    await Promise.all([this.#main.close(), this.#check?.close()]);
  }
}
