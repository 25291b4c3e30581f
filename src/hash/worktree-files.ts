/**
 * The working-tree files that may stand in for their blobs when an atom's b3 digest is computed:
 * reading a checked-out file costs what `b3sum` pays, inflating its blob from git's object store
 * several times more. A file stands in for a blob only when git vouches that it holds exactly
 * the blob's bytes, the rule git itself follows before it reuses a work-tree file instead of a
 * blob (diff.c `reuse_worktree_file`):
 *
 * 1. it is looked at (`lstat`) where the commit's tree has a blob: it is of the entry's kind (a
 *    regular file, or a symlink whose target is the blob) and last changed more than
 *    `SETTLED_MS` before (so that any later write gives it another change time, whatever the
 *    clock's granularity);
 * 2. after every file was looked at, `git diff <commit>` does not list it: git found the file
 *    equal to the commit's blob, by its index stat data or, when those do not match or are
 *    racily clean, by its content;
 * 3. git looked indeed: its index entry is plain (stage 0, not assume-unchanged nor
 *    skip-worktree) with the tree entry's mode and blob (`GitBackend.plainIndexEntries`); and
 *    what git compared is the file's bytes: no attribute converts them, `core.autocrlf` is off
 *    and git's stat checks are not weakened (`convertedPaths`);
 * 4. when it is read, it is still the file that was looked at in 1 (device, inode, size, change
 *    and modification times, before and after the read: `b3-file-worker.ts`);
 * 5. its size is the blob's: a file checked out under a conversion since turned off
 *    (`core.autocrlf` or a filter removed, which git cannot see in stat-clean files) almost
 *    always has another length.
 *
 * So the bytes hashed are the bytes git compared in 2. What remains trusted is what git trusts:
 * that a write changes a file's stat data, and that the attributes and config in force are the
 * ones it was checked out with, or a conversion changes its length.
 *
 * The files are hashed (on worker threads, `b3-file-pool.ts`) as soon as they are looked at,
 * while git answers 2, 3 and 5; a digest counts only once every answer is in. Whatever fails a
 * step is read from git's objects, as is everything when there is no working tree, files under
 * 64 KiB and atoms under 16 MiB in all (for those the fixed costs outweigh the gain). A constant
 * number of git processes (`plainIndexEntries`: one, `convertedPaths`: two, `worktreeChanges`:
 * two), whatever the number of files.
 */
import { type BigIntStats, lstatSync } from "node:fs";
import { join } from "node:path";
import type { GitOid } from "../core/index.ts";
import type { GitBackend } from "../git/index.ts";
import { type FileStamp, hashFileBlob, startFilePool } from "./b3-file-pool.ts";

/** How long before it is looked at a file must have last changed to be read from disk. */
const SETTLED_MS = 2000n;
const TREE_MODE = "40000";
const BLOB_MODES: ReadonlySet<string> = new Set(["100644", "100755", "120000"]);
/**
 * Below this many bytes in all, no file is read from disk: git inflates that little in a few
 * tens of milliseconds, about what starting the worker threads costs.
 */
const MIN_BYTES = 16 * 1024 * 1024;
/**
 * Smaller files are read from git: for them the per-file cost (a look, a message to a worker,
 * open, two stats, close, a size check) outweighs inflating a small blob through the reader.
 */
const MIN_FILE_BYTES = 64 * 1024;

export interface WorktreeFilesOptions {
  /** Read nothing from disk when the candidate files hold fewer bytes (default 16 MiB). */
  readonly minBytes?: number;
  /** Read files smaller than this from git (default 64 KiB). */
  readonly minFileBytes?: number;
}

/** A blob's digest as hashed from its file, and the blob's size. */
export interface FileDigest {
  readonly digest: Uint8Array;
  readonly size: number;
}

interface Candidate {
  readonly mode: string;
  readonly oid: GitOid;
  readonly stamp: FileStamp;
}

export class WorktreeFiles {
  /** The commit the files are compared with. */
  readonly commit: GitOid;
  /** `repo.worktreeChanges(commit)`, as found in step 2: every path that differs, sorted. */
  readonly changes: Promise<readonly string[]>;
  readonly #candidates: ReadonlyMap<string, Candidate>;
  readonly #digests: ReadonlyMap<string, Promise<FileDigest | null>>;

  private constructor(
    commit: GitOid,
    changes: Promise<readonly string[]>,
    candidates: ReadonlyMap<string, Candidate>,
    digests: ReadonlyMap<string, Promise<FileDigest | null>>,
  ) {
    this.commit = commit;
    this.changes = changes;
    this.#candidates = candidates;
    this.#digests = digests;
    // Awaited by whoever wants them; a failure must not go unhandled meanwhile.
    changes.catch(() => {});
  }

