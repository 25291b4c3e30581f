/**
 * SHA-256 as Nix uses it: the digest's SRI form (`sha256-<base64>`, what the lock stores) and
 * Nix base32 (what `nix-hash --base32` and `nix-prefetch-url` print), and the flat hash of a file
 * (`nix-hash --flat`, `nix-prefetch-url`, `builtins.fetchurl`), read in large chunks, never
 * whole.
 */
import { createHash } from "node:crypto";
import { EkaError, parseSriHash, type SriHash, sriHashFromBytes } from "../core/index.ts";
import { NarWriter } from "./nar-writer.ts";
import { fromNixBase32, toNixBase32 } from "./nix-base32.ts";

/** A sha256 digest in the forms eka shows. */
export interface Sha256Forms {
  readonly sri: SriHash;
  /** Nix base32, 52 characters. */
  readonly base32: string;
  readonly hex: string;
}

export function sha256Forms(digest: Uint8Array): Sha256Forms {
  return {
    sri: sriHashFromBytes(digest),
    base32: toNixBase32(digest),
    hex: Buffer.from(digest.buffer, digest.byteOffset, digest.byteLength).toString("hex"),
  };
}

/** The 32 bytes of an SRI sha256 (checked). */
export function sha256FromSri(sri: string, where?: string): Uint8Array {
  const text = parseSriHash(sri, where);
  return new Uint8Array(Buffer.from(text.slice("sha256-".length), "base64"));
}

/** SRI from Nix base32 (`nix hash to-sri --type sha256 <base32>`). */
export function sriFromNixBase32(base32: string): SriHash {
  return sriHashFromBytes(fromNixBase32(base32, 32));
}

/** Nix base32 from SRI (`nix hash to-base32 <sri>`). */
export function nixBase32FromSri(sri: string): string {
  return toNixBase32(sha256FromSri(sri));
}

export function sha256Bytes(data: Uint8Array | string): Uint8Array {
  return new Uint8Array(createHash("sha256").update(data).digest());
}

/** The flat sha256 of the file at `path` (its bytes, as `nix-hash --flat --type sha256`). */
export async function sha256File(path: string): Promise<Uint8Array> {
  const writer = new NarWriter(createHash("sha256"));
  try {
    await writer.flatFile(path);
  } catch (error) {
    throw error instanceof EkaError
      ? error
      : new EkaError("EKA_IO", `cannot read ${path}: ${String(error)}`, {
          where: path,
          cause: error,
        });
  }
  return writer.digest();
}
