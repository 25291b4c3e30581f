/** The git layer: the port, its two implementations, ref names, transports, object encodings. */
export type {
  GitBackend,
  GitObject,
  ObjectFormat,
  ObjectSink,
  ObjectType,
  PushUpdate,
  RefUpdate,
  Remote,
  RemoteRef,
  TreeEntry,
} from "./backend.ts";
export { objectMissing, type RefConflict, refConflict } from "./backend-errors.ts";
export {
  GitBinaryBackend,
  type OpenRepositoryOptions,
  openRepository,
} from "./git-binary-backend.ts";
export { ensureBareRepository, type InitBareOptions } from "./init-bare.ts";
export { DEFAULT_LIST_TIMEOUT_MS, type ListingEvent } from "./ls-refs/ref-lister.ts";
export { MemoryBackend, type MemoryBackendOptions, MemoryNetwork } from "./memory-backend.ts";
export {
  type MirrorLister,
  type MirrorListerOptions,
  type MirrorRef,
  openMirrorLister,
  parseLsRemote,
} from "./mirror-refs.ts";
export {
  checkObject,
  checkOid,
  commitLinks,
  compareTreeEntries,
  encodeTree,
  hashObject,
  isValidIdent,
  parseTree,
  typeOfMode,
} from "./objects.ts";
export { checkRefName, isValidRefName } from "./refname.ts";
export {
  atomRef,
  atomsPrefix,
  contentPrefix,
  contentRef,
  EKALA_PREFIX,
  type EkalaRef,
  type EkalaRefValidators,
  INIT_REF,
  manifestRef,
  manifestsPrefix,
  originRef,
  originsPrefix,
  parseEkalaRef,
  type ValidEkalaRef,
  type VersionedRefKind,
  validateEkalaRef,
} from "./refs.ts";
export { splitRepoPath } from "./repo-path.ts";
export {
  checkRemoteUrl,
  isLocalPath,
  redactText,
  redactUrl,
  type TransportKind,
  transportOf,
} from "./transport.ts";
