/**
 * The start path of `eka resolve` when the lock is already up to date: answered before the rest
 * of eka is loaded, so that the most frequent resolve — the one that changes nothing — costs
 * little more than starting Node. It loads one module besides this one
 * (`resolve/up-to-date-stamp.ts`, imported directly rather than through `resolve/index.ts`,
 * which would load all of resolution): no TOML parser, no lock reader, no git, no settings.
 *
 * It answers only when `atom.toml` and `atom.lock` are byte for byte a pair that the full check
 * found up to date earlier (the stamp), and no interrupted update waits for repair. Anything
 * else — other arguments, another pair, no stamp, a journal, an unreadable file — returns null
 * and `main` runs the full check, which records a stamp when the pair is up to date. A broken
 * user configuration file is reported by the next command that needs it, not by this one.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { stampDir, stampedDeps } from "../resolve/up-to-date-stamp.ts";
import type { Sink } from "./render.ts";

const FLAGS = new Set(["--locked", "--offline", "--json", "--quiet", "-q"]);
/** As core's ATOM_MANIFEST_FILE, LOCK_FILE and resolve's JOURNAL (a test keeps them equal). */
export const FAST_FILES = { manifest: "atom.toml", lock: "atom.lock", journal: ".eka-txn" };

/** `findAtomDir` without its error: the nearest directory at or above `cwd` with atom.toml. */
function atomDir(cwd: string): string | null {
  let dir = resolve(cwd);
  for (;;) {
    if (existsSync(join(dir, FAST_FILES.manifest))) return dir;
    const parent = dirname(dir);
    if (parent === dir || existsSync(join(dir, ".git")) || existsSync(join(dir, "ekala.toml")))
      return null;
    dir = parent;
  }
}

/** The exit code when `argv` is a no-op `eka resolve` (answered on `sink`), else null. */
export function fastResolve(
  argv: readonly string[],
  cwd: string,
  sink: Sink,
  env: NodeJS.ProcessEnv = process.env,
): number | null {
  if (argv[0] !== "resolve" || !argv.slice(1).every((a) => FLAGS.has(a))) return null;
  let deps: number | null;
  let dir: string | null;
  try {
    dir = atomDir(cwd);
    if (dir === null || existsSync(join(dir, FAST_FILES.journal))) return null;
    const manifestText = readFileSync(join(dir, FAST_FILES.manifest), "utf8");
    const lockText = readFileSync(join(dir, FAST_FILES.lock), "utf8");
    deps = stampedDeps(stampDir(env), dir, manifestText, lockText);
  } catch {
    return null;
  }
  if (deps === null) return null;
  // What `eka resolve` prints for an unchanged lock (renderOutcome, renderResult): a test
  // compares both paths' output, text and --json.
  if (argv.includes("--json")) {
    const data = { dir, written: false, changes: [], deps };
    sink.out(`${JSON.stringify({ ok: true, data, warnings: [] }, null, 2)}\n`);
  } else if (!argv.includes("--quiet") && !argv.includes("-q")) {
    sink.out(`atom.lock is up to date (${deps} dependenc${deps === 1 ? "y" : "ies"})\n`);
  }
  return 0;
}
