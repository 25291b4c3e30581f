/**
 * The content digest of an atom tree, "b3 tree" (protocol.md §3): git's object format with
 * BLAKE3 in place of SHA-1.
 *
 *   blob digest = BLAKE3("blob <size>\0" + bytes)
 *   tree digest = BLAKE3("tree <size>\0" + entries), entries in the order the tree stores them,
 *                 each `<mode> <name>\0<32-byte digest of the entry>`
 *
 * Modes are git's: `100644`, `100755`, `120000` (a symlink: a blob of its target) and `40000`.
 * A gitlink (`160000`, a submodule) is `EKA_SUBMODULE_IN_ATOM`; any other mode (old trees with
 * `100664` or zero-padded `040000`, which `git fsck --strict` rejects too) is
 * `EKA_OBJECT_INVALID`, never silently normalised.
 *
 * Computed from git objects alone, never a checkout: trees are read whole (they are small), blobs
 * are streamed through the hash as they come off the reader, so memory stays small whatever a
 * file's size. A tree's entries are all asked for before any answer is awaited (up to 512 blob
 * reads in flight), so the one `cat-file` process always has work queued. Objects met twice (same
 * oid) are hashed once per call.
 */
import {
  type B3Digest,
  b3DigestFromBytes,
  EkaError,
  type GitOid,
  showText,
} from "../core/index.ts";
import {
  type GitBackend,
  type ObjectSink,
  type ObjectType,
  parseTree,
  type TreeEntry,
} from "../git/index.ts";
import { type Blake3, blake3, createBlake3 } from "./blake3.ts";
import { Limit } from "./limit.ts";

/** What has been hashed so far in one `b3TreeDigest` call. */
export interface B3Progress {
  /** Objects (trees and blobs) hashed. */
  readonly objects: number;
  /** Their bytes, headers not counted. */
  readonly bytes: number;
}

export interface B3TreeDigestOptions {
  /** Called after each object is hashed, with the totals so far. */
  readonly onProgress?: (progress: B3Progress) => void;
}

const TREE_MODE = "40000";
const GITLINK_MODE = "160000";
const BLOB_MODES: ReadonlySet<string> = new Set(["100644", "100755", "120000"]);
/** Blob reads in flight at most: plenty to keep git busy, bounded memory for huge trees. */
const BLOB_READS_IN_FLIGHT = 512;

/** The b3 digest of the tree `tree` (a tree oid) in `repo`. */
export async function b3TreeDigest(
  repo: GitBackend,
  tree: GitOid,
  options: B3TreeDigestOptions = {},
): Promise<B3Digest> {
  return b3DigestFromBytes(await new TreeHasher(repo, options).tree(tree, ""));
}

class TreeHasher {
  readonly #repo: GitBackend;
  readonly #onProgress: ((progress: B3Progress) => void) | undefined;
  readonly #trees = new Map<GitOid, Promise<Uint8Array>>();
  readonly #blobs = new Map<GitOid, Promise<Uint8Array>>();
  readonly #reads = new Limit(BLOB_READS_IN_FLIGHT);
  #objects = 0;
  #bytes = 0;

  constructor(repo: GitBackend, options: B3TreeDigestOptions) {
    this.#repo = repo;
    this.#onProgress = options.onProgress;
  }

  /** The raw digest of a tree; `path` is where it sits in the atom ("" for the root). */
  tree(oid: GitOid, path: string): Promise<Uint8Array> {
    let digest = this.#trees.get(oid);
    if (digest === undefined) {
      digest = this.#hashTree(oid, path);
      this.#trees.set(oid, digest);
    }
    return digest;
  }

  blob(oid: GitOid, path: string): Promise<Uint8Array> {
    let digest = this.#blobs.get(oid);
    if (digest === undefined) {
      digest = this.#reads.run(() => this.#hashBlob(oid, path));
      this.#blobs.set(oid, digest);
    }
    return digest;
  }

  async #hashTree(oid: GitOid, path: string): Promise<Uint8Array> {
    const object = await this.#repo.readObject(oid);
    if (object.type !== "tree") throw wrongType(oid, path, "tree", object.type);
    const entries = parseTree(object.data, this.#repo.objectFormat);
    checkEntries(entries, path);
    // All children are asked for before any answer is awaited: the reader pipelines them.
    const digests = await Promise.all(
      entries.map((entry) => {
        const child = join(path, entry.name);
        return entry.mode === TREE_MODE ? this.tree(entry.oid, child) : this.blob(entry.oid, child);
      }),
    );
    this.#done(object.data.length);
    return blake3(encodeTree(entries, digests));
  }

