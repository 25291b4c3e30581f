/** b3 digests (protocol.md §3): a 32-byte BLAKE3 output as 52 base32hex characters. */
import { decodeBase32Hex, encodeBase32Hex } from "./base32hex.ts";
import { EkaError } from "./errors.ts";
import { showText } from "./show-text.ts";
import type { B3Digest } from "./types.ts";

export const DIGEST_BYTES = 32;
export const DIGEST_CHARS = 52;

/** True for the canonical 52-character base32hex form of 32 bytes. */
export function isDigestText(text: string): boolean {
  return text.length === DIGEST_CHARS && decodeBase32Hex(text)?.length === DIGEST_BYTES;
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
