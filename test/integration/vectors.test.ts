/**
 * vectors.md, checked three ways: the expected values, eka's core, and the real `b3sum` on the
 * same bytes. Also eka's BLAKE3 (noble) against b3sum on inputs around chunk boundaries.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { blake3 } from "@noble/hashes/blake3.js";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import {
  ATOM_ID_CONTEXT,
  atomId,
  atomIdDigest,
  decodeBase32Hex,
  deriveAtomKey,
  encodeBase32Hex,
  parseLabel,
  parseSetId,
  setIdBytes,
} from "../../src/core/index.ts";
import { b3sum, b3sumDeriveKey, b3sumKeyed } from "../helpers/b3sum.ts";

const ROWS = [
  {
    set: "4abbd2644bc3585e9be95deb277ccf48f6ed26ac",
    label: "nix-lock",
    key: "08e6ded564b14e436fb0dcbb2c84511c99c1cf7ca1a658acad30cfd562b4ac16",
    id: "r3rlam6bd31t9i04ggug7avs8vf8981q7a3b6gobemk1gfs50qm0",
  },
  {
    set: "4abbd2644bc3585e9be95deb277ccf48f6ed26ac",
    label: "dev",
    key: "08e6ded564b14e436fb0dcbb2c84511c99c1cf7ca1a658acad30cfd562b4ac16",
    id: "3ot6f917im3d5qhs1jdo2samkthlahg5qcr4ql5e2neomv2v6dt0",
  },
  {
    set: "0000000000000000000000000000000000000000",
    label: "foo",
    key: "425d89c823bddb1ceee6ffcfff2be7294818cbb751af9a4c321599bc19fe0d98",
    id: "e5nvfs21g1dblt0fe2q8vq3ltnbdu0c65i0mn74tkqmvala1bo20",
  },
];

const utf8 = (s: string) => new TextEncoder().encode(s);

describe("atom id vectors against b3sum", () => {
  for (const row of ROWS) {
    it(`${row.set.slice(0, 8)}… / ${row.label}`, () => {
      const setId = parseSetId(row.set);
      const raw = setIdBytes(setId);
      assert.deepEqual(raw, hexToBytes(row.set));
      const key = deriveAtomKey(setId);
      assert.equal(b3sumDeriveKey(ATOM_ID_CONTEXT, raw), row.key);
      assert.equal(bytesToHex(key), row.key);
      const digest = atomIdDigest(key, parseLabel(row.label));
      const reference = b3sumKeyed(key, utf8(row.label));
      assert.equal(bytesToHex(digest), reference);
      assert.equal(encodeBase32Hex(hexToBytes(reference)), row.id);
      assert.equal(atomId(setId, parseLabel(row.label)), row.id);
      assert.equal(bytesToHex(decodeBase32Hex(row.id)!), reference);
    });
  }

  it("the raw digest of the first row", () => {
    const row = ROWS[0]!;
    const expected = "d8f75558cb68c3d4c804843d03abfc47de84a03a3a86b3430b75a8183f8506ac";
    assert.equal(b3sumKeyed(hexToBytes(row.key), utf8(row.label)), expected);
  });

  it("a label typed as e + U+0301 hashes like é, and b3sum agrees on the NFC bytes", () => {
    const setId = parseSetId(ROWS[0]!.set);
    const key = deriveAtomKey(setId);
    const id = atomId(setId, parseLabel("cafe\u0301"));
    assert.equal(id, atomId(setId, parseLabel("caf\u00e9")));
    assert.equal(id, encodeBase32Hex(hexToBytes(b3sumKeyed(key, utf8("caf\u00e9")))));
    assert.notEqual(id, encodeBase32Hex(hexToBytes(b3sumKeyed(key, utf8("cafe\u0301")))));
  });

  it("a SHA-256 set id uses its 32 raw bytes", () => {
    const setId = parseSetId(randomBytes(32).toString("hex"));
    const key = deriveAtomKey(setId);
    assert.equal(bytesToHex(key), b3sumDeriveKey(ATOM_ID_CONTEXT, setIdBytes(setId)));
    const label = parseLabel("ひらがな");
    assert.equal(atomId(setId, label), encodeBase32Hex(hexToBytes(b3sumKeyed(key, utf8(label)))));
  });
});

describe("BLAKE3 against b3sum", () => {
  const sizes = [0, 1, 63, 64, 65, 1023, 1024, 1025, 2048, 3 * 1024, 1 << 20];
  for (const size of sizes) {
    it(`plain, keyed and derive-key hashes of ${size} random bytes`, () => {
      const data = size === 1 ? Uint8Array.of(0x61) : new Uint8Array(randomBytes(size));
      assert.equal(bytesToHex(blake3(data)), b3sum(data));
      if (size > 4096) return;
      const key = new Uint8Array(randomBytes(32));
      assert.equal(bytesToHex(blake3(data, { key })), b3sumKeyed(key, data));
      assert.equal(
        bytesToHex(blake3(data, { context: utf8(ATOM_ID_CONTEXT) })),
        b3sumDeriveKey(ATOM_ID_CONTEXT, data),
      );
    });
  }

  it("the published hash of the empty input", () => {
    const empty = "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262";
    assert.equal(b3sum(new Uint8Array()), empty);
    assert.equal(bytesToHex(blake3(new Uint8Array())), empty);
  });
});
