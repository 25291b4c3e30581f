/** b3 digests (protocol.md §3): a 32-byte BLAKE3 output as 52 base32hex characters. */
import { encodeBase32Hex } from "./base32hex.ts";
import { EkaError } from "./errors.ts";
import { showText } from "./show-text.ts";
import type { B3Digest } from "./types.ts";

export const DIGEST_BYTES = 32;
export const DIGEST_CHARS = 52;

/**
 * True for the canonical 52-character base32hex form of 32 bytes: `decodeBase32Hex` would give
 * 32 bytes. Checked in place (a ref listing holds thousands of digests): every character in
 * `0-9a-v`, and the last one's low 4 bits zero (52 × 5 = 260 bits, 4 more than 32 bytes).
 */
export function isDigestText(text: string): boolean {
  if (text.length !== DIGEST_CHARS) return false;
  let value = 0;
  for (let i = 0; i < DIGEST_CHARS; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) value = c - 48;
    else if (c >= 97 && c <= 118) value = c - 87;
    else return false;
  }
  return (value & 15) === 0;
}

export function digestTextProblem(text: string): string {
  if (text.length !== DIGEST_CHARS)
    return `it is ${text.length} characters long, not ${DIGEST_CHARS}`;
  if (/[^0-9a-v]/.test(text)) return "it has characters outside 0-9 and a-v (lowercase base32hex)";
  return "its last character carries bits that a 32-byte value cannot have";
}

/** The text form of a 32-byte BLAKE3 digest. */
export function b3DigestFromBytes(bytes: Uint8Array): B3Digest {
  if (bytes.length !== DIGEST_BYTES) {
    throw new EkaError("EKA_INTERNAL", `a b3 digest is ${DIGEST_BYTES} bytes, got ${bytes.length}`);
  }
  return encodeBase32Hex(bytes) as B3Digest;
}

export function parseB3Digest(text: string, where?: string): B3Digest {
  if (isDigestText(text)) return text as B3Digest;
  throw new EkaError(
    "EKA_ID_INVALID",
    `not a b3 digest: ${showText(text)}: ${digestTextProblem(text)}`,
    {
      ...(where === undefined ? {} : { where }),
      hint: "a b3 digest is 52 lowercase base32hex characters (0-9, a-v), as eka prints it",
    },
  );
}
