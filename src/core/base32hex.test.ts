import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { decodeBase32Hex, encodeBase32Hex } from "./base32hex.ts";

const bytes = (s: string) => new TextEncoder().encode(s);

describe("base32hex", () => {
  it("matches the RFC 4648 §10 vectors, lowercase and unpadded", () => {
    const vectors: [string, string][] = [
      ["", ""],
      ["f", "co"],
      ["fo", "cpng"],
      ["foo", "cpnmu"],
      ["foob", "cpnmuog"],
      ["fooba", "cpnmuoj1"],
      ["foobar", "cpnmuoj1e8"],
    ];
    for (const [plain, encoded] of vectors) {
      assert.equal(encodeBase32Hex(bytes(plain)), encoded);
      assert.deepEqual(decodeBase32Hex(encoded), bytes(plain));
    }
  });

  it("writes 32 bytes as 52 characters", () => {
    assert.equal(encodeBase32Hex(new Uint8Array(32)), "0".repeat(52));
    assert.equal(encodeBase32Hex(new Uint8Array(32).fill(255)), `${"v".repeat(51)}g`);
  });

  it("round-trips any bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (data) => {
        const text = encodeBase32Hex(data);
        assert.match(text, /^[0-9a-v]*$/);
        assert.deepEqual(decodeBase32Hex(text), data);
      }),
    );
  });

  it("refuses what is not a canonical encoding", () => {
    for (const bad of [
      "CPNG",
      "cpng=",
      "w",
      "c",
      "cpn",
      "cpnmuo",
      "cp",
      "cq",
      `${"v".repeat(51)}h`,
      "cpn g",
    ]) {
      assert.equal(decodeBase32Hex(bad), null, bad);
    }
  });
});
