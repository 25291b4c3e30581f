/**
 * Plain BLAKE3 (32-byte output) for bulk data: the b3 tree digest hashes every byte of an atom.
 *
 * The native implementation (`@napi-rs/blake-hash`: the reference Rust `blake3` crate, with its
 * SIMD dispatch, as prebuilt Node-API binaries for each platform) hashes ~4 GB/s here, as fast as
 * `b3sum --num-threads 1`; the best WebAssembly builds reach ~0.55 GB/s, pure JavaScript
 * ~0.03 GB/s. Where the native binary cannot load (a platform without one, optional dependencies
 * skipped at install), `@noble/hashes` (pure JavaScript, already used for ids) gives the same
 * digests, slowly. The native module is loaded on first use, not at import.
 */
import { createRequire } from "node:module";
import { blake3 as nobleBlake3 } from "@noble/hashes/blake3.js";

/** An incremental BLAKE3 hash: `update` any number of times, then `digest` once. */
export interface Blake3 {
  update(bytes: Uint8Array): Blake3;
  /** The 32-byte hash of everything given to `update`. */
  digest(): Uint8Array;
}

export type Blake3Implementation = "native" | "js";

/** The parts of `@napi-rs/blake-hash` used here. */
interface NativeModule {
  readonly Blake3Hasher: new () => {
    update(input: Uint8Array): unknown;
    digestBuffer(): Buffer;
  };
  blake3(input: Uint8Array): Buffer;
}

let native: NativeModule | null | undefined;

function loadNative(): NativeModule | null {
  if (native === undefined) {
    try {
      native = createRequire(import.meta.url)("@napi-rs/blake-hash") as NativeModule;
    } catch {
      native = null;
    }
  }
  return native;
}

/** The implementation `createBlake3()` uses on this machine. */
export function blake3Implementation(): Blake3Implementation {
  return loadNative() === null ? "js" : "native";
}

/** A new BLAKE3 hash, native when available (or the one asked for, when it is). */
export function createBlake3(implementation = blake3Implementation()): Blake3 {
  const module = implementation === "native" ? loadNative() : null;
  if (module !== null) {
    const hasher = new module.Blake3Hasher();
    const hash: Blake3 = {
      update(bytes) {
        hasher.update(bytes);
        return hash;
      },
      digest: () => new Uint8Array(hasher.digestBuffer()),
    };
    return hash;
  }
  const hasher = nobleBlake3.create();
  const hash: Blake3 = {
    update(bytes) {
      hasher.update(bytes);
      return hash;
    },
    digest: () => hasher.digest(),
  };
  return hash;
}

/**
 * BLAKE3 of `bytes` in one call: for small inputs, several times cheaper than an incremental
 * hash (one native call instead of an object with a finalizer and three calls).
 */
export function blake3(bytes: Uint8Array, implementation = blake3Implementation()): Uint8Array {
  const module = implementation === "native" ? loadNative() : null;
  return module === null ? nobleBlake3(bytes) : new Uint8Array(module.blake3(bytes));
}
