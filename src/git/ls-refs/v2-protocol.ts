/**
 * The protocol v2 messages of a ref listing (gitprotocol-v2(5)), independent of the transport:
 * the server's capability advertisement, the `ls-refs` command with one `ref-prefix` per prefix,
 * and its reply, one `<oid> <refname>[ <attribute>]*` line per ref.
 *
 * The reply is filtered on this side too (a server may ignore `ref-prefix`: git ignores them all
 * past 65,536), so a listing holds exactly the refs under the prefixes whatever the server does.
 */

import type { GitOid } from "../../core/types.ts";
import { isGitOid } from "../../core/types.ts";
import { NotV2Error, ProtocolError, RemoteError } from "./listing-errors.ts";
import { DELIM_PKT, FLUSH_PKT, type PktLineReader, packetText, pktLine } from "./pkt-line.ts";

/** A ref as a listing reports it; `peeled` is the object an annotated tag peels to. */
export interface ListedRef {
  readonly ref: string;
  readonly oid: GitOid;
  readonly peeled: GitOid | null;
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

/** The `ls-refs` command (ending with a flush) for a server with these capabilities. */
export function lsRefsRequest(capabilities: Capabilities, prefixes: readonly string[]): Buffer {
  if (!capabilities.has("ls-refs")) throw new NotV2Error("the server does not offer ls-refs");
  const parts: Buffer[] = [pktLine("command=ls-refs\n")];
  if (capabilities.has("agent")) parts.push(pktLine(`agent=${AGENT}\n`));
  const format = capabilities.get("object-format");
  if (format !== undefined && format !== null) parts.push(pktLine(`object-format=${format}\n`));
  parts.push(DELIM_PKT, pktLine("peel\n"));
  for (const prefix of new Set(prefixes)) parts.push(pktLine(`ref-prefix ${prefix}\n`));
  parts.push(FLUSH_PKT);
  return Buffer.concat(parts);
}

function oidOf(text: string, line: string): GitOid {
  if (!isGitOid(text)) {
    throw new ProtocolError(
      `not an object id in ls-refs line ${JSON.stringify(line.slice(0, 200))}`,
    );
  }
  return text;
}

/** One reply line: `<oid> <refname>[ symref-target:<ref>][ peeled:<oid>]`. */
export function parseRefLine(line: string): ListedRef {
  const first = line.indexOf(" ");
  const second = first === -1 ? -1 : line.indexOf(" ", first + 1);
  const ref = first === -1 ? "" : line.slice(first + 1, second === -1 ? undefined : second);
  if (ref === "") {
    throw new ProtocolError(`malformed ls-refs line ${JSON.stringify(line.slice(0, 200))}`);
  }
  const oid = oidOf(line.slice(0, first), line);
  let peeled: GitOid | null = null;
  if (second !== -1) {
    for (const attribute of line.slice(second + 1).split(" ")) {
      if (attribute.startsWith("peeled:")) peeled = oidOf(attribute.slice(7), line);
    }
  }
  return { ref, oid, peeled };
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
  const lines: string[] = [];
  let sorted = true;
  let last = "";
  for (;;) {
    lines.length = 0;
    const marker = reader.takeLines(lines);
    for (const line of lines) {
      if (line.startsWith("ERR ")) throw new RemoteError("refused", line.slice(4).trim());
      const ref = parseRefLine(line);
      if (!wanted(ref.ref, prefixes)) continue;
      if (ref.ref < last) sorted = false;
      last = ref.ref;
      refs.push(ref);
    }
    if (marker !== null) {
      if (marker.kind === "flush") break;
      throw new ProtocolError(`unexpected ${marker.kind} in the ls-refs reply`);
    }
    if (lines.length === 0 && !(await reader.fill())) {
      throw new ProtocolError("the stream ended before the reply did");
    }
  }
  return sorted ? refs : sortRefs(refs);
}

export function sortRefs<T extends { readonly ref: string }>(refs: T[]): T[] {
  return refs.sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
}
