import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { EkaError } from "../core/index.ts";
import { fromNixBase32, NIX_BASE32_ALPHABET, nixBase32Length, toNixBase32 } from "./nix-base32.ts";
import { nixBase32FromSri, sha256Bytes, sha256Forms, sriFromNixBase32 } from "./sha256.ts";

// Expected values printed by nix 2.8: `nix-hash --type sha256 --to-base32 <hex>`,
// `nix-hash --type sha1 --to-base32 <hex>` and `nix hash to-sri`.
const VECTORS = [
  {
    hex: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    base32: "0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73",
    sri: "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
  },
  {
    hex: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    base32: "1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s",
  },
  { hex: "a9993e364706816aba3e25717850c26c9cd0d89d", base32: "kpcd173cq987hw957sx6m0868wv3x6d9" },
];

test("Nix base32 matches nix-hash --to-base32 on known digests", () => {
  for (const v of VECTORS) {
    const bytes = Buffer.from(v.hex, "hex");
    assert.equal(toNixBase32(bytes), v.base32);
    assert.deepEqual(Buffer.from(fromNixBase32(v.base32, bytes.length)), bytes);
    if (v.sri !== undefined) {
      assert.equal(sriFromNixBase32(v.base32), v.sri);
      assert.equal(nixBase32FromSri(v.sri), v.base32);
    }
  }
  assert.equal(sha256Forms(sha256Bytes("abc")).base32, VECTORS[1]!.base32);
  assert.equal(sha256Forms(sha256Bytes("")).hex, VECTORS[0]!.hex);
});

test("Nix base32 round-trips any byte string and has the right length", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
      const text = toNixBase32(bytes);
      assert.equal(text.length, nixBase32Length(bytes.length));
      assert.ok([...text].every((c) => NIX_BASE32_ALPHABET.includes(c)));
      assert.deepEqual(fromNixBase32(text, bytes.length), bytes);
    }),
  );
});

test("Nix base32 refuses bad characters, lengths and non-canonical high bits", () => {
  const good = VECTORS[0]!.base32;
  for (const bad of [good.slice(1), `${good}0`, `e${good.slice(1)}`, `${good.slice(0, -1)}u`]) {
    assert.throws(
      () => fromNixBase32(bad, 32),
      (e) => e instanceof EkaError && e.code === "EKA_ID_INVALID",
    );
  }
  // 52 characters carry 260 bits; the top 4 bits of the first character must be zero.
  assert.throws(() => fromNixBase32(`z${good.slice(1)}`, 32), EkaError);
  assert.equal(toNixBase32(fromNixBase32(`1${good.slice(1)}`, 32)), `1${good.slice(1)}`);
});
