/** Hashing atom content: the b3 tree digest (protocol.md §3) and the BLAKE3 it is built on. */
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
