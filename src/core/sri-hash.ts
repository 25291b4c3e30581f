/**
 * SRI hashes as Nix writes them (protocol.md §8): `sha256-` and the base64 of the 32-byte
 * digest (44 characters with one `=` of padding), in the canonical encoding only.
 */
import { EkaError } from "./errors.ts";
import { showText } from "./show-text.ts";
import type { Brand } from "./types.ts";

/** `sha256-<base64>`: a flat or NAR sha256 as Nix prints it. */
export type SriHash = Brand<string, "SriHash">;

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const SRI = /^sha256-[A-Za-z0-9+/]{43}=$/;

export const SRI_HINT =
  'a hash is written as Nix prints it: "sha256-" and 44 base64 characters, e.g. ' +
  '"sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="';

export function isSriHash(text: string): boolean {
  // 32 bytes leave 2 unused bits in the last character, which the canonical encoding zeroes.
  return SRI.test(text) && BASE64.indexOf(text.at(-2) ?? "") % 4 === 0;
}

export function parseSriHash(text: string, where?: string): SriHash {
  if (isSriHash(text)) return text as SriHash;
  throw new EkaError("EKA_ID_INVALID", `not a sha256 SRI hash: ${showText(text)}`, {
    ...(where === undefined ? {} : { where }),
    hint: SRI_HINT,
  });
}

/** The SRI form of a 32-byte sha256 digest. */
export function sriHashFromBytes(digest: Uint8Array): SriHash {
  if (digest.length !== 32) {
    throw new EkaError("EKA_INTERNAL", `a sha256 digest is 32 bytes, got ${digest.length}`);
  }
  return `sha256-${btoa(String.fromCharCode(...digest))}` as SriHash;
}
