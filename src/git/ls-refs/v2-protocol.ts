/**
 * The protocol v2 messages of a ref listing (gitprotocol-v2(5)), independent of the transport:
 * the server's capability advertisement, the `ls-refs` command with one `ref-prefix` per prefix,
 * and its reply, one `<oid> <refname>[ <attribute>]*` line per ref (`peeled:<oid>` for an
 * annotated tag; `symref-target:<ref>` for a symbolic ref such as HEAD, when asked).
 *
 * The reply is filtered on this side too (a server may ignore `ref-prefix`: git ignores them all
 * past 65,536), so a listing holds exactly the refs under the prefixes whatever the server does.
 */

import { type GitOid, isGitOid } from "../../core/types.ts";
import { NotV2Error, ProtocolError, RemoteError } from "./listing-errors.ts";
import { DELIM_PKT, FLUSH_PKT, type PktLineReader, packetText, pktLine } from "./pkt-line.ts";

/** A ref as a listing reports it; `peeled` is the object an annotated tag peels to. */
export interface ListedRef {
  readonly ref: string;
  readonly oid: GitOid;
  readonly peeled: GitOid | null;
  /**
   * For a symbolic ref (HEAD: the remote's default branch), the ref it points at, as the server
   * says (`symref-target:`, `git ls-remote --symref`). Only in a listing that asked for symrefs;
   * absent (no key) otherwise.
   */
  readonly symref?: string;
}

/** What a listing asks for besides the refs under its prefixes. */
export interface ListOptions {
  /** The target of each symbolic ref listed (ls-refs `symrefs`); off: the request is unchanged. */
  readonly symrefs?: boolean;
}

/** The capabilities a v2 server advertised: `key` or `key=value` lines. */
export type Capabilities = ReadonlyMap<string, string | null>;

/** What this client says it is (`agent=`), when the server advertises agents. */
export const AGENT = "eka/0.1";

function remoteError(text: string): RemoteError | null {
  return text.startsWith("ERR ") ? new RemoteError("refused", text.slice(4).trim()) : null;
}

function isV0Ref(text: string): boolean {
  const space = text.indexOf(" ");
  return space !== -1 && isGitOid(text.slice(0, space).toLowerCase());
}

/**
 * Reads the capability advertisement up to its flush. With `serviceLine`, the smart-HTTP
 * `# service=git-upload-pack` line and its flush may come first (v0 servers always send it; v2
 * servers may). A v0/v1 advertisement is a `NotV2Error`; `ERR` a `RemoteError`.
 */
export async function readAdvertisement(
  reader: PktLineReader,
  options: { readonly serviceLine?: boolean } = {},
): Promise<Capabilities> {
  let packet = await reader.read();
  if (packet === null) throw new RemoteError("refused", "the remote closed the connection");
  let text = packetText(packet);
  if (options.serviceLine === true && text !== null && text.startsWith("# service=")) {
    const flush = await reader.expect();
    if (flush.kind !== "flush") throw new ProtocolError("no flush after the service line");
    packet = await reader.expect();
    text = packetText(packet);
  }
  if (packet.kind === "flush") throw new NotV2Error("an empty protocol v0 advertisement");
  if (text === null) throw new ProtocolError(`unexpected ${packet.kind} packet before version`);
  const refused = remoteError(text);
  if (refused !== null) throw refused;
  if (text === "version 1" || isV0Ref(text)) {
    throw new NotV2Error("the remote answered in protocol v0/v1");
  }
  if (text !== "version 2") {
    throw new ProtocolError(`expected "version 2", got ${JSON.stringify(text.slice(0, 80))}`);
  }
  const capabilities = new Map<string, string | null>();
  for (;;) {
    const line = await reader.expect();
    if (line.kind === "flush") break;
    const capability = packetText(line);
    if (capability === null) throw new ProtocolError(`unexpected ${line.kind} in capabilities`);
    const equals = capability.indexOf("=");
    if (equals === -1) capabilities.set(capability, null);
    else capabilities.set(capability.slice(0, equals), capability.slice(equals + 1));
  }
  return capabilities;
}

/**
 * The `ls-refs` command (ending with a flush) for a server with these capabilities. `symrefs` is
 * an argument of every v2 server's ls-refs (no capability to check).
 */
