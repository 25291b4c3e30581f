/**
 * Git object encodings, shared by both backends: object ids, tree entries (parse, order, encode)
 * and the checks `git fsck --strict` applies to trees, commits and tags.
 *
 * Why eka checks objects itself: before git 2.41, `git hash-object` (without `--literally`) only
 * parses an object loosely, and accepts commits and trees that `fsck --strict` rejects. Checking
 * here first keeps every object eka writes fsck-clean on every supported git, and gives errors
 * that name the problem instead of a corrupt repository later.
 */
import { createHash, type Hash } from "node:crypto";
import { EkaError } from "../core/errors.ts";
import type { GitOid } from "../core/types.ts";
import type { ObjectFormat, ObjectType, TreeEntry } from "./backend.ts";

const OBJECT_TYPES: ReadonlySet<string> = new Set(["blob", "tree", "commit", "tag"]);
/** The modes `fsck --strict` accepts. */
const TREE_MODES: ReadonlySet<string> = new Set(["100644", "100755", "120000", "40000", "160000"]);

export function isObjectType(value: string): value is ObjectType {
  return OBJECT_TYPES.has(value);
}

/** Hex length of an object id. */
export function oidHexLength(format: ObjectFormat): number {
  return format === "sha1" ? 40 : 64;
}

/** Validates an oid for this repository's format (`EKA_OID_INVALID` otherwise). */
export function checkOid(oid: string, format: ObjectFormat, where?: string): GitOid {
  const length = oidHexLength(format);
  if (oid.length !== length || !/^[0-9a-f]+$/.test(oid)) {
    throw new EkaError("EKA_OID_INVALID", `not a ${format} object id: ${JSON.stringify(oid)}`, {
      ...(where === undefined ? {} : { where }),
      hint: `${format} object ids are ${length} lowercase hex characters`,
    });
  }
  return oid as GitOid;
}

/** The object id git gives `data` as an object of `type`. */
export function hashObject(type: ObjectType, data: Uint8Array, format: ObjectFormat): GitOid {
  return startObjectHash(type, data.byteLength, format).update(data).digest("hex") as GitOid;
}

/**
 * An object id computed as the bytes come: git's header for an object of `type` and `size` is
 * already in; feed the `size` bytes with `update`, and `digest("hex")` is the object id.
 */
export function startObjectHash(type: ObjectType, size: number, format: ObjectFormat): Hash {
  return createHash(format === "sha1" ? "sha1" : "sha256").update(`${type} ${size}\0`);
}

/** The object type a tree entry mode names. */
export function typeOfMode(mode: string): ObjectType {
  if (mode === "40000") return "tree";
  if (mode === "160000") return "commit";
  return "blob";
}

function invalid(message: string, data?: Record<string, unknown>): never {
  throw new EkaError("EKA_OBJECT_INVALID", message, {
    hint: "git fsck --strict would reject this object; eka does not write it",
    ...(data === undefined ? {} : { data }),
  });
}

const decoder = new TextDecoder("utf-8", { fatal: false });

/** Parses a tree object's bytes (`<mode> <name>\0<raw oid>` entries). */
export function parseTree(data: Uint8Array, format: ObjectFormat): TreeEntry[] {
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const rawLength = oidHexLength(format) / 2;
  const entries: TreeEntry[] = [];
  let at = 0;
  while (at < bytes.length) {
    const space = bytes.indexOf(0x20, at);
    const nul = space === -1 ? -1 : bytes.indexOf(0, space + 1);
    if (space === -1 || nul === -1 || nul + 1 + rawLength > bytes.length) {
      invalid(`malformed tree object: truncated entry at byte ${at}`);
    }
    const mode = bytes.toString("latin1", at, space);
    if (!/^[0-7]+$/.test(mode)) invalid(`malformed tree object: bad mode ${JSON.stringify(mode)}`);
    const nameBytes = new Uint8Array(bytes.subarray(space + 1, nul));
    const oid = bytes.toString("hex", nul + 1, nul + 1 + rawLength) as GitOid;
    entries.push({ mode, type: typeOfMode(mode), oid, nameBytes, name: decoder.decode(nameBytes) });
    at = nul + 1 + rawLength;
  }
  return entries;
}

