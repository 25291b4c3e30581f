/**
 * Distinct types for the kinds of names and ids eka handles. They are all strings at run time,
 * but a git oid, a set id, an atom id and a b3 digest are never interchangeable: each is only
 * produced by the function that validates or computes it.
 */
import { EkaError } from "./errors.ts";

declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

/** A git object id: lowercase hex, 40 (SHA-1) or 64 (SHA-256) characters. */
export type GitOid = Brand<string, "GitOid">;
/** A set id: the object id of the set's init commit (hex). */
export type SetId = Brand<string, "SetId">;
/** An atom id: BLAKE3 keyed hash, base32hex lowercase without padding (52 characters). */
export type AtomId = Brand<string, "AtomId">;
/** A b3 tree digest (protocol.md §3), same text form as atom ids. */
export type B3Digest = Brand<string, "B3Digest">;
/** A validated, NFKC-normalised atom label. */
export type Label = Brand<string, "Label">;
/** A validated tag (metadata tags, set names). */
export type Tag = Brand<string, "Tag">;
/** A semver 2.0.0 version in its canonical text form (no leading `v`). */
export type Version = Brand<string, "Version">;

const OID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

export function isGitOid(value: string): value is GitOid {
  return OID.test(value);
}

/** Validates a git object id (as git prints it: lowercase hex). */
export function parseGitOid(value: string, where?: string): GitOid {
  if (!isGitOid(value)) {
    throw new EkaError("EKA_OID_INVALID", `not a git object id: ${JSON.stringify(value)}`, {
      ...(where === undefined ? {} : { where }),
      hint: "object ids are 40 (SHA-1) or 64 (SHA-256) lowercase hex characters",
    });
  }
  return value;
}

/** The set id named by an init commit's oid. */
export function setIdFromOid(oid: GitOid): SetId {
  return oid as string as SetId;
}

/** The init commit oid a set id names. */
export function oidOfSetId(id: SetId): GitOid {
  return id as string as GitOid;
}

/** All-zero oid of the given length: git's "does not exist" value in ref transactions. */
export function zeroOid(format: "sha1" | "sha256" = "sha1"): GitOid {
  return "0".repeat(format === "sha1" ? 40 : 64) as GitOid;
}
