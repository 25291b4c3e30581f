import assert from "node:assert/strict";
import { test } from "node:test";
import { NotV2Error, ProtocolError, RemoteError } from "./listing-errors.ts";
import { decodePackets, FLUSH_PKT, PktLineReader, packetText, pktLine } from "./pkt-line.ts";
import { lsRefsRequest, parseRefLine, readAdvertisement, readLsRefs } from "./v2-protocol.ts";

const A = "a".repeat(40);
const B = "b".repeat(40);
const C = "c".repeat(40);

function reader(...parts: (string | Buffer)[]): PktLineReader {
  const bytes = Buffer.concat(parts.map((p) => (typeof p === "string" ? pktLine(p) : p)));
  return new PktLineReader(
    (async function* () {
      yield bytes;
    })(),
  );
}

test("reads a v2 advertisement, with or without the smart-HTTP service line", async () => {
  const caps = await readAdvertisement(
    reader(
      "version 2\n",
      "agent=git/2.39\n",
      "ls-refs=unborn\n",
      "object-format=sha1\n",
      FLUSH_PKT,
    ),
  );
  assert.deepEqual(
    [...caps],
    [
      ["agent", "git/2.39"],
      ["ls-refs", "unborn"],
      ["object-format", "sha1"],
    ],
  );
  const http = await readAdvertisement(
    reader("# service=git-upload-pack\n", FLUSH_PKT, "version 2\n", "ls-refs\n", FLUSH_PKT),
    { serviceLine: true },
  );
  assert.deepEqual([...http], [["ls-refs", null]]);
});

test("a v0 advertisement, ERR and garbage are told apart", async () => {
  await assert.rejects(
    readAdvertisement(reader(`${A} HEAD\0multi_ack thin-pack\n`, FLUSH_PKT)),
    NotV2Error,
  );
  await assert.rejects(readAdvertisement(reader("version 1\n", FLUSH_PKT)), NotV2Error);
  await assert.rejects(readAdvertisement(reader(FLUSH_PKT)), NotV2Error);
  await assert.rejects(
    readAdvertisement(reader("ERR access denied or repository not exported: /x\n")),
    (error) => error instanceof RemoteError && /access denied/.test(error.message),
  );
  await assert.rejects(readAdvertisement(reader("HTTP/1.1 200 OK\n")), ProtocolError);
});

test("the ls-refs request asks for peeled tags and one ref-prefix per distinct prefix", () => {
  const caps = new Map<string, string | null>([
    ["agent", "git/2.39"],
    ["ls-refs", null],
    ["object-format", "sha1"],
  ]);
  const request = lsRefsRequest(caps, [
    "refs/ekala/init",
    "refs/ekala/atoms/lib/",
    "refs/ekala/init",
  ]);
  const packets = decodePackets(request).map((p) => (p.kind === "data" ? packetText(p) : p.kind));
  assert.deepEqual(packets, [
    "command=ls-refs",
    "agent=eka/0.1",
    "object-format=sha1",
    "delim",
    "peel",
    "ref-prefix refs/ekala/init",
    "ref-prefix refs/ekala/atoms/lib/",
    "flush",
  ]);
  assert.throws(() => lsRefsRequest(new Map([["fetch", null]]), []), NotV2Error);
});

test("symrefs is asked for only when the listing wants it; otherwise the request is unchanged", () => {
  const caps = new Map<string, string | null>([["ls-refs", null]]);
  const plain = lsRefsRequest(caps, ["HEAD", "refs/heads/"]);
  assert.deepEqual(lsRefsRequest(caps, ["HEAD", "refs/heads/"], { symrefs: false }), plain);
  const packets = (bytes: Buffer) =>
    decodePackets(bytes).map((p) => (p.kind === "data" ? packetText(p) : p.kind));
  assert.deepEqual(packets(plain), [
    "command=ls-refs",
    "delim",
    "peel",
    "ref-prefix HEAD",
    "ref-prefix refs/heads/",
    "flush",
  ]);
  assert.deepEqual(packets(lsRefsRequest(caps, ["HEAD", "refs/heads/"], { symrefs: true })), [
    "command=ls-refs",
    "delim",
    "peel",
    "symrefs",
    "ref-prefix HEAD",
    "ref-prefix refs/heads/",
    "flush",
  ]);
});

test("parses ref lines with their attributes", () => {
  const plain = parseRefLine(`${A} refs/heads/main`);
  assert.deepEqual(plain, { ref: "refs/heads/main", oid: A, peeled: null });
  assert.ok(!("symref" in plain), "no symref key on a ref that is not symbolic");
  assert.deepEqual(parseRefLine(`${A} HEAD symref-target:refs/heads/main`), {
    ref: "HEAD",
    oid: A,
    peeled: null,
    symref: "refs/heads/main",
  });
  assert.deepEqual(parseRefLine(`${A} refs/tags/latest symref-target:refs/tags/v1 peeled:${B}`), {
    ref: "refs/tags/latest",
    oid: A,
    peeled: B,
    symref: "refs/tags/v1",
  });
  assert.deepEqual(parseRefLine(`${A} refs/tags/v1 peeled:${B}`), {
    ref: "refs/tags/v1",
    oid: A,
    peeled: B,
  });
  for (const bad of [
    "",
    A,
    `${A} `,
    `xyz refs/heads/main`,
    `${A} refs/tags/v1 peeled:zz`,
    `${A} HEAD symref-target:`,
    `${A} HEAD symref-target: peeled:${B}`,
  ]) {
    assert.throws(() => parseRefLine(bad), ProtocolError, bad);
  }
});

test("the reply is filtered to the prefixes on this side too, and sorted", async () => {
  const refs = await readLsRefs(
    reader(
      `${C} refs/ekala/init\n`,
      `${A} refs/heads/main\n`,
      `${B} refs/ekala/atoms/lib/1.0.0\n`,
      `${A} refs/ekala/atoms/library/1.0.0\n`,
      FLUSH_PKT,
    ),
    ["refs/ekala/init", "refs/ekala/atoms/lib/"],
  );
  assert.deepEqual(
    refs.map((r) => r.ref),
    ["refs/ekala/atoms/lib/1.0.0", "refs/ekala/init"],
  );
  const all = await readLsRefs(reader(`${A} refs/heads/main\n`, FLUSH_PKT), []);
  assert.equal(all.length, 1);
  const head = await readLsRefs(
    reader(`${A} HEAD symref-target:refs/heads/trunk\n`, `${A} refs/heads/trunk\n`, FLUSH_PKT),
    ["HEAD", "refs/heads/"],
  );
  assert.deepEqual(
    head.map((r) => [r.ref, r.symref]),
    [
      ["HEAD", "refs/heads/trunk"],
      ["refs/heads/trunk", undefined],
    ],
  );
  await assert.rejects(readLsRefs(reader(`${A} refs/heads/main\n`), []), ProtocolError);
  await assert.rejects(readLsRefs(reader("ERR upload-pack: bad\n"), []), RemoteError);
});