/** Git's tree order: names compared as bytes, a tree's name as if it ended with `/`. */
export function compareTreeEntries(
  a: Pick<TreeEntry, "mode" | "nameBytes">,
  b: Pick<TreeEntry, "mode" | "nameBytes">,
): number {
  const an = a.nameBytes;
  const bn = b.nameBytes;
  const common = Math.min(an.length, bn.length);
  for (let i = 0; i < common; i++) {
    const d = an[i]! - bn[i]!;
    if (d !== 0) return d;
  }
  const ac = an.length > common ? an[common]! : a.mode === "40000" ? 0x2f : 0;
  const bc = bn.length > common ? bn[common]! : b.mode === "40000" ? 0x2f : 0;
  return ac - bc;
}

// Code points HFS+ ignores when comparing names (git's is_hfs_dotgit).
const HFS_IGNORED = /[\u200c-\u200f\u202a-\u202e\u206a-\u206f\ufeff]/gu;

/** Whether a tree entry name would be `.git` on some file system (git's fsck `hasDotgit`). */
function isDotGit(name: string): boolean {
  const folded = name.replace(HFS_IGNORED, "").toLowerCase();
  const ntfs = folded.replace(/[ .]+$/u, "");
  return folded === ".git" || ntfs === ".git" || ntfs === "git~1";
}

const SYMLINK_FORBIDDEN = new Set([".gitmodules", ".gitattributes", ".gitignore", ".mailmap"]);

/** Checks entries against fsck's tree rules, except order and duplicates. */
function checkEntry(entry: Omit<TreeEntry, "type">, format: ObjectFormat): void {
  const shown = JSON.stringify(entry.name);
  if (!TREE_MODES.has(entry.mode)) {
    invalid(`tree entry ${shown} has mode ${entry.mode}`, { name: entry.name, mode: entry.mode });
  }
  checkOid(entry.oid, format, `tree entry ${shown}`);
  if (/^0+$/.test(entry.oid)) invalid(`tree entry ${shown} points at the null object id`);
  const bytes = entry.nameBytes;
  if (bytes.length === 0) invalid("tree entry with an empty name");
  if (bytes.includes(0x2f) || bytes.includes(0))
    invalid(`tree entry name ${shown} contains / or NUL`);
  if (entry.name === "." || entry.name === "..") invalid(`tree entry named ${shown}`);
  if (isDotGit(entry.name)) invalid(`tree entry ${shown} would be .git on some file systems`);
  if (entry.mode === "120000" && SYMLINK_FORBIDDEN.has(entry.name.toLowerCase())) {
    invalid(`tree entry ${shown} must not be a symbolic link`);
  }
}

/** Validates, sorts (git's order) and encodes tree entries into a tree object's bytes. */
export function encodeTree(
  entries: readonly Omit<TreeEntry, "type">[],
  format: ObjectFormat,
): Uint8Array {
  for (const entry of entries) checkEntry(entry, format);
  const sorted = [...entries].sort(compareTreeEntries);
  checkNoDuplicates(sorted);
  const parts: Buffer[] = [];
  for (const entry of sorted) {
    parts.push(Buffer.from(`${entry.mode} `, "latin1"), Buffer.from(entry.nameBytes));
    parts.push(Buffer.from([0]), Buffer.from(entry.oid, "hex"));
  }
  return new Uint8Array(Buffer.concat(parts));
}

function checkNoDuplicates(entries: readonly Pick<TreeEntry, "name" | "nameBytes">[]): void {
  const seen = new Set<string>();
  for (const entry of entries) {
    const key = Buffer.from(entry.nameBytes).toString("latin1");
    if (seen.has(key)) invalid(`duplicate tree entry ${JSON.stringify(entry.name)}`);
    seen.add(key);
  }
}

// `Name <email> <seconds> <+hhmm>` as fsck_ident accepts it.
const IDENT = /^[^<>\n]* <[^<>\n]*> (?:0|[1-9][0-9]*) [+-][0-9]{4}$/;

