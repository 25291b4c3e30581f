/**
 * The atom commit (protocol.md §4): a detached, reproducible commit whose tree is the atom
 * directory's own tree object from the source commit. Byte-exact:
 *
 *     tree <oid>
 *     author ekala <ekala@atom> 0 +0000
 *     committer ekala <ekala@atom> 0 +0000
 *     ekala-atom v1
 *     path <atom directory, relative to the repository root>
 *     content <b3 digest of the tree>
 *
 *     L@V
 *
 * No parent, no signature, no encoding header, one newline after the message. The same tree,
 * path, label and version give the same bytes (so the same commit id) from any source commit.
 */
import { parseB3Digest } from "./b3-digest.ts";
import { formatCommit, parseCommit } from "./commit.ts";
import { EkaError } from "./errors.ts";
import { parseLabel } from "./label.ts";
import { normaliseRepoPath } from "./repo-path.ts";
import { showText } from "./show-text.ts";
import type { B3Digest, GitOid, Label, Version } from "./types.ts";
import { parseVersion } from "./version.ts";

/** The fixed author and committer of every atom commit. */
export const ATOM_IDENT = "ekala <ekala@atom> 0 +0000";
/** The marker header of an atom commit: `ekala-atom v1`. */
export const ATOM_MARKER = ["ekala-atom", "v1"] as const;

export interface AtomCommitFields {
  /** The atom directory's tree oid in the source commit. */
  readonly tree: GitOid;
  /** The atom directory relative to the repository root, normalised (`pkgs/button`). */
  readonly path: string;
  /** The b3 digest of `tree`. */
  readonly content: B3Digest;
  readonly label: Label;
  readonly version: Version;
}

/** The bytes of the atom commit for these fields. A path that is not normalised is refused. */
export function formatAtomCommit(fields: AtomCommitFields): Uint8Array {
  if (fields.path.includes("\n")) {
    throw new EkaError(
      "EKA_PATH_INVALID",
      `atom path ${showText(fields.path)} contains a newline; it cannot be an atom commit header`,
      {
        hint: "rename the atom directory without line breaks",
        data: { path: fields.path },
      },
    );
  }
  if (normaliseRepoPath(fields.path) !== fields.path) {
    throw new EkaError(
      "EKA_PATH_INVALID",
      `atom path ${showText(fields.path)} is not in normal form (${showText(normaliseRepoPath(fields.path))})`,
      { hint: "atom paths are written relative to the repository root, e.g. pkgs/button" },
    );
  }
  return formatCommit({
    tree: fields.tree,
    parents: [],
    author: ATOM_IDENT,
    committer: ATOM_IDENT,
    extraHeaders: [ATOM_MARKER, ["path", fields.path], ["content", fields.content]],
    message: `${fields.label}@${fields.version}\n`,
  });
}

function notAtomCommit(reason: string): EkaError {
  return new EkaError("EKA_OBJECT_INVALID", `not an atom commit: ${reason}`, {
    hint: "an atom commit is written by `eka publish`, byte for byte as protocol.md §4 describes",
  });
}

/**
 * Reads an atom commit's fields back and checks that the bytes are exactly what those fields
 * produce (so a commit with a parent, another identity, a signature, extra headers or a different
 * message is refused). Throws `EKA_OBJECT_INVALID` saying what is wrong.
 */
export function readAtomCommit(bytes: Uint8Array): AtomCommitFields {
  let commit: ReturnType<typeof parseCommit>;
  try {
    commit = parseCommit(bytes);
  } catch (error) {
    throw notAtomCommit(error instanceof Error ? error.message : String(error));
  }
  const headers = new Map<string, string>();
  for (const [name, value] of commit.extraHeaders) {
    if (headers.has(name)) throw notAtomCommit(`header \`${name}\` appears twice`);
    headers.set(name, value);
  }
  if (headers.get(ATOM_MARKER[0]) !== ATOM_MARKER[1]) {
    throw notAtomCommit(`no \`${ATOM_MARKER.join(" ")}\` header`);
  }
  const path = headers.get("path");
  const content = headers.get("content");
  if (path === undefined || content === undefined) {
    throw notAtomCommit("the `path` or `content` header is missing");
  }
  const at = commit.message.lastIndexOf("@");
  if (at <= 0 || !commit.message.endsWith("\n")) {
    throw notAtomCommit(`the message ${showText(commit.message)} is not \`label@version\``);
  }
  let fields: AtomCommitFields;
  try {
    fields = {
      tree: commit.tree,
      path,
      content: parseB3Digest(content),
      label: parseLabel(commit.message.slice(0, at)),
      version: parseVersion(commit.message.slice(at + 1, -1)),
    };
  } catch (error) {
    throw notAtomCommit(error instanceof Error ? error.message : String(error));
  }
  let expected: Uint8Array;
  try {
    expected = formatAtomCommit(fields);
  } catch (error) {
    throw notAtomCommit(error instanceof Error ? error.message : String(error));
  }
  if (!sameBytes(expected, bytes)) {
    throw notAtomCommit("its bytes differ from the canonical atom commit of its own fields");
  }
  return fields;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
