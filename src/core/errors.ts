/**
 * The one error class of eka. Every failure a user can cause or meet is an `EkaError` with a
 * stable code from `ERROR_CODES` (append-only: never rename or reuse a code), a message that says
 * what went wrong, an optional `where` (file:line:col, label@version or a redacted URL), a hint
 * that says what to do, and optional structured data for `--json`.
 */

export const ERROR_CODES = [
  "EKA_INTERNAL",
  "EKA_USAGE",
  "EKA_IO",
  "EKA_NOT_A_REPO",
  "EKA_TOML_SYNTAX",
  "EKA_MANIFEST_INVALID",
  "EKA_LABEL_INVALID",
  "EKA_TAG_INVALID",
  "EKA_VERSION_INVALID",
  "EKA_PATH_INVALID",
  "EKA_ATOM_MISSING",
  "EKA_ATOM_EXISTS",
  "EKA_DUPLICATE_LABEL",
  "EKA_DUPLICATE_PATH",
  "EKA_NOT_INITIALIZED",
  "EKA_INIT_INVALID",
  "EKA_IDENTITY_MISMATCH",
  "EKA_DETACHED_HEAD",
  "EKA_REMOTE_INVALID",
  "EKA_TRANSPORT_REFUSED",
  "EKA_REMOTE_UNREACHABLE",
  "EKA_REF_CONFLICT",
  "EKA_GIT_FAILED",
  "EKA_OID_INVALID",
  "EKA_OBJECT_MISSING",
  "EKA_ID_INVALID",
  "EKA_OBJECT_INVALID",
  "EKA_REF_INVALID",
  "EKA_REQUIREMENT_INVALID",
  "EKA_URI_INVALID",
  "EKA_ALIAS_UNKNOWN",
  "EKA_LOCK_INVALID",
  "EKA_LOCK_VERSION_UNSUPPORTED",
  "EKA_CONFIG_INVALID",
  "EKA_SET_CONFLICT",
  "EKA_DEP_NOT_FOUND",
  "EKA_SUBMODULE_IN_ATOM",
  "EKA_SET_UNKNOWN",
  "EKA_REVISION_UNKNOWN",
  "EKA_NOT_DESCENDANT",
  "EKA_VERSION_IMMUTABLE",
  "EKA_PUBLISH_CONFLICT",
  "EKA_LOCK_OUT_OF_DATE",
  "EKA_SET_ID_CHANGED",
  "EKA_MIRRORS_DISAGREE",
  "EKA_NO_MATCHING_VERSION",
  "EKA_OFFLINE",
  "EKA_NOT_SUPPORTED",
  "EKA_VERIFY_FAILED",
  "EKA_FETCH_FAILED",
  "EKA_ARCHIVE_INVALID",
  "EKA_EVAL_FAILED",
  "EKA_BUILD_FAILED",
  "EKA_NIX_UNAVAILABLE",
  "EKA_DEP_AMBIGUOUS",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** A problem located in a file, as parsers report them (1-based line and column). */
export interface Diagnostic {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
  readonly hint?: string;
}

export interface EkaErrorInit {
  readonly where?: string;
  readonly hint?: string;
  readonly cause?: unknown;
  readonly data?: Readonly<Record<string, unknown>>;
  /** Several located problems reported at once (manifest validation). */
  readonly diagnostics?: readonly Diagnostic[];
}

export class EkaError extends Error {
  override readonly name = "EkaError";
  readonly code: ErrorCode;
  readonly where: string | undefined;
  readonly hint: string | undefined;
  readonly data: Readonly<Record<string, unknown>> | undefined;
  readonly diagnostics: readonly Diagnostic[];

  constructor(code: ErrorCode, message: string, init: EkaErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = code;
    this.where = init.where;
    this.hint = init.hint;
    this.data = init.data;
    this.diagnostics = init.diagnostics ?? [];
  }

  toJSON(): Record<string, unknown> {
    return {
      code: this.code,
      message: this.message,
      ...(this.where === undefined ? {} : { where: this.where }),
      ...(this.hint === undefined ? {} : { hint: this.hint }),
      ...(this.diagnostics.length === 0 ? {} : { diagnostics: this.diagnostics }),
      ...(this.data === undefined ? {} : { data: this.data }),
    };
  }
}

export function isEkaError(value: unknown): value is EkaError {
  return value instanceof EkaError;
}

/** `file:line:col` for a diagnostic. */
export function formatLocation(d: Pick<Diagnostic, "file" | "line" | "column">): string {
  return `${d.file}:${d.line}:${d.column}`;
}

/**
 * Process exit status for an error, by family: 2 for bad command-line use, 3 for invalid input
 * files or names, 4 for repository/identity state, 5 for git and network, 1 for the rest.
 */
export function exitCodeFor(code: ErrorCode): number {
  switch (code) {
    case "EKA_USAGE":
      return 2;
    case "EKA_TOML_SYNTAX":
    case "EKA_MANIFEST_INVALID":
    case "EKA_LABEL_INVALID":
    case "EKA_TAG_INVALID":
    case "EKA_VERSION_INVALID":
    case "EKA_PATH_INVALID":
    case "EKA_ATOM_MISSING":
    case "EKA_ATOM_EXISTS":
    case "EKA_DUPLICATE_LABEL":
    case "EKA_DUPLICATE_PATH":
    case "EKA_OID_INVALID":
    case "EKA_ID_INVALID":
    case "EKA_OBJECT_INVALID":
    case "EKA_REF_INVALID":
    case "EKA_SUBMODULE_IN_ATOM":
    case "EKA_REQUIREMENT_INVALID":
    case "EKA_URI_INVALID":
    case "EKA_ALIAS_UNKNOWN":
    case "EKA_LOCK_INVALID":
    case "EKA_LOCK_VERSION_UNSUPPORTED":
    case "EKA_CONFIG_INVALID":
    case "EKA_SET_CONFLICT":
    case "EKA_DEP_NOT_FOUND":
    case "EKA_DEP_AMBIGUOUS":
    case "EKA_SET_UNKNOWN":
    case "EKA_REVISION_UNKNOWN":
    case "EKA_ARCHIVE_INVALID":
      return 3;
    case "EKA_NOT_A_REPO":
    case "EKA_NOT_INITIALIZED":
    case "EKA_INIT_INVALID":
    case "EKA_IDENTITY_MISMATCH":
    case "EKA_DETACHED_HEAD":
    case "EKA_REF_CONFLICT":
    case "EKA_NOT_DESCENDANT":
    case "EKA_VERSION_IMMUTABLE":
    case "EKA_PUBLISH_CONFLICT":
    case "EKA_VERIFY_FAILED":
    case "EKA_LOCK_OUT_OF_DATE":
    case "EKA_SET_ID_CHANGED":
    case "EKA_MIRRORS_DISAGREE":
    case "EKA_NO_MATCHING_VERSION":
    case "EKA_OFFLINE":
      return 4;
    case "EKA_NOT_SUPPORTED":
    case "EKA_EVAL_FAILED":
    case "EKA_BUILD_FAILED":
    case "EKA_NIX_UNAVAILABLE":
      return 1;
    case "EKA_REMOTE_INVALID":
    case "EKA_TRANSPORT_REFUSED":
    case "EKA_REMOTE_UNREACHABLE":
    case "EKA_GIT_FAILED":
    case "EKA_OBJECT_MISSING":
    case "EKA_FETCH_FAILED":
      return 5;
    case "EKA_INTERNAL":
    case "EKA_IO":
      return 1;
  }
}
