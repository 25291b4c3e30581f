/**
 * RFC 4648 §7 "base32hex", lowercase, without padding: the text form of atom ids and b3
 * digests (protocol.md §3). 32 bytes become 52 characters.
 */

const ALPHABET = "0123456789abcdefghijklmnopqrstuv";

export function encodeBase32Hex(bytes: Uint8Array): string {
  let out = "";
  let acc = 0;
  let bits = 0;
  for (const byte of bytes) {
    acc = (acc << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(acc >>> bits) & 31];
    }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(acc << (5 - bits)) & 31];
  return out;
}

/**
 * Decodes base32hex text, or returns null when it is not the canonical encoding of some bytes:
 * a character outside `0-9a-v` (uppercase and padding included), an impossible length, or
 * non-zero bits left over at the end.
 */
export function decodeBase32Hex(text: string): Uint8Array | null {
  if ([1, 3, 6].includes(text.length % 8)) return null;
  const out = new Uint8Array(Math.floor((text.length * 5) / 8));
  let acc = 0;
  let bits = 0;
  let n = 0;
  for (const ch of text) {
    const value = ALPHABET.indexOf(ch);
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