export function lsRefsRequest(
  capabilities: Capabilities,
  prefixes: readonly string[],
  options: ListOptions = {},
): Buffer {
  if (!capabilities.has("ls-refs")) throw new NotV2Error("the server does not offer ls-refs");
  const parts: Buffer[] = [pktLine("command=ls-refs\n")];
  if (capabilities.has("agent")) parts.push(pktLine(`agent=${AGENT}\n`));
  const format = capabilities.get("object-format");
  if (format !== undefined && format !== null) parts.push(pktLine(`object-format=${format}\n`));
  parts.push(DELIM_PKT, pktLine("peel\n"));
  if (options.symrefs === true) parts.push(pktLine("symrefs\n"));
  for (const prefix of new Set(prefixes)) parts.push(pktLine(`ref-prefix ${prefix}\n`));
  parts.push(FLUSH_PKT);
  return Buffer.concat(parts);
}

function malformed(text: string, start: number, end: number): ProtocolError {
  const line = text.slice(start, Math.min(end, start + 200));
  return new ProtocolError(`malformed ls-refs line ${JSON.stringify(line)}`);
}

/** `text[start, end)` when it is an object id (40 or 64 lowercase hex digits). */
function oidAt(text: string, start: number, end: number, lineStart: number, lineEnd: number) {
  const length = end - start;
  let ok = length === 40 || length === 64;
  for (let i = start; ok && i < end; i++) {
    const c = text.charCodeAt(i);
    ok = (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66);
  }
  if (!ok) throw malformed(text, lineStart, lineEnd);
  return text.slice(start, end) as GitOid;
}

/**
 * The ref of reply line `text[start, end)`: `<oid> <refname>[ symref-target:<ref>][ peeled:<oid>]`
 * (read in place: a reply's lines are parts of one decoded string).
 */
export function parseRefAt(text: string, start: number, end: number): ListedRef {
  const first = text.indexOf(" ", start);
  if (first === -1 || first >= end) throw malformed(text, start, end);
  let second = text.indexOf(" ", first + 1);
  if (second === -1 || second > end) second = end;
  if (second === first + 1) throw malformed(text, start, end);
  const oid = oidAt(text, start, first, start, end);
  const ref = text.slice(first + 1, second);
  let peeled: GitOid | null = null;
  let symref: string | undefined;
  for (let at = second + 1; at < end; ) {
    let space = text.indexOf(" ", at);
    if (space === -1 || space > end) space = end;
    if (text.startsWith("peeled:", at)) peeled = oidAt(text, at + 7, space, start, end);
    else if (text.startsWith("symref-target:", at)) {
      if (space === at + 14) throw malformed(text, start, end);
      symref = text.slice(at + 14, space);
    }
    at = space + 1;
  }
  // Only a symbolic ref, in a listing that asked for them, gets the key.
  return symref === undefined ? { ref, oid, peeled } : { ref, oid, peeled, symref };
}

/** One reply line (see `parseRefAt`). */
export function parseRefLine(line: string): ListedRef {
  return parseRefAt(line, 0, line.length);
}

/** Whether `ref` is one a listing for `prefixes` holds (no prefixes: every ref). */
export function wanted(ref: string, prefixes: readonly string[]): boolean {
  if (prefixes.length === 0) return true;
  for (const prefix of prefixes) if (ref.startsWith(prefix)) return true;
  return false;
}

/** Reads the ls-refs reply up to its flush; refs sorted by name, only those under `prefixes`. */
export async function readLsRefs(
  reader: PktLineReader,
  prefixes: readonly string[],
): Promise<ListedRef[]> {
  const refs: ListedRef[] = [];
  let sorted = true;
  let last = "";
  const visit = (text: string, start: number, end: number) => {
    if (text.startsWith("ERR ", start)) {
      throw new RemoteError("refused", text.slice(start + 4, end).trim());
    }
    const ref = parseRefAt(text, start, end);
    if (!wanted(ref.ref, prefixes)) return;
    if (ref.ref < last) sorted = false;
    last = ref.ref;
    refs.push(ref);
  };
  for (;;) {
    const { marker, taken } = reader.takeLines(visit);
    if (marker !== null) {
      if (marker.kind === "flush") break;
      throw new ProtocolError(`unexpected ${marker.kind} in the ls-refs reply`);
    }
    if (taken === 0 && !(await reader.fill())) {
      throw new ProtocolError("the stream ended before the reply did");
    }
  }
  return sorted ? refs : sortRefs(refs);
}

export function sortRefs<T extends { readonly ref: string }>(refs: T[]): T[] {
  return refs.sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
}
