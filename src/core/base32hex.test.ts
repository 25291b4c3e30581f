import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { isDigestText } from "./b3-digest.ts";
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

  /** The plain decoder: `indexOf` in the alphabet, character by character. */
  function referenceDecode(text: string): Uint8Array | null {
    const alphabet = "0123456789abcdefghijklmnopqrstuv";
    if ([1, 3, 6].includes(text.length % 8)) return null;
    const out = new Uint8Array(Math.floor((text.length * 5) / 8));
    let acc = 0;
    let bits = 0;
    let n = 0;
    for (const ch of text) {
      const value = alphabet.indexOf(ch);
      if (value < 0 || ch.length !== 1) return null;
      acc = (acc << 5) | value;
      bits += 5;
      if (bits >= 8) {
        bits -= 8;
        out[n++] = (acc >>> bits) & 255;
        acc &= (1 << bits) - 1;
      }
    }
    return acc === 0 ? out : null;
  }

  /** Text near base32hex: its alphabet mostly, with uppercase, padding, `w`, NUL and astral. */
  const nearText = (length: fc.Arbitrary<number>) =>
    length.chain((n) =>
      fc
        .array(
          fc.oneof(
            { weight: 20, arbitrary: fc.constantFrom(..."0123456789abcdefghijklmnopqrstuv") },
            {
              weight: 1,
              arbitrary: fc.constantFrom("A", "V", "=", "w", "z", "\0", "é", "😀", "/"),
            },
          ),
          { minLength: n, maxLength: n },
        )
        .map((chars) => chars.join("")),
    );

  it("decodes as the plain decoder does, valid or not", () => {
    fc.assert(
      fc.property(nearText(fc.nat(70)), (text) => {
        assert.deepEqual(decodeBase32Hex(text), referenceDecode(text));
      }),
      { numRuns: 3000 },
    );
  });

  it("isDigestText is true exactly when 52 characters decode to 32 bytes", () => {
    fc.assert(
      fc.property(nearText(fc.constantFrom(51, 52, 52, 52, 53)), (text) => {
        const bytes = referenceDecode(text);
        assert.equal(isDigestText(text), text.length === 52 && bytes?.length === 32);
      }),
      { numRuns: 3000 },
    );
    for (const last of "0123456789abcdefghijklmnopqrstuv") {
      const text = `${"v".repeat(51)}${last}`;
      assert.equal(isDigestText(text), referenceDecode(text) !== null, text);
    }
  });
});
