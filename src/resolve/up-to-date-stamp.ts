/**
 * The memory of the last up-to-date check: a file in the user's cache naming an atom directory
 * and the exact bytes of the `atom.toml` and `atom.lock` that eka last found in agreement
 * (`lockIfUpToDate` accepted them: nothing to resolve, nothing to prune, canonical lock, every
 * lock rule, atom ids included). A no-op `eka resolve` that finds the same bytes again answers
 * "up to date" from it without loading the TOML parser, the lock reader or anything else: the
 * check is a pure function of those bytes, so its answer for them cannot have changed. The lock
 * format has no field for a digest of the manifest (protocol.md §7), hence the cache file.
 *
 * Anything that differs — a byte of either file, the directory, eka's version or install, the
 * stamp's own format — means no answer, and the full check runs (and records a new stamp).
 * Imports nothing but Node's own modules: it is the whole of what the fast path loads.
 */
import {
  closeSync,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";

/** Bump when what the up-to-date check accepts changes, so that old stamps stop answering. */
const FORMAT = "eka-up-to-date 1";
/** eka's version (src/cli/version.ts); kept equal by a test. */
export const STAMP_VERSION = "0.1.0";
/** Which eka wrote the stamp: two installs (or checkouts) never answer for each other. */
const INSTALL = import.meta.url;

interface Stamp {
  readonly format: string;
  readonly version: string;
  readonly install: string;
  readonly dir: string;
  readonly manifest: string;
  readonly lock: string;
  readonly deps: number;
}

/** Where stamps live: the user's cache directory (bin/eka's fallback for the compile cache). */
export function stampDir(env: NodeJS.ProcessEnv): string {
  const base = env["XDG_CACHE_HOME"] || `${env["HOME"] || "/tmp"}/.cache`;
  return join(base, "eka", "up-to-date");
}

/** FNV-1a (64 bits) of the directory: a file name. Collisions only cost a full check. */
function fileFor(root: string, dir: string): string {
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < dir.length; i++) {
    h ^= BigInt(dir.charCodeAt(i));
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return join(root, `${h.toString(16).padStart(16, "0")}.json`);
}

/**
 * How many dependencies the lock holds when eka last found exactly these bytes up to date in
 * `dir`, else null (no stamp, another pair, another eka, an unreadable file).
 */
export function stampedDeps(
  root: string,
  dir: string,
  manifestText: string,
  lockText: string,
): number | null {
  let stamp: Stamp;
  let fd: number | undefined;
  try {
    fd = openSync(fileFor(root, dir), "r");
    // Only a stamp this user wrote, that nobody else may change, answers (a cache under a
    // shared /tmp must not let another user declare a lock up to date).
    const stat = fstatSync(fd);
    if (stat.uid !== process.getuid?.() || (stat.mode & 0o022) !== 0) return null;
    stamp = JSON.parse(readFileSync(fd, "utf8")) as Stamp;
  } catch {
    return null;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  const same =
    stamp.format === FORMAT &&
    stamp.version === STAMP_VERSION &&
    stamp.install === INSTALL &&
    stamp.dir === dir &&
    stamp.manifest === manifestText &&
    stamp.lock === lockText &&
    Number.isSafeInteger(stamp.deps);
  return same ? stamp.deps : null;
}

/**
 * Records that `manifestText` and `lockText` in `dir` are up to date. The caller must have
 * established it with the full check. Best effort: a cache that cannot be written only means
 * the next no-op runs the full check.
 *
 * Written to a temporary file and renamed, never flushed (no fsync, which costs a cold resolve
 * milliseconds of waiting): after a crash the stamp is the old one, missing, empty or cut short,
 * and each of those answers nothing (`stampedDeps` compares the recorded bytes with the files'),
 * so a lost stamp only makes the next no-op run the full check.
 */
export function writeStamp(
  root: string,
  dir: string,
  manifestText: string,
  lockText: string,
  deps: number,
): void {
  const stamp: Stamp = {
    format: FORMAT,
    version: STAMP_VERSION,
    install: INSTALL,
    dir,
    manifest: manifestText,
    lock: lockText,
    deps,
  };
  const file = fileFor(root, dir);
  const temp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(root, { recursive: true, mode: 0o700 });
    // Only into a real directory of this user's that no one else may write (the fallback under
    // /tmp may have been made by someone else), and the temporary file created, never opened
    // through whatever already has its name (a planted symbolic link).
    const where = lstatSync(root);
    if (!where.isDirectory() || where.uid !== process.getuid?.() || (where.mode & 0o022) !== 0) {
      return;
    }
    writeFileSync(temp, JSON.stringify(stamp), { mode: 0o600, flag: "wx" });
    renameSync(temp, file);
  } catch {
    // The cache is an optimisation only.
  }
}
