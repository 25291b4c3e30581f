/** Hashing: the b3 tree digest (protocol.md §3) and BLAKE3; NAR and flat sha256 as Nix computes them (§8). */
export {
  type B3Progress,
  type B3TreeDigestOptions,
  b3TreeDigest,
} from "./b3-tree-digest.ts";
export {
  type Blake3,
  type Blake3Implementation,
  blake3,
  blake3Implementation,
  createBlake3,
} from "./blake3.ts";
export { type NarHash, type NarHashOptions, narHashPath } from "./nar-hash.ts";
export { type NarStreamOptions, narHashStream } from "./nar-parse.ts";
export { type ByteSink, NAR_MAGIC, NarWriter, narString } from "./nar-writer.ts";
export {
  fromNixBase32,
  NIX_BASE32_ALPHABET,
  nixBase32Length,
  toNixBase32,
} from "./nix-base32.ts";
export {
  nixBase32FromSri,
  type Sha256Forms,
  sha256Bytes,
  sha256File,
  sha256Forms,
  sha256FromSri,
  sriFromNixBase32,
} from "./sha256.ts";
