/**
 * The checks of one locked atom that need no repository: each takes values already read (object
 * bytes, ref values, a recomputed digest) and returns named results with both values. Pure.
 */
import {
  type AtomCommitFields,
  atomId,
  type B3Digest,
  formatAtomCommit,
  type GitOid,
  type Label,
  type LockedAtom,
  oidOfSetId,
  parseAtomManifest,
  parseCommit,
  parseLabel,
  parseVersion,
  readInitCommit,
  type SetId,
  type Version,
} from "../core/index.ts";
import { type GitObject, hashObject, type ObjectFormat } from "../git/index.ts";
import { type CheckInput, type CheckResult, compare, fail, pass } from "./check.ts";

/** `label@version`: how checks name an atom. */
export function subjectOf(atom: { readonly label: string; readonly version: string }): string {
  return `${atom.label}@${atom.version}`;
}

/** The atom id recomputed from the set id and the label equals the lock's `id`. */
export function checkAtomId(atom: LockedAtom): CheckResult {
  const at = { subject: subjectOf(atom) };
  return compare("atom-id", at, "atom id", atomId(atom.set, atom.label), atom.id);
}

/** What an atom commit's headers and message say, read leniently (nothing validated yet). */
export interface RawAtomFields {
  readonly tree: GitOid;
  readonly path: string;
  /** The `content` header as written (it may not even be a digest). */
  readonly content: string;
  readonly label: string;
  readonly version: string;
}

export interface CommitCheck {
  readonly results: CheckResult[];
  /** The commit's fields when it could be read at all (even if some checks failed). */
  readonly fields: RawAtomFields | null;
}

const decoder = new TextDecoder("utf-8", { fatal: false });

/**
 * The locked `rev` as an object: present, a commit, hashing to `rev` (`commit-oid`); exactly the
 * bytes `formatAtomCommit` makes of its own fields (`commit-format`); naming the locked label and
 * version (`commit-atom`). `object` is null when no mirror delivered it.
 */
export function checkAtomCommit(
  atom: LockedAtom,
  object: GitObject | null,
  format: ObjectFormat,
): CommitCheck {
  const at = { subject: subjectOf(atom) };
  if (object === null) {
    return {
      results: [
        fail(
          "commit-oid",
          at,
          "the locked atom commit is in no mirror's answer and not in the cache",
          `commit ${atom.rev}`,
          "absent",
        ),
      ],
      fields: null,
    };
  }
  if (object.type !== "commit") {
    return {
      results: [
        fail(
          "commit-oid",
          at,
          "the locked rev is not a commit",
          `commit ${atom.rev}`,
          `${object.type} ${atom.rev}`,
        ),
      ],
      fields: null,
    };
  }
  const results: CheckResult[] = [
    compare(
      "commit-oid",
      at,
      "atom commit id",
      atom.rev,
      hashObject("commit", object.data, format),
    ),
  ];
  const fields = readRawAtomFields(object.data);
  if (typeof fields === "string") {
    results.push(
      fail("commit-format", at, "not an atom commit", "an atom commit (protocol.md §4)", fields),
    );
    return { results, fields: null };
  }
  results.push(checkCanonicalBytes(at, fields, object.data));
  results.push(
    compare("commit-atom", at, "atom commit message", subjectOf(atom), subjectOf(fields)),
  );
  return { results, fields };
}

