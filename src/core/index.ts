/**
 * The pure core of eka: names, versions, ids, repository paths, manifests and their edits,
 * errors. No file system, no processes, no network. Other folders import only this file.
 */

export {
  ALIAS_NAME_HINT,
  ALIAS_TARGET_HINT,
  aliasNameProblem,
  aliasTargetProblem,
  BUILTIN_ALIASES,
  expandAlias,
  isAliasWord,
  RESERVED_ALIAS_NAMES,
  withBuiltinAliases,
} from "./alias.ts";
export {
  ATOM_IDENT,
  ATOM_MARKER,
  type AtomCommitFields,
  formatAtomCommit,
  readAtomCommit,
} from "./atom-commit.ts";
export { ATOM_ID_CONTEXT, atomId, atomIdDigest, deriveAtomKey, parseAtomId } from "./atom-id.ts";
export { ATOM_MANIFEST_FILE, type AtomManifest, parseAtomManifest } from "./atom-manifest.ts";
export { addSet, removeDependency, setDependency } from "./atom-manifest-edit.ts";
export type {
  AtomDepRequest,
  MirrorSet,
  NixDepRequest,
  NixSettings,
} from "./atom-manifest-types.ts";
export {
  ATOM_URI_HINT,
  type AtomSpec,
  type AtomUri,
  type AtomUriRequirement,
  formatAtomSpec,
  formatAtomUri,
  NEWEST_RELEASE,
  parseAtomSpec,
  parseAtomUri,
} from "./atom-uri.ts";
export { b3DigestFromBytes, isDigestText, parseB3Digest } from "./b3-digest.ts";
export { decodeBase32Hex, encodeBase32Hex } from "./base32hex.ts";
export { canonicalJson, type JsonValue } from "./canonical-json.ts";
export { checkDirectDepsEdit } from "./check-direct-deps-edit.ts";
export { compareCodePoints } from "./code-point-order.ts";
export { type CommitFields, formatCommit, parseCommit } from "./commit.ts";
export {
  buildConfig,
  type Config,
  type ConfigDigest,
  type ConfigLayer,
  type ConfigObject,
  configDigestOf,
  parseConfigAssignment,
  parseConfigFile,
} from "./config-digest.ts";
export { type NamedDep, selectDeps } from "./dep-selection.ts";
export { removeDirectDependency } from "./direct-dep-edit.ts";
export {
  DIRECT_DEPS_CLASH,
  DIRECT_DEPS_NAME,
  DIRECT_DEPS_OTHER_NAME,
} from "./direct-deps-name.ts";
export {
  EKALA_MANIFEST_FILE,
  type EkalaManifest,
  type PackagePath,
  parseEkalaManifest,
} from "./ekala-manifest.ts";
export {
  type Diagnostic,
  EkaError,
  type EkaErrorInit,
  ERROR_CODES,
  type ErrorCode,
  exitCodeFor,
  formatLocation,
  isEkaError,
} from "./errors.ts";
export {
  formatInitCommit,
  INIT_MARKER,
  INIT_MESSAGE,
  type InitCommitInfo,
  type InitCommitInput,
  readInitCommit,
} from "./init-commit.ts";
export { isLabel, LABEL_HINT, parseLabel } from "./label.ts";
export {
  formatLegacyUrl,
  LEGACY_URL_HINT,
  type LegacyUrl,
  parseLegacyUrl,
  refNameProblem,
} from "./legacy-url.ts";
export { canonicalLock, formatLock, parseLock } from "./lock.ts";
export {
  LOCK_FILE,
  LOCK_HEADER,
  LOCK_VERSION,
  LOCKED_DEP_TYPES,
  type Lock,
  type LockedAtom,
  type LockedDep,
  type LockedDepOf,
  type LockedDepType,
  type LockedNixBuild,
  type LockedNixDep,
  type LockedNixGit,
  type LockedNixTar,
  type LockedNixUrl,
  type LockedSet,
} from "./lock-types.ts";
export { addPackagePath } from "./manifest-edit.ts";
export {
  type NewAtomManifest,
  renderAtomManifest,
  renderEkalaManifest,
} from "./manifest-render.ts";
export type { Metadata } from "./metadata.ts";
export { LOCAL_MIRROR, mirrorProblem } from "./mirror.ts";
export { isRefComponent } from "./ref-component.ts";
export {
  checkRelativePath,
  type RelativePathCheck,
  type RelativePathRules,
} from "./relative-path.ts";
export { normaliseRepoPath } from "./repo-path.ts";
export {
  type CollectedEvent,
  type CollectingReport,
  collectingReport,
  type Report,
  silentReport,
} from "./report.ts";
export {
  ANY_VERSION,
  type Comparator,
  formatRequirement,
  highestMatch,
  isRequirement,
  matches,
  parseRequirement,
  REQUIREMENT_HINT,
  type Requirement,
  type RequirementOp,
} from "./requirement.ts";
export { parseSetId, setIdBytes } from "./set-id.ts";
export { describeChar, describeChars, showText } from "./show-text.ts";
export { isSriHash, parseSriHash, SRI_HINT, type SriHash, sriHashFromBytes } from "./sri-hash.ts";
export { closestWord } from "./suggest.ts";
export { isTag, parseTag, TAG_HINT } from "./tag.ts";
export {
  type PlainTable,
  type PlainValue,
  parseToml,
  readToml,
  type TomlResult,
  tomlToPlain,
} from "./toml.ts";
export { tomlString } from "./toml-string.ts";
export type {
  TomlArray,
  TomlEntry,
  TomlNode,
  TomlPos,
  TomlString,
  TomlTable,
} from "./toml-tree.ts";
export {
  type AtomId,
  type B3Digest,
  type Brand,
  type GitOid,
  isGitOid,
  type Label,
  oidOfSetId,
  parseGitOid,
  type SetId,
  setIdFromOid,
  type Tag,
  type Version,
  zeroOid,
} from "./types.ts";
export {
  MIRROR_FORMS_HINT,
  type MirrorScheme,
  resolveMirrorUrl,
  type UriMirror,
} from "./uri-mirror.ts";
export {
  compareVersions,
  isVersion,
  parseVersion,
  sortNewestFirst,
  VERSION_HINT,
} from "./version.ts";