/** Whether `ident` is a valid author/committer/tagger value (fsck's rules). */
export function isValidIdent(ident: string): boolean {
  if (!IDENT.test(ident) || ident.startsWith("<")) return false;
  const seconds = ident.slice(ident.lastIndexOf(">") + 2, ident.lastIndexOf(" "));
  return Number(seconds) <= Number.MAX_SAFE_INTEGER;
}

/** Header lines (before the first empty line) and whether that part is well-formed for fsck. */
function headerLines(data: Uint8Array, type: string): string[] {
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  let end = bytes.indexOf("\n\n");
  if (end === -1) {
    if (bytes.length === 0 || bytes[bytes.length - 1] !== 0x0a)
      invalid(`${type}: unterminated header`);
    end = bytes.length - 1;
  }
  const head = bytes.subarray(0, end);
  if (head.includes(0)) invalid(`${type}: NUL byte in the header`);
  return head.toString("utf8").split("\n");
}

function headerOid(value: string, format: ObjectFormat, message: string): GitOid {
  if (value.length !== oidHexLength(format) || !/^[0-9a-f]+$/.test(value)) {
    invalid(`${message} ${JSON.stringify(value)}`);
  }
  return value as GitOid;
}

/** `tree` and `parent` oids of a commit (checked enough to walk history). */
export function commitLinks(
  data: Uint8Array,
  format: ObjectFormat,
): { tree: GitOid; parents: GitOid[] } {
  const lines = headerLines(data, "commit");
  const first = lines[0] ?? "";
  if (!first.startsWith("tree ")) invalid("commit: missing tree header");
  const tree = headerOid(first.slice(5), format, "commit: bad tree header");
  const parents: GitOid[] = [];
  for (let i = 1; i < lines.length && lines[i]!.startsWith("parent "); i++) {
    parents.push(headerOid(lines[i]!.slice(7), format, "commit: bad parent header"));
  }
  return { tree, parents };
}

function checkCommit(data: Uint8Array, format: ObjectFormat): void {
  const lines = headerLines(data, "commit");
  const { parents } = commitLinks(data, format);
  let i = 1 + parents.length;
  const author = lines[i++];
  if (author === undefined || !author.startsWith("author ")) invalid("commit: missing author");
  if (!isValidIdent(author.slice(7))) invalid(`commit: bad author ${JSON.stringify(author)}`);
  const committer = lines[i++];
  if (committer?.startsWith("author ")) invalid("commit: more than one author");
  if (committer === undefined || !committer.startsWith("committer ")) {
    invalid("commit: missing committer");
  }
  if (!isValidIdent(committer.slice(10))) {
    invalid(`commit: bad committer ${JSON.stringify(committer)}`);
  }
}

function checkTag(data: Uint8Array, format: ObjectFormat): void {
  const lines = headerLines(data, "tag");
  const [object, type, tag, tagger] = lines;
  if (!object?.startsWith("object ")) invalid("tag: missing object header");
  headerOid(object.slice(7), format, "tag: bad object header");
  if (!type?.startsWith("type ") || !isObjectType(type.slice(5))) invalid("tag: bad type header");
  if (!tag?.startsWith("tag ") || tag.length === 4) invalid("tag: missing tag name");
  if (tagger?.startsWith("tagger ") && !isValidIdent(tagger.slice(7))) {
    invalid(`tag: bad tagger ${JSON.stringify(tagger)}`);
  }
}

/** Checks an object as `git fsck --strict` would (`EKA_OBJECT_INVALID` when it would not pass). */
export function checkObject(type: ObjectType, data: Uint8Array, format: ObjectFormat): void {
  if (type === "tree") {
    const entries = parseTree(data, format);
    for (const entry of entries) checkEntry(entry, format);
    for (let i = 1; i < entries.length; i++) {
      if (compareTreeEntries(entries[i - 1]!, entries[i]!) >= 0) {
        invalid(`tree entries are not in git's order at ${JSON.stringify(entries[i]!.name)}`);
      }
    }
    checkNoDuplicates(entries);
  } else if (type === "commit") {
    checkCommit(data, format);
  } else if (type === "tag") {
    checkTag(data, format);
  }
}
