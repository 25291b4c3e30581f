/**
 * Nix's base32, the form `nix-hash --base32` and `nix-prefetch-url` print: its own alphabet
 * (`0-9a-z` without `e o u t`) and its own bit order. The last character holds the lowest 5 bits
 * of the digest and the first character the highest, so it is not RFC 4648 base32 read backwards:
 * character `k` (from the end) is bits `5k … 5k+4` of the digest taken as a little-endian number.
 * A 32-byte sha256 is 52 characters.
 */
import { EkaError, showText } from "../core/index.ts";

export const NIX_BASE32_ALPHABET = "0123456789abcdfghijklmnpqrsvwxyz";

const VALUE = new Map<string, number>(Array.from(NIX_BASE32_ALPHABET, (c, i) => [c, i]));

/** The number of characters that encode `bytes` bytes. */
export function nixBase32Length(bytes: number): number {
  return Math.ceil((bytes * 8) / 5);
}

export function toNixBase32(bytes: Uint8Array): string {
  const length = nixBase32Length(bytes.length);
  let out = "";
  for (let n = length - 1; n >= 0; n--) {
    const bit = n * 5;
    const i = bit >> 3;
    const j = bit & 7;
    const low = bytes[i]! >> j;
    const high = i + 1 < bytes.length ? bytes[i + 1]! << (8 - j) : 0;
    out += NIX_BASE32_ALPHABET[(low | high) & 0x1f];
  }
  return out;
}

/**
 * The bytes `text` encodes, `size` of them (32 for sha256). Refuses characters outside the
 * alphabet, a wrong length, and set bits beyond the digest (a non-canonical encoding).
 */
export function fromNixBase32(text: string, size: number): Uint8Array {
  const invalid = (why: string) =>
    new EkaError("EKA_ID_INVALID", `not a Nix base32 hash of ${size} bytes: ${showText(text)}`, {
      hint: `${why}; a sha256 in Nix base32 is 52 characters of ${NIX_BASE32_ALPHABET}`,
    });
  if (text.length !== nixBase32Length(size)) throw invalid(`it has ${text.length} characters`);
  const out = new Uint8Array(size);
  for (let n = 0; n < text.length; n++) {
    const c = text[text.length - 1 - n]!;
    const digit = VALUE.get(c);
    if (digit === undefined) throw invalid(`${showText(c)} is not in the alphabet`);
    const bit = n * 5;
    const i = bit >> 3;
    const j = bit & 7;
    out[i]! |= (digit << j) & 0xff;
    const carry = digit >> (8 - j);
    if (i + 1 < size) out[i + 1]! |= carry;
    else if (carry !== 0) throw invalid("it sets bits beyond the digest");
  }
  return out;
}
