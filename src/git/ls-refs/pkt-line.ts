/**
 * git's pkt-line framing (gitprotocol-common(5), gitprotocol-v2(5)): each packet starts with its
 * total length as four hex digits, header included. Three lengths below 4 are special packets:
 * `0000` flush (end of a message), `0001` delim (end of a section) and `0002` response-end (end
 * of a stateless response). `0003` and lengths above 65520 are invalid; a packet of length 4
 * (no payload) is legal but git never sends one.
 *
 * Decoding never trusts the peer: a bad length, a packet cut short by the end of the stream, or a
 * stream longer than the caller's limit is a `ProtocolError`, which the ls-refs client reports as
 * an `EkaError` naming the remote.
 */

/** The largest packet, header included (git's LARGE_PACKET_MAX). */
export const PKT_MAX = 65520;
/** The largest payload of one data packet. */
export const PKT_PAYLOAD_MAX = PKT_MAX - 4;

export type Packet =
  | { readonly kind: "data"; readonly data: Buffer }
  | { readonly kind: "flush" }
  | { readonly kind: "delim" }
  | { readonly kind: "response-end" };

/** A remote that broke the protocol (bad framing, unexpected packets, garbage). */
export class ProtocolError extends Error {
  override readonly name = "ProtocolError";
}

export const FLUSH_PKT: Buffer = Buffer.from("0000", "latin1");
export const DELIM_PKT: Buffer = Buffer.from("0001", "latin1");
export const RESPONSE_END_PKT: Buffer = Buffer.from("0002", "latin1");

/** One data packet holding `payload` (text is UTF-8; lines carry their own `\n`). */
export function pktLine(payload: string | Uint8Array): Buffer {
  const data = typeof payload === "string" ? Buffer.from(payload, "utf8") : Buffer.from(payload);
  if (data.length > PKT_PAYLOAD_MAX) {
    throw new RangeError(`pkt-line payload of ${data.length} bytes exceeds ${PKT_PAYLOAD_MAX}`);
  }
  const header = Buffer.from((data.length + 4).toString(16).padStart(4, "0"), "latin1");
  return Buffer.concat([header, data]);
}

/** The payload of a data packet as text without its trailing `\n` (git's chomped form). */
export function packetText(packet: Packet): string | null {
  if (packet.kind !== "data") return null;
  const text = packet.data.toString("utf8");
  return text.endsWith("\n") ? text.slice(0, -1) : text;
}

/** The value of each byte as a hex digit, -1 for the others. */
const HEX = new Int8Array(256).fill(-1);
for (let i = 0; i < 16; i++) {
  HEX["0123456789abcdef".charCodeAt(i)] = i;
  HEX["0123456789ABCDEF".charCodeAt(i)] = i;
}

function describe(bytes: Uint8Array): string {
  return JSON.stringify(Buffer.from(bytes).toString("latin1"));
}

/**
 * The packet length a 4-byte header announces (header included; 0, 1 and 2 for the special
 * packets). Throws `ProtocolError` for anything that is not a valid length.
 */
export function parseLength(header: Uint8Array): number {
  if (header.length !== 4) throw new ProtocolError("a pkt-line header is 4 bytes");
  return lengthAt(header, 0);
}

/** `parseLength` of the four bytes at `at` (which must exist). */
function lengthAt(bytes: Uint8Array, at: number): number {
  const a = HEX[bytes[at]!]!;
  const b = HEX[bytes[at + 1]!]!;
  const c = HEX[bytes[at + 2]!]!;
  const d = HEX[bytes[at + 3]!]!;
  const header = () => describe(bytes.subarray(at, at + 4));
  if ((a | b | c | d) < 0) throw new ProtocolError(`bad pkt-line length ${header()}`);
  const length = (a << 12) | (b << 8) | (c << 4) | d;
  if (length === 3) throw new ProtocolError(`bad pkt-line length ${header()}`);
  if (length > PKT_MAX) throw new ProtocolError(`pkt-line length ${length} exceeds ${PKT_MAX}`);
  return length;
}

function special(length: number): Packet | null {
  if (length === 0) return { kind: "flush" };
  if (length === 1) return { kind: "delim" };
  if (length === 2) return { kind: "response-end" };
  return null;
}

/** Every packet of a complete byte string (for replies read whole, and for tests). */
export function decodePackets(bytes: Uint8Array): Packet[] {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const packets: Packet[] = [];
  let at = 0;
  while (at < buffer.length) {
    if (buffer.length - at < 4) {
      throw new ProtocolError(`the stream ended inside a pkt-line header`);
    }
    const length = parseLength(buffer.subarray(at, at + 4));
    const marker = special(length);
    if (marker !== null) {
      packets.push(marker);
      at += 4;
      continue;
    }
    if (buffer.length - at < length) {
      throw new ProtocolError(`the stream ended inside a pkt-line (${length} bytes announced)`);
    }
    packets.push({ kind: "data", data: Buffer.from(buffer.subarray(at + 4, at + length)) });
    at += length;
  }
  return packets;
}

