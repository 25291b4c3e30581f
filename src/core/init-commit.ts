/**
 * The init commit (protocol.md §2): an ordinary commit whose header carries `ekala v1` and
 * `entropy <64 hex>` after `committer`. Its object id is the set id.
 */

import { bytesToHex } from "@noble/hashes/utils.js";
import { type CommitFields, formatCommit, parseCommit } from "./commit.ts";
import { EkaError } from "./errors.ts";
import type { GitOid } from "./types.ts";

export const INIT_MARKER = ["ekala", "v1"] as const;
export const INIT_MESSAGE = "Initialize ekala repository identity\n";
const ENTROPY = /^[0-9a-f]{64}$/;

export interface InitCommitInput {
  readonly tree: GitOid;
  readonly parent: GitOid | null;
  readonly author: string;
  readonly committer: string;
  /** 32 random bytes. */
  readonly entropy: Uint8Array;
}

export function formatInitCommit(input: InitCommitInput): Uint8Array {
  if (input.entropy.length !== 32) {
    throw new EkaError("EKA_INTERNAL", "init commit entropy must be exactly 32 bytes");
  }
  return formatCommit({
    tree: input.tree,
    parents: input.parent === null ? [] : [input.parent],
    author: input.author,
    committer: input.committer,
    extraHeaders: [INIT_MARKER, ["entropy", bytesToHex(input.entropy)]],
    message: INIT_MESSAGE,
  });
}

export interface InitCommitInfo extends CommitFields {
  /** The entropy header's 64 hex characters. */
  readonly entropy: string;
}

/** Parses a commit and checks it is an init commit; null when it is not one. */
export function readInitCommit(data: Uint8Array): InitCommitInfo | null {
  const commit = parseCommit(data);
  const marker = commit.extraHeaders.find(([name]) => name === INIT_MARKER[0]);
  const entropy = commit.extraHeaders.find(([name]) => name === "entropy");
  if (marker?.[1] !== INIT_MARKER[1] || entropy === undefined || !ENTROPY.test(entropy[1])) {
    return null;
  }
  return { ...commit, entropy: entropy[1] };
}