  /**
   * The files where `commit` has blobs under the directories `paths` (repository-relative),
   * hashed when git vouches for them; none when the repository is bare. Also what differs from
   * `commit` anywhere in the working tree (`changes`), found once for both uses.
   */
  static async open(
    repo: GitBackend,
    commit: GitOid,
    paths: readonly string[],
    options: WorktreeFilesOptions = {},
  ): Promise<WorktreeFiles> {
    const root = repo.workTree;
    const candidates = new Map<string, Candidate>();
    const digests = new Map<string, Promise<FileDigest | null>>();
    if (root === null) {
      return new WorktreeFiles(commit, repo.worktreeChanges(commit), candidates, digests);
    }
    // 1: the commit's trees under `paths`, each blob's file looked at as its tree comes in.
    const settled = (BigInt(Date.now()) - SETTLED_MS) * 1_000_000n;
    const minFile = BigInt(options.minFileBytes ?? MIN_FILE_BYTES);
    let bytes = 0n;
    const look = (path: string, mode: string, oid: GitOid) => {
      let stat: BigIntStats;
      try {
        stat = lstatSync(join(root, path), { bigint: true });
      } catch {
        return;
      }
      const symlink = mode === "120000";
      if (symlink ? !stat.isSymbolicLink() : !stat.isFile()) return;
      if (stat.ctimeNs >= settled || stat.mtimeNs >= settled || stat.size < minFile) return;
      const { dev, ino, size, mtimeNs, ctimeNs } = stat;
      candidates.set(path, { mode, oid, stamp: { dev, ino, size, mtimeNs, ctimeNs, symlink } });
      bytes += size;
    };
    const walk = async (tree: GitOid, dir: string): Promise<void> => {
      const entries = await repo.readTree(tree);
      const subtrees: Promise<void>[] = [];
      for (const entry of entries) {
        // A name that is not valid UTF-8 cannot be named back exactly: left to the objects.
        if (!Buffer.from(entry.name, "utf8").equals(entry.nameBytes)) continue;
        const path = dir === "" ? entry.name : `${dir}/${entry.name}`;
        if (entry.mode === TREE_MODE) subtrees.push(walk(entry.oid, path));
        else if (BLOB_MODES.has(entry.mode)) look(path, entry.mode, entry.oid);
      }
      await Promise.all(subtrees);
    };
    // A failure here only costs speed: every blob is then read from git.
    await Promise.all(
      paths.map(async (path) => {
        const at = await repo.readPath(commit, path);
        if (at !== null && at.type === "tree") await walk(at.oid, path);
      }),
    ).catch(() => candidates.clear());
    if (bytes < BigInt(options.minBytes ?? MIN_BYTES)) candidates.clear();

    // 4 and 5 start now; 2 and 3 once the workers have their files (spawning a process blocks
    // this thread for milliseconds, and only after every look may git compare).
    if (candidates.size > 0) startFilePool();
    const hashed = new Map<string, Promise<FileDigest | null>>();
    for (const [path, file] of candidates) {
      const digest = hashFileBlob({ path: join(root, path), stamp: file.stamp });
      const info = repo.objectInfo(file.oid);
      const result = Promise.all([digest, info]).then(([raw, blob]) =>
        raw !== null && blob?.type === "blob" && BigInt(blob.size) === file.stamp.size
          ? { digest: raw, size: blob.size }
          : null,
      );
      hashed.set(
        path,
        result.catch(() => null),
      );
    }
    const nextTurn = new Promise<void>((resolve) => setImmediate(resolve));
    const changes = nextTurn.then(() => repo.worktreeChanges(commit));
    const vouched =
      candidates.size === 0
        ? Promise.resolve(new Set<string>())
        : nextTurn
            .then(() =>
              Promise.all([
                changes,
                repo.plainIndexEntries(paths),
                repo.convertedPaths([...candidates.keys()]),
              ]),
            )
            .then(
              ([changed, entries, converted]) => {
                const ok = new Set<string>();
                for (const [path, file] of candidates) {
                  const entry = entries.get(path);
                  if (entry?.mode === file.mode && entry.oid === file.oid) ok.add(path);
                }
                for (const path of changed) ok.delete(path);
                for (const path of converted) ok.delete(path);
                return ok;
              },
              () => new Set<string>(),
            );
    for (const [path, result] of hashed) {
      digests.set(
        path,
        Promise.all([result, vouched]).then(([digest, ok]) => (ok.has(path) ? digest : null)),
      );
    }
    return new WorktreeFiles(commit, changes, candidates, digests);
  }

  /** Files that may stand in for their blobs, before git's answers are in. */
  get size(): number {
    return this.#candidates.size;
  }

  /**
   * The digest of blob `oid` with `mode` at `path` (repository-relative) as hashed from its
   * file once git vouched for it; resolves to null when it did not; null when the file is not
   * a candidate at all. Either way null means: read the blob from git.
   */
  digestOf(path: string, mode: string, oid: GitOid): Promise<FileDigest | null> | null {
    const file = this.#candidates.get(path);
    if (file === undefined || file.oid !== oid || file.mode !== mode) return null;
    return this.#digests.get(path) ?? null;
  }
}