/** The fields of an atom commit, or why they cannot be read. */
export function readRawAtomFields(data: Uint8Array): RawAtomFields | string {
  let commit: ReturnType<typeof parseCommit>;
  try {
    commit = parseCommit(data);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  const header = (name: string) => commit.extraHeaders.find(([n]) => n === name)?.[1];
  const path = header("path");
  const content = header("content");
  if (path === undefined || content === undefined) return "no `path` or `content` header";
  const message = commit.message.endsWith("\n") ? commit.message.slice(0, -1) : commit.message;
  const at = message.lastIndexOf("@");
  if (at <= 0) return `the message ${JSON.stringify(commit.message)} is not label@version`;
  return {
    tree: commit.tree,
    path,
    content,
    label: message.slice(0, at),
    version: message.slice(at + 1),
  };
}

function checkCanonicalBytes(at: CheckInput, fields: RawAtomFields, data: Uint8Array) {
  const actual = decoder.decode(data);
  let expected: string;
  try {
    if (
      parseLabel(fields.label) !== fields.label ||
      parseVersion(fields.version) !== fields.version
    ) {
      throw new Error(
        `the message names ${JSON.stringify(`${fields.label}@${fields.version}`)}, not a canonical label@version`,
      );
    }
    expected = decoder.decode(formatAtomCommit(fields as unknown as AtomCommitFields));
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return fail("commit-format", at, `its fields cannot make an atom commit: ${why}`, why, actual);
  }
  return expected === actual
    ? pass("commit-format", at, "the commit is exactly the atom commit of its fields")
    : fail(
        "commit-format",
        at,
        "the commit's bytes differ from the atom commit its fields make",
        JSON.stringify(expected),
        JSON.stringify(actual),
      );
}

/** The recomputed digest against the commit's `content` header and the lock's `content`. */
export function checkContent(
  atom: LockedAtom,
  fields: RawAtomFields,
  digest: B3Digest,
): CheckResult[] {
  const at = { subject: subjectOf(atom) };
  return [
    compare(
      "content-header",
      at,
      "b3 digest of the tree vs content header",
      fields.content,
      digest,
    ),
    compare(
      "content-lock",
      at,
      "b3 digest of the tree vs the lock's content",
      atom.content,
      digest,
    ),
  ];
}

/** The mirror's `content/L/V/<digest>` refs: exactly one, naming the recomputed digest. */
export function checkContentRef(
  atom: LockedAtom,
  mirror: string,
  refs: readonly { readonly digest: string; readonly oid: GitOid }[],
  digest: B3Digest,
): CheckResult {
  const at = { subject: subjectOf(atom), mirror };
  const named = refs.map((r) => r.digest).join(", ") || "no content ref";
  if (refs.length !== 1) {
    return fail("content-ref", at, "the mirror must have exactly one content ref", digest, named);
  }
  const ref = refs[0]!;
  if (ref.oid !== atom.rev) {
    return fail(
      "content-ref",
      at,
      "the content ref does not point at the locked atom commit",
      atom.rev,
      ref.oid,
    );
  }
  return compare("content-ref", at, "digest in the content ref", digest, ref.digest);
}

/** The mirror's `atoms/L/V` ref holds the locked rev. */
export function checkAtomRef(atom: LockedAtom, mirror: string, oid: GitOid | null): CheckResult {
  const at = { subject: subjectOf(atom), mirror };
  if (oid === null) {
    return fail("atom-ref", at, "the mirror does not serve this version", atom.rev, "absent");
  }
  return compare("atom-ref", at, "atom commit the mirror serves", atom.rev, oid);
}

/** The mirror's manifest ref holds the tree's `atom.toml` blob. */
export function checkManifestBlob(
  atom: LockedAtom,
  mirror: string,
  refOid: GitOid | null,
  treeBlob: GitOid | null,
): CheckResult {
  const at = { subject: subjectOf(atom), mirror };
  if (treeBlob === null) {
    return fail("manifest-blob", at, "the atom tree has no atom.toml", "atom.toml", "absent");
  }
  if (refOid === null) {
    return fail("manifest-blob", at, "the mirror has no manifest ref", treeBlob, "absent");
  }
  return compare("manifest-blob", at, "manifest ref vs the tree's atom.toml", treeBlob, refOid);
}

/** A manifest blob declares the label and version of the ref path it is under. */
export function checkManifestFields(
  at: CheckInput,
  label: Label,
  version: Version,
  text: string,
  file: string,
): CheckResult {
  const wanted = `${label}@${version}`;
  let declared: string;
  try {
    const manifest = parseAtomManifest(text, file);
    declared = `${manifest.label}@${manifest.version}`;
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return fail("manifest-fields", at, `the manifest does not parse: ${why}`, wanted, why);
  }
  return compare("manifest-fields", at, "label@version the manifest declares", wanted, declared);
}

/** The set id names a valid init commit whose bytes hash to the set id. */
export function checkInitCommit(
  setId: SetId,
  object: GitObject | null,
  format: ObjectFormat,
  at: CheckInput,
): CheckResult {
  const expected = `init commit ${setId}`;
  if (object === null) {
    return fail("init-commit", at, "the set's init commit is not available", expected, "absent");
  }
  if (object.type !== "commit") {
    return fail("init-commit", at, "the set id is not a commit", expected, object.type);
  }
  const oid = hashObject("commit", object.data, format);
  if (oid !== oidOfSetId(setId)) {
    return fail("init-commit", at, "the init commit's bytes hash to another id", setId, oid);
  }
  let init: ReturnType<typeof readInitCommit>;
  try {
    init = readInitCommit(object.data);
  } catch {
    init = null;
  }
  if (init === null) {
    return fail(
      "init-commit",
      at,
      "the set id's commit has no `ekala v1` and `entropy` headers",
      expected,
      `an ordinary commit ${setId}`,
    );
  }
  return pass("init-commit", at, `init commit ${setId} (entropy ${init.entropy})`);
}

/** The origin commit holds the atom's tree at the atom commit's path. */
export function checkOriginTree(
  atom: LockedAtom,
  mirror: string,
  path: string,
  tree: GitOid,
  atPath: GitOid | null,
): CheckResult {
  const at = { subject: subjectOf(atom), mirror };
  return compare(
    "origin-tree",
    at,
    `tree at ${path} in the origin commit`,
    tree,
    atPath ?? "absent",
  );
}
