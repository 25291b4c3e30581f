import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { bytesToHex } from "@noble/hashes/utils.js";
import { atomId, atomIdDigest, deriveAtomKey, parseAtomId } from "./atom-id.ts";
import { b3DigestFromBytes, parseB3Digest } from "./b3-digest.ts";
import type { EkaError } from "./errors.ts";
import { parseLabel } from "./label.ts";
import { parseSetId, setIdBytes } from "./set-id.ts";

// vectors.md, "Atom ids".
const SET = "4abbd2644bc3585e9be95deb277ccf48f6ed26ac";
const ROWS = [
  {
    set: SET,
    label: "nix-lock",
    key: "08e6ded564b14e436fb0dcbb2c84511c99c1cf7ca1a658acad30cfd562b4ac16",
    id: "r3rlam6bd31t9i04ggug7avs8vf8981q7a3b6gobemk1gfs50qm0",
  },
  {
    set: SET,
    label: "dev",
    key: "08e6ded564b14e436fb0dcbb2c84511c99c1cf7ca1a658acad30cfd562b4ac16",
    id: "3ot6f917im3d5qhs1jdo2samkthlahg5qcr4ql5e2neomv2v6dt0",
  },
  {
    set: "0".repeat(40),
    label: "foo",
    key: "425d89c823bddb1ceee6ffcfff2be7294818cbb751af9a4c321599bc19fe0d98",
    id: "e5nvfs21g1dblt0fe2q8vq3ltnbdu0c65i0mn74tkqmvala1bo20",
  },
];

describe("atom ids", () => {
  it("remembered ids are those of their own set and label", () => {
    const sets = [SET, "0".repeat(40), "f".repeat(64)].map((s) => parseSetId(s));
    const labels = ["foo", "dev", "nix-lock"].map((l) => parseLabel(l));
    const fresh = (set: (typeof sets)[number], label: (typeof labels)[number]) =>
      b3DigestFromBytes(atomIdDigest(deriveAtomKey(set), label));
    for (let round = 0; round < 2; round++) {
      for (const set of round === 0 ? sets : [...sets].reverse()) {
        for (const label of labels) assert.equal(atomId(set, label), fresh(set, label));
      }
    }
    assert.notEqual(atomId(sets[0]!, labels[0]!), atomId(sets[1]!, labels[0]!));
  });

  for (const row of ROWS) {
    it(`${row.set.slice(0, 8)}… / ${row.label}: derived key and id`, () => {
      const setId = parseSetId(row.set);
      assert.equal(bytesToHex(deriveAtomKey(setId)), row.key);
      assert.equal(atomId(setId, parseLabel(row.label)), row.id);
      assert.equal(parseAtomId(row.id), row.id);
    });
  }

  it("gives the raw keyed-hash digest of the first row", () => {
    const setId = parseSetId(SET);
    const digest = atomIdDigest(deriveAtomKey(setId), parseLabel("nix-lock"));
    assert.equal(
      bytesToHex(digest),
      "d8f75558cb68c3d4c804843d03abfc47de84a03a3a86b3430b75a8183f8506ac",
    );
  });

  it("hashes e + U+0301 exactly like é", () => {
    const setId = parseSetId(SET);
    assert.equal(atomId(setId, parseLabel("cafe\u0301")), atomId(setId, parseLabel("caf\u00e9")));
  });

  it("uses the raw bytes of the set id: 20 for SHA-1, 32 for SHA-256", () => {
    assert.equal(setIdBytes(parseSetId(SET)).length, 20);
    const sha256 = parseSetId("ab".repeat(32));
    assert.equal(setIdBytes(sha256).length, 32);
    assert.equal(atomId(sha256, parseLabel("foo")).length, 52);
    assert.notEqual(
      atomId(sha256, parseLabel("foo")),
      atomId(parseSetId("ab".repeat(20)), parseLabel("foo")),
    );
  });
});

describe("id parsers", () => {
  it("parseSetId takes 40 or 64 lowercase hex only", () => {
    for (const bad of [
      "",
      "4ABBD2644BC3585E9BE95DEB277CCF48F6ED26AC",
      SET.slice(1),
      `${SET}0`,
      "g".repeat(40),
    ]) {
      assert.throws(
        () => parseSetId(bad),
        (e: EkaError) => e.code === "EKA_ID_INVALID" && e.hint !== undefined,
      );
    }
  });

  it("parseAtomId and parseB3Digest take the 52-character form of 32 bytes", () => {
    const good = ROWS[0]!.id;
    assert.equal(parseB3Digest(good), good);
    const cases: [string, RegExp][] = [
      [good.slice(1), /51 characters/],
      [`${good}0`, /53 characters/],
      [good.toUpperCase(), /outside 0-9 and a-v/],
      [`${good.slice(0, 51)}w`, /outside/],
      [`${good.slice(0, 51)}1`, /last character/],
    ];
    for (const [text, why] of cases) {
      for (const parse of [parseAtomId, parseB3Digest]) {
        assert.throws(
          () => parse(text),
          (e: EkaError) => e.code === "EKA_ID_INVALID" && why.test(e.message),
          text,
        );
      }
    }
  });

  it("b3DigestFromBytes writes 32 bytes and refuses other lengths", () => {
    assert.equal(b3DigestFromBytes(new Uint8Array(32)), "0".repeat(52));
    assert.throws(
      () => b3DigestFromBytes(new Uint8Array(20)),
      (e: EkaError) => e.code === "EKA_INTERNAL",
    );
  });
});
