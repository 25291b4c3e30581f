/**
 * The working-tree files that may stand in for their blobs when an atom's b3 digest is computed:
 * reading a checked-out file costs what `b3sum` pays, inflating its blob from git's object store
 * several times more. A file stands in for a blob only when git vouches that it holds exactly
 * the blob's bytes, the rule git itself follows before it reuses a work-tree file instead of a
 * blob (diff.c `reuse_worktree_file`):
 *
 * 1. its index entry is plain (stage 0, not assume-unchanged nor skip-worktree), with the tree
 *    entry's exact mode and blob, git's full stat checks are in force and `core.autocrlf` is off
 *    (`GitBackend.plainIndexEntries`), and no attribute converts its bytes (`convertedPaths`);
 * 2. it is of the entry's kind (a regular file, or a symlink whose target is the blob) and was
 *    last changed more than `SETTLED_MS` before it is looked at (so that any later write gives
 *    it another change time, whatever the clock's granularity);
 * 3. after that look, `git diff <commit>` does not list it: git found the file equal to the
 *    commit's blob, by its index stat data or, when those do not match or are racily clean, by
 *    its content;
 * 4. when it is read, it is still the file that was looked at in 2 (device, inode, size, change
 *    and modification times, before and after the read: `b3-file-worker.ts`);
 * 5. its size is the blob's (`b3-tree-digest.ts` asks git): a file checked out under a
 *    conversion since turned off (`core.autocrlf` or a filter removed, which git cannot see in
 *    stat-clean files) almost always has another length.
 *
 * So the bytes hashed are the bytes git compared in 3. What remains trusted is what git trusts:
 * that a write changes a file's stat data, and that the attributes and config in force are the
 * ones it was checked out with, or a conversion changes its length.
 *
 * The files are read while the answers of 1 (attributes) and 3 are awaited: a digest counts only
 * once they are in (`allows`). Whatever fails a step is read from git's objects, as is
 * everything when there is no working tree. A constant number of git processes
 * (`plainIndexEntries`: two, `convertedPaths`: one, `worktreeChanges`: two), whatever the number
 * of files.
 */
import { lstatSync } from "node:fs";
import { join } from "node:path";
import type { GitOid } from "../core/index.ts";
import type { GitBackend } from "../git/index.ts";
import { type FileJob, type FileStamp, startFilePool } from "./b3-file-pool.ts";

/** How long before it is looked at a file must have last changed to be read from disk. */
const SETTLED_MS = 2000n;
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

interface Candidate {
  readonly mode: string;
  readonly oid: GitOid;
  readonly stamp: FileStamp;
}

export class WorktreeFiles {
  /** The commit the files are compared with. */
  readonly commit: GitOid;
  /** `repo.worktreeChanges(commit)`, as found in step 3: every path that differs, sorted. */
  readonly changes: Promise<readonly string[]>;
  readonly #root: string;
  readonly #candidates: ReadonlyMap<string, Candidate>;
  /** The candidates that passed every step git answers (1: attributes, 3). */
  readonly #vouched: Promise<ReadonlySet<string>>;

  private constructor(
    commit: GitOid,
    changes: Promise<readonly string[]>,
    root: string,
    candidates: ReadonlyMap<string, Candidate>,
    vouched: Promise<ReadonlySet<string>>,
  ) {
    this.commit = commit;
    this.changes = changes;
    this.#root = root;
    this.#candidates = candidates;
    this.#vouched = vouched;
    // Awaited by whoever wants them; a failure must not go unhandled meanwhile.
    changes.catch(() => {});
  }

  /**
   * The files under the directories `paths` (repository-relative) that may hold what `commit`
   * holds at the same path; none when the repository is bare. Also what differs from `commit`
   * anywhere in the working tree (`changes`), found once for both uses.
   */
  static async open(
    repo: GitBackend,
    commit: GitOid,
    paths: readonly string[],
    options: WorktreeFilesOptions = {},
  ): Promise<WorktreeFiles> {
    const root = repo.workTree;
    const candidates = new Map<string, Candidate>();
    if (root === null) {
      const none = Promise.resolve(new Set<string>());
      return new WorktreeFiles(commit, repo.worktreeChanges(commit), "", candidates, none);
    }
    // Failing to learn which entries are plain only costs speed: every blob is read from git.
    const entries = await repo.plainIndexEntries(paths).catch(() => new Map<string, never>());
    const settled = (BigInt(Date.now()) - SETTLED_MS) * 1_000_000n;
    const minFile = BigInt(options.minFileBytes ?? MIN_FILE_BYTES);
    let bytes = 0n;
    for (const [path, entry] of entries) {
      if (!BLOB_MODES.has(entry.mode)) continue;
      let stat: import("node:fs").BigIntStats;
      try {
        stat = lstatSync(join(root, path), { bigint: true });
      } catch {
        continue;
      }
      const symlink = entry.mode === "120000";
      if (symlink ? !stat.isSymbolicLink() : !stat.isFile()) continue;
      if (stat.ctimeNs >= settled || stat.mtimeNs >= settled || stat.size < minFile) continue;
      const stamp: FileStamp = {
        dev: stat.dev,
        ino: stat.ino,
        size: stat.size,
        mtimeNs: stat.mtimeNs,
        ctimeNs: stat.ctimeNs,
        symlink,
      };
      candidates.set(path, { mode: entry.mode, oid: entry.oid, stamp });
      bytes += stat.size;
    }
    if (bytes < BigInt(options.minBytes ?? MIN_BYTES)) candidates.clear();
    if (candidates.size > 0) startFilePool();
    // Only now, after every candidate was looked at (2), does git compare (3).
    const changes = repo.worktreeChanges(commit);
    const vouched =
      candidates.size === 0
        ? Promise.resolve(new Set<string>())
        : Promise.all([changes, repo.convertedPaths([...candidates.keys()])]).then(
            ([changed, converted]) => {
              const ok = new Set(candidates.keys());
              for (const path of changed) ok.delete(path);
              for (const path of converted) ok.delete(path);
              return ok;
            },
            () => new Set<string>(),
          );
    return new WorktreeFiles(commit, changes, root, candidates, vouched);
  }

  /** Files that may stand in for their blobs, before git's answers are in. */
  get size(): number {
    return this.#candidates.size;
  }

  /**
   * How to hash the file at `path` if it may stand in for blob `oid` with `mode`, else null;
   * its digest counts only if `allows(path)` then says so.
   */
  job(path: string, mode: string, oid: GitOid): FileJob | null {
    const file = this.#candidates.get(path);
    if (file === undefined || file.oid !== oid || file.mode !== mode) return null;
    return { path: join(this.#root, path), stamp: file.stamp };
  }

  /** Whether git vouches the file at `path` holds its blob (steps 1 and 3). */
  async allows(path: string): Promise<boolean> {
    return (await this.#vouched).has(path);
  }
}
