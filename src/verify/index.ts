/** `eka verify` and `eka fetch`: every atom of a lock graph re-derived from git objects. */
export { type Ancestry, AncestryWalker } from "./ancestry.ts";
export {
  CHECK_NAMES,
  type CheckName,
  type CheckResult,
  type CheckStatus,
  describeCheck,
} from "./check.ts";
export {
  fetchSetForVerify,
  listingPrefixes,
  readCachedSet,
  type SetRequest,
  type SetViews,
} from "./fetch-for-verify.ts";
export { type MirrorView, readMirrorView } from "./mirror-view.ts";
export {
  type LockSource,
  type VerifyGraphOptions,
  type VerifyOutcome,
  verifyGraph,
} from "./verify-graph.ts";
export {
  assertVerified,
  cacheRepositoryPath,
  findLockFile,
  type VerifyRequest,
  type VerifyResult,
  verifyLockFile,
} from "./verify-lock-file.ts";
