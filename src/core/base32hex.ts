/**
 * RFC 4648 §7 "base32hex", lowercase, without padding: the text form of atom ids and b3
 * digests (protocol.md §3). 32 bytes become 52 characters.
 */

const ALPHABET = "0123456789abcdefghijklmnopqrstuv";
/** By UTF-16 code unit below 128: its value in ALPHABET, or -1. */
const VALUES = Int8Array.from({ length: 128 }, (_, c) => ALPHABET.indexOf(String.fromCharCode(c)));

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
  const rest = text.length % 8;
  if (rest === 1 || rest === 3 || rest === 6) return null;
  const out = new Uint8Array(Math.floor((text.length * 5) / 8));
  let acc = 0;
  let bits = 0;
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const value = VALUES[text.charCodeAt(i)] ?? -1;
    if (value < 0) return null;
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