  async #hashBlob(oid: GitOid, path: string): Promise<Uint8Array> {
    const sink = new BlobSink();
    await this.#repo.readObjectStream(oid, sink);
    if (sink.type !== "blob") throw wrongType(oid, path, "blob", sink.type);
    this.#done(sink.size);
    return sink.digest();
  }

  #done(bytes: number): void {
    this.#objects += 1;
    this.#bytes += bytes;
    this.#onProgress?.({ objects: this.#objects, bytes: this.#bytes });
  }
}

/** Blobs up to this size are collected and hashed in one call (cheaper for small ones). */
const SMALL_BLOB = 64 * 1024;

/** Hashes a blob as `blob <size>\0` + bytes while it streams; other types are noted, not hashed. */
class BlobSink implements ObjectSink {
  type: ObjectType | null = null;
  size = 0;
  #hash: Blake3 | null = null;
  #buffer: Buffer | null = null;
  #at = 0;

  begin(type: ObjectType, size: number): void {
    this.type = type;
    this.size = size;
    if (type !== "blob") return;
    const header = `blob ${size}\0`;
    if (size <= SMALL_BLOB) {
      this.#buffer = Buffer.allocUnsafe(header.length + size);
      this.#at = this.#buffer.write(header, "latin1");
    } else {
      this.#hash = createBlake3().update(Buffer.from(header, "latin1"));
    }
  }

  chunk(bytes: Uint8Array): void {
    if (this.#buffer !== null) {
      this.#buffer.set(bytes, this.#at);
      this.#at += bytes.length;
    } else {
      this.#hash?.update(bytes);
    }
  }

  digest(): Uint8Array {
    if (this.#buffer !== null) return blake3(this.#buffer);
    return this.#hash!.digest();
  }
}

function join(dir: string, name: string): string {
  return dir === "" ? name : `${dir}/${name}`;
}

/** Refuses gitlinks (all of this tree's, in one error) and modes outside the protocol. */
function checkEntries(entries: readonly TreeEntry[], path: string): void {
  const gitlinks = entries.filter((entry) => entry.mode === GITLINK_MODE);
  if (gitlinks.length > 0) {
    const paths = gitlinks.map((entry) => join(path, entry.name));
    const shown = paths.map((p) => showText(p, 200)).join(", ");
    throw new EkaError(
      "EKA_SUBMODULE_IN_ATOM",
      `the atom contains a git submodule (gitlink) at ${shown}: an atom's content must be its own files`,
      {
        where: paths[0]!,
        hint: "remove the submodule from the atom's directory (`git rm <path>`, or move it out), or copy its files into the atom",
        data: { paths, commits: gitlinks.map((entry) => entry.oid) },
      },
    );
  }
  for (const entry of entries) {
    if (entry.mode !== TREE_MODE && !BLOB_MODES.has(entry.mode)) {
      const at = showText(join(path, entry.name), 200);
      throw new EkaError("EKA_OBJECT_INVALID", `tree entry ${at} has mode ${entry.mode}`, {
        where: join(path, entry.name),
        hint: "git's modes are 100644, 100755, 120000 and 40000 (git fsck --strict rejects others): rewrite the tree, e.g. by committing the files again",
        data: { path: join(path, entry.name), mode: entry.mode },
      });
    }
  }
}

/** `tree <size>\0` then `<mode> <name>\0<32-byte digest>` for each entry, in the tree's order. */
function encodeTree(entries: readonly TreeEntry[], digests: readonly Uint8Array[]): Buffer {
  let size = 0;
  for (const entry of entries) size += entry.mode.length + entry.nameBytes.length + 2 + 32;
  const header = `tree ${size}\0`;
  const out = Buffer.allocUnsafe(header.length + size);
  let at = out.write(header, "latin1");
  for (const [i, entry] of entries.entries()) {
    at += out.write(entry.mode, at, "latin1");
    out[at++] = 0x20;
    out.set(entry.nameBytes, at);
    at += entry.nameBytes.length;
    out[at++] = 0;
    out.set(digests[i]!, at);
    at += 32;
  }
  return out;
}

function wrongType(
  oid: GitOid,
  path: string,
  expected: ObjectType,
  actual: ObjectType | null,
): EkaError {
  const what = path === "" ? `object ${oid}` : `${showText(path, 200)} (object ${oid})`;
  return new EkaError("EKA_OBJECT_INVALID", `${what} is a ${actual}, not a ${expected}`, {
    where: path === "" ? oid : path,
    hint:
      path === ""
        ? "give the oid of a tree (an atom's directory: `git rev-parse <commit>:<path>`)"
        : "the tree that names it is corrupt: run `git fsck`",
    data: { oid, expected, actual },
  });
}
