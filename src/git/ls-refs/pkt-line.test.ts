import assert from "node:assert/strict";
import { test } from "node:test";
import {
  DELIM_PKT,
  decodePackets,
  FLUSH_PKT,
  PKT_PAYLOAD_MAX,
  PktLineReader,
  ProtocolError,
  packetText,
  parseLength,
  pktLine,
  RESPONSE_END_PKT,
} from "./pkt-line.ts";

async function* chunked(bytes: Buffer, size: number): AsyncIterable<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

test("encodes a data packet with its total length in four hex digits", () => {
  assert.equal(pktLine("command=ls-refs\n").toString("latin1"), "0014command=ls-refs\n");
  assert.equal(pktLine("").toString("latin1"), "0004");
  assert.equal(pktLine("a".repeat(PKT_PAYLOAD_MAX)).subarray(0, 4).toString(), "fff0");
  assert.throws(() => pktLine("a".repeat(PKT_PAYLOAD_MAX + 1)), RangeError);
  assert.equal(pktLine("é").toString("latin1").slice(0, 4), "0006"); // bytes, not characters
});

test("parses lengths, special packets included, and refuses bad ones", () => {
  assert.equal(parseLength(Buffer.from("0000")), 0);
  assert.equal(parseLength(Buffer.from("0001")), 1);
  assert.equal(parseLength(Buffer.from("0002")), 2);
  assert.equal(parseLength(Buffer.from("00aF")), 0xaf);
  for (const bad of ["0003", "fff1", "ffff", "00g0", "-001", "   4"]) {
    assert.throws(() => parseLength(Buffer.from(bad)), ProtocolError, bad);
  }
});

test("decodes a whole stream into data, flush, delim and response-end packets", () => {
  const bytes = Buffer.concat([
    pktLine("a\n"),
    DELIM_PKT,
    pktLine("b"),
    FLUSH_PKT,
    RESPONSE_END_PKT,
  ]);
  const packets = decodePackets(bytes);
  assert.deepEqual(
    packets.map((p) => (p.kind === "data" ? packetText(p) : p.kind)),
    ["a", "delim", "b", "flush", "response-end"],
  );
  assert.throws(() => decodePackets(Buffer.from("0009abc")), /ended inside a pkt-line/);
  assert.throws(() => decodePackets(Buffer.from("00")), /inside a pkt-line header/);
});

test("reads packets split anywhere across chunks, and the end only between packets", async () => {
  const bytes = Buffer.concat([pktLine("version 2\n"), pktLine("ls-refs=unborn\n"), FLUSH_PKT]);
  for (const size of [1, 2, 3, 5, 7, bytes.length]) {
    const reader = new PktLineReader(chunked(bytes, size));
    const seen: string[] = [];
    for (;;) {
      const packet = await reader.read();
      if (packet === null) break;
      seen.push(packet.kind === "data" ? packetText(packet)! : packet.kind);
    }
    assert.deepEqual(seen, ["version 2", "ls-refs=unborn", "flush"], `chunks of ${size}`);
    assert.equal(reader.received, bytes.length);
    assert.equal(reader.ended, true);
  }
  const cut = new PktLineReader(chunked(Buffer.from("000fversion"), 4));
  await assert.rejects(cut.read(), /ended inside a pkt-line/);
  const early = new PktLineReader(chunked(Buffer.alloc(0), 1));
  await assert.rejects(early.expect(), /ended before the reply did/);
});

test("refuses a stream longer than its limit", async () => {
  const bytes = Buffer.concat(Array.from({ length: 10 }, () => pktLine("x".repeat(100))));
  const reader = new PktLineReader(chunked(bytes, 64), { maxBytes: 500 });
  await assert.rejects(
    (async () => {
      while ((await reader.read()) !== null) {}
    })(),
    /exceeds 500 bytes/,
  );
});

test("takeLines gives data packets as chomped text, only once received whole", async () => {
  const bytes = Buffer.concat([
    pktLine("ascii line\n"),
    pktLine("caf\u00e9 line\n"),
    pktLine("no newline"),
    pktLine(""),
    DELIM_PKT,
    pktLine("after\n"),
    FLUSH_PKT,
  ]);
  for (const size of [1, 3, 5, bytes.length]) {
    const reader = new PktLineReader(chunked(bytes, size));
    const seen: string[] = [];
    for (;;) {
      const { marker, taken } = reader.takeLines((text, start, end) => {
        seen.push(text.slice(start, end));
      });
      if (marker !== null) seen.push(marker.kind);
      else if (taken === 0 && !(await reader.fill())) break;
    }
    assert.deepEqual(
      seen,
      ["ascii line", "caf\u00e9 line", "no newline", "", "delim", "after", "flush"],
      `chunks of ${size}`,
    );
  }
});
