/** Resolution (protocol.md §5–§7): requests, resolvers by kind, set listings, the lock kept in sync. */
export { type AddedDep, type AddOptions, type AddOutcome, addDeps } from "./add-deps.ts";
export { type DepTree, depTree, type TreeDep, type TreeSet } from "./dep-tree.ts";
export { type PairState, recordIfUpToDate } from "./lock-status.ts";
export { type OutdatedResult, type OutdatedRow, outdatedDeps } from "./outdated.ts";
export { JOURNAL, type PairFile, recoverPair, writePair } from "./pair-transaction.ts";
export { type LockPlan, type PendingRequest, planLock, requestKey } from "./plan-lock.ts";
export { findAtomDir, openProject, type Project } from "./project.ts";
export { readProjectTexts } from "./project-texts.ts";
export { type RemoveOptions, type RemoveOutcome, removeDeps } from "./remove-deps.ts";
export { requestsOf } from "./requests.ts";
export { type ResolveOptions, type ResolveOutcome, resolveProject } from "./resolve-project.ts";
export { isSatisfied, RESOLVERS, resolveDep } from "./resolvers/index.ts";
export { listSet, mergeListings, type SetToList, setPrefixes } from "./set-listing.ts";
export {
  type DepChange,
  describeLocked,
  diffLocks,
  MIRROR_TIMEOUT_MS,
  type SyncOptions,
  type SyncResult,
  syncLock,
} from "./sync-lock.ts";
export type {
  AtomCandidate,
  AtomRequest,
  DepKind,
  DepRequest,
  DepRequestOf,
  FetchSettings,
  NixBuildRequest,
  NixGitRequest,
  NixTarRequest,
  NixUrlRequest,
  ResolveContext,
  Resolver,
  Resolvers,
  SetView,
} from "./types.ts";
export { stampDir } from "./up-to-date-stamp.ts";
