export {
  type AssembledAtom,
  type AssembledSet,
  type AtomFile,
  assembleSet,
  diagnosticsOf,
  throwSetProblems,
} from "./assemble-set.ts";
export {
  type InitOptions,
  type InitOutcome,
  type InitResult,
  initRepository,
  readLocalIdentity,
} from "./init-repository.ts";
export { type NewAtomOptions, type NewAtomResult, newAtom, repoRelativePath } from "./new-atom.ts";
export { openWorkspace, type Workspace, withWorkspace } from "./open-workspace.ts";
export {
  ATOM_MANIFEST,
  EKALA_MANIFEST,
  readTextIfExists,
  readWorktreeSet,
  type WorktreeAtom,
  type WorktreeSet,
} from "./read-worktree-set.ts";
export { type StatusAtom, type WorkspaceStatus, workspaceStatus } from "./workspace-status.ts";
export { writeFileAtomic } from "./write-file-atomic.ts";
