/**
 * The git port: everything eka asks of a repository and its remotes. The production adapter
 * (`GitBinaryBackend`) drives the `git` binary with long-lived batch processes; the in-memory
 * double (`MemoryBackend`) is for unit tests and checks the same invariants.
 */
import type { GitOid } from "../core/types.ts";

export type ObjectType = "blob" | "tree" | "commit" | "tag";
export type ObjectFormat = "sha1" | "sha256";

export interface GitObject {
  readonly oid: GitOid;
  readonly type: ObjectType;
  readonly data: Uint8Array;
}

/**
 * Receives one object as git sends it (`GitBackend.readObjectStream`): `begin` once with the
 * type and size, then the bytes in order, in pieces. A piece is a view that is only valid during
 * the call (copy it to keep it). What a sink throws fails the read, after the object's bytes have
 * been read past, so the reader stays usable.
 */
export interface ObjectSink {
  begin(type: ObjectType, size: number): void;
  chunk(bytes: Uint8Array): void;
}

export interface TreeEntry {
  /** git's mode string: 100644, 100755, 120000, 40000, 160000. */
  readonly mode: string;
  readonly type: ObjectType;
  readonly oid: GitOid;
  /** The entry name as git stores it (bytes), and decoded as UTF-8 for display. */
  readonly nameBytes: Uint8Array;
  readonly name: string;
}

/** One change in an atomic local ref transaction. */
export type RefUpdate =
  /** Create `ref`; fails when it already exists. */
  | { readonly kind: "create"; readonly ref: string; readonly oid: GitOid }
  /** Move `ref` from `old` to `oid`; fails when it does not hold `old` (a lease). */
  | { readonly kind: "update"; readonly ref: string; readonly oid: GitOid; readonly old: GitOid }
  /** Delete `ref`; fails when it does not hold `old`. */
  | { readonly kind: "delete"; readonly ref: string; readonly old: GitOid };

/**
 * One ref of an atomic push, leased: `expect` null means "must not exist on the remote". As in
 * git, a ref that already holds exactly `oid` is up to date and not a conflict (so a push that is
 * retried after it succeeded is a no-op); any other value than `expect` rejects the whole push.
 */
export interface PushUpdate {
  readonly ref: string;
  readonly oid: GitOid;
  readonly expect: GitOid | null;
}

export interface RemoteRef {
  readonly ref: string;
  readonly oid: GitOid;
}

/** A remote as the user named it: a configured remote's name, or a URL/path. */
export interface Remote {
  /** The configured remote name, when one was given. */
  readonly name: string | null;
  /** The URL git will use (after `insteadOf`), validated to an allowed transport. */
  readonly url: string;
  /** The URL with any credentials removed, for messages. */
  readonly display: string;
}

export interface GitBackend {
  /** Absolute path of the git directory. */
  readonly gitDir: string;
  /** Absolute path of the working tree; null for a bare repository. */
  readonly workTree: string | null;
  readonly objectFormat: ObjectFormat;

  /** The oid a ref (full name, or `HEAD`) points at; null when absent or unborn. */
  resolveRef(ref: string): Promise<GitOid | null>;
  /** The branch HEAD points at (`refs/heads/…`), or null when HEAD is detached. */
  headBranch(): Promise<string | null>;
  /**
   * The commit a revision names (`HEAD`, a branch or tag name, an oid, `HEAD~1`…; tags are peeled),
   * for `--rev`; null when it names no commit. Never read as an option.
   */
  resolveCommit(revision: string): Promise<GitOid | null>;
  /** This repository's refs under the given prefixes (all refs when empty), sorted by name. */
  listRefs(prefixes: readonly string[]): Promise<RemoteRef[]>;

  readObject(oid: GitOid): Promise<GitObject>;
  /**
   * Reads one object without holding it whole: its bytes go to `sink` as they arrive, so memory
   * stays small whatever the object's size. Resolves once all bytes were given and found to hash
   * to `oid`; rejects with `EKA_OBJECT_INVALID` when they do not (after `sink` got them: whatever
   * it made of them must be dropped), and with `EKA_OBJECT_MISSING` before `begin` when absent.
   * Reads may be issued without waiting: they share one process and are answered in order.
   */
  readObjectStream(oid: GitOid, sink: ObjectSink): Promise<void>;
  hasObject(oid: GitOid): Promise<boolean>;
  readTree(oid: GitOid): Promise<TreeEntry[]>;
  /** The entry at `path` (slash-separated) inside a commit's or tree's tree; null when absent. */
  readPath(
    treeish: GitOid,
    path: string,
  ): Promise<{ mode: string; type: ObjectType; oid: GitOid } | null>;
  /** Writes one object (validated by git) and returns its oid. */
  writeObject(type: ObjectType, data: Uint8Array): Promise<GitOid>;
  /** Writes a tree from entries (sorted by git's rules here) and returns its oid. */
  writeTree(entries: readonly Omit<TreeEntry, "type">[]): Promise<GitOid>;

  /** Applies all updates in one atomic transaction; a failed lease is `EKA_REF_CONFLICT`. */
  updateRefs(updates: readonly RefUpdate[], message: string): Promise<void>;
  /** Sets `path`'s index entry (for commits eka makes on the current branch). */
  stageEntry(path: string, mode: string, oid: GitOid): Promise<void>;
  isAncestor(ancestor: GitOid, descendant: GitOid): Promise<boolean>;
  /**
   * Paths (relative to the root, `/`-separated) where the working tree differs from `commit`:
   * tracked files changed, added or removed, and untracked files that are not ignored. Empty for
   * a bare repository. Never writes (no opportunistic index refresh).
   */
  worktreeChanges(commit: GitOid): Promise<string[]>;
  /** `Name <email> <unix-time> <tz>` as git would write it now. */
  ident(kind: "author" | "committer"): Promise<string>;

  /** Resolves and validates a remote name or URL (refusing `ext::` and other transports). */
  resolveRemote(nameOrUrl: string): Promise<Remote>;
  /** The remote's refs under the given prefixes (all refs when empty). */
  listRemoteRefs(remote: Remote, prefixes: readonly string[]): Promise<RemoteRef[]>;
  /** Fetches `refspecs` from the remote into this repository. */
  fetch(remote: Remote, refspecs: readonly string[]): Promise<void>;
  /** One atomic push of all updates, each leased; a rejected lease is `EKA_REF_CONFLICT`. */
  push(remote: Remote, updates: readonly PushUpdate[]): Promise<void>;

  /** Ends the long-lived processes. Safe to call twice. */
  close(): Promise<void>;
}
