/**
 * The pure core of eka: names, versions, ids, repository paths, manifests and their edits,
 * errors. No file system, no processes, no network. Other folders import only this file.
 */

export { ATOM_ID_CONTEXT, atomId, atomIdDigest, deriveAtomKey, parseAtomId } from "./atom-id.ts";
export { ATOM_MANIFEST_FILE, type AtomManifest, parseAtomManifest } from "./atom-manifest.ts";
export type {
  AtomDepRequest,
  MirrorSet,
  NixDepRequest,
  NixSettings,
} from "./atom-manifest-types.ts";
export { b3DigestFromBytes, isDigestText, parseB3Digest } from "./b3-digest.ts";
export { decodeBase32Hex, encodeBase32Hex } from "./base32hex.ts";
export { type CommitFields, formatCommit, parseCommit } from "./commit.ts";
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
export { parseSetId, setIdBytes } from "./set-id.ts";
export { describeChar, describeChars, showText } from "./show-text.ts";
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
export { compareVersions, isVersion, parseVersion, VERSION_HINT } from "./version.ts";
