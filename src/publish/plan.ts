/**
 * The publish plan (protocol.md §4, step 5): a plain value that says, before anything is written,
 * what publishing would write, skip or refuse. `planPublish` computes it (reads only),
 * `applyPublish` writes it, `--dry-run` prints it.
 */
import type { B3Digest, Diagnostic, GitOid, Label, SetId, Version } from "../core/index.ts";
import type { Remote } from "../git/index.ts";

/** What happens to one atom. */
export type AtomAction =
  /** New: its refs are written. */
  | "publish"
  /** The target already holds exactly this atom commit for this version: nothing to write. */
  | "already-published"
  /** The target holds this version with other content: versions are immutable. */
  | "refused";

/** One ref to write: its full name and the object it points at. */
export interface PlannedRef {
  readonly ref: string;
  readonly oid: GitOid;
}

export interface PlannedAtom {
  readonly label: Label;
  readonly version: Version;
  /** The atom directory, relative to the repository root. */
  readonly path: string;
  /** The atom directory's tree in the source commit. */
  readonly tree: GitOid;
  /** The b3 digest of `tree`. */
  readonly content: B3Digest;
  /** The atom commit's id (computed; written only by `applyPublish`). */
  readonly commit: GitOid;
  /** The `atom.toml` blob in the source tree. */
  readonly manifest: GitOid;
  /**
   * The commit recorded as the origin: the source commit, or the origin this repository already
   * recorded for this very atom commit (a version published locally first keeps its provenance).
   */
  readonly origin: GitOid;
  readonly action: AtomAction;
  /** Refs to push to the remote, each leased to "must not exist" (only for `publish`). */
  readonly push: readonly PlannedRef[];
  /** Refs to create in this repository, those it does not already hold (only for `publish`). */
  readonly local: readonly PlannedRef[];
  /** For `refused`: where and why (names label, version, target and both commit ids). */
  readonly refusal?: Diagnostic;
  /** For `refused` and `already-published`: the atom commit the target holds, when it holds one. */
  readonly existing?: GitOid;
}

export interface PublishPlan {
  readonly setId: SetId;
  /** The revision as given (`HEAD` by default). */
  readonly rev: string;
  /** The source commit it names. */
  readonly source: GitOid;
  /** Where atoms are published; null: this repository only (no remote). */
  readonly remote: Remote | null;
  readonly atoms: readonly PlannedAtom[];
}

/** The plan without anything secret (the remote's URL may hold credentials): for output. */
export interface PublishPlanView {
  readonly setId: SetId;
  readonly rev: string;
  readonly source: GitOid;
  /** The remote's URL without credentials; null when publishing to this repository only. */
  readonly remote: string | null;
  readonly atoms: readonly PlannedAtom[];
}

export function viewPlan(plan: PublishPlan): PublishPlanView {
  return {
    setId: plan.setId,
    rev: plan.rev,
    source: plan.source,
    remote: plan.remote?.display ?? null,
    atoms: plan.atoms,
  };
}

/** Words for the place atoms go to, for messages. */
export function targetName(plan: Pick<PublishPlan, "remote">): string {
  return plan.remote === null ? "this repository" : plan.remote.display;
}