export interface PktLineReaderOptions {
  /** Refuse a stream longer than this many bytes (default 64 MiB). */
  readonly maxBytes?: number;
}

import { isAscii } from "node:buffer";

const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;
const NEWLINE = 0x0a;

/**
 * Reads packets from a byte stream (a process's stdout, a socket, an HTTP body). The bytes not yet
 * consumed are kept as one buffer (a new chunk is appended to the unread tail only), and a data
 * packet's `data` is a view of it, valid until the next read: callers decode it at once. `next()`
 * takes a packet already received without waiting, so a reply of thousands of refs costs one
 * await per chunk, not one per ref.
 */
export class PktLineReader {
  readonly #chunks: AsyncIterator<Uint8Array>;
  readonly #maxBytes: number;
  #buffer: Buffer = Buffer.alloc(0);
  #offset = 0;
  #received = 0;
  #ended = false;

  constructor(source: AsyncIterable<Uint8Array>, options: PktLineReaderOptions = {}) {
    this.#chunks = source[Symbol.asyncIterator]();
    this.#maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  }

  /** Whether the stream has ended (the remote closed its side). */
  get ended(): boolean {
    return this.#ended;
  }

  /** Bytes received from the stream so far. */
  get received(): number {
    return this.#received;
  }

  /**
   * Takes every data packet received whole, up to the first special packet, without waiting:
   * calls `visit(text, start, end)` for each, its text (UTF-8, without the trailing newline)
   * being `text.slice(start, end)`, and returns the special packet that ended the run
   * (consumed) or null when more bytes are needed, with the number of data packets taken. A run
   * of ASCII packets (a ref listing, nearly always) is decoded with one call into one string,
   * which the visitor reads in place.
   */
  takeLines(visit: (text: string, start: number, end: number) => void): {
    marker: Packet | null;
    taken: number;
  } {
    const buffer = this.#buffer;
    const start = this.#offset;
    let end = start;
    let marker: Packet | null = null;
    let taken = 0;
    while (buffer.length - end >= 4) {
      const length = lengthAt(buffer, end);
      marker = special(length);
      if (marker !== null) break;
      if (buffer.length - end < length) break;
      end += length;
      taken++;
    }
    this.#offset = marker === null ? end : end + 4;
    if (end > start) {
      const ascii = isAscii(buffer.subarray(start, end));
      const text = ascii ? buffer.toString("latin1", start, end) : "";
      for (let at = start; at < end; ) {
        const length = lengthAt(buffer, at);
        const stop = buffer[at + length - 1] === NEWLINE ? at + length - 1 : at + length;
        if (ascii) visit(text, at + 4 - start, stop - start);
        else {
          const line = buffer.toString("utf8", at + 4, stop);
          visit(line, 0, line.length);
        }
        at += length;
      }
    }
    return { marker, taken };
  }

  /** The next packet if it has been received whole, else null (without waiting). */
  next(): Packet | null {
    const buffer = this.#buffer;
    const at = this.#offset;
    if (buffer.length - at < 4) return null;
    const length = lengthAt(buffer, at);
    const marker = special(length);
    if (marker !== null) {
      this.#offset = at + 4;
      return marker;
    }
    if (buffer.length - at < length) return null;
    this.#offset = at + length;
    return { kind: "data", data: buffer.subarray(at + 4, at + length) };
  }

  /** The next packet, or null at the end of the stream (which must fall between packets). */
  async read(): Promise<Packet | null> {
    for (;;) {
      const packet = this.next();
      if (packet !== null) return packet;
      if (!(await this.fill())) return null;
    }
  }

  /**
   * Receives one more chunk; false at the end of the stream (a `ProtocolError` when it ends
   * inside a packet).
   */
  async fill(): Promise<boolean> {
    if (this.#ended) {
      if (this.#offset === this.#buffer.length) return false;
      throw new ProtocolError("the stream ended inside a pkt-line");
    }
    const chunk = await this.#chunks.next();
    if (chunk.done === true) {
      this.#ended = true;
      return this.fill();
    }
    this.#received += chunk.value.length;
    if (this.#received > this.#maxBytes) {
      throw new ProtocolError(`the reply exceeds ${this.#maxBytes} bytes`);
    }
    const bytes = Buffer.from(chunk.value.buffer, chunk.value.byteOffset, chunk.value.length);
    const rest = this.#buffer.length - this.#offset;
    this.#buffer = rest === 0 ? bytes : Buffer.concat([this.#buffer.subarray(this.#offset), bytes]);
    this.#offset = 0;
    return true;
  }

  /** The next packet; the end of the stream is a `ProtocolError` here. */
  async expect(): Promise<Packet> {
    const packet = this.next() ?? (await this.read());
    if (packet === null) throw new ProtocolError("the stream ended before the reply did");
    return packet;
  }

  /** Stops reading (lets the source release its resources). */
  async close(): Promise<void> {
    await this.#chunks.return?.();
  }
}
