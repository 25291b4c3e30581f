/**
 * `eka verify [path]` and `eka fetch [path]` as library calls: find and read `atom.lock`, open
 * (creating it the first time) eka's cache repository, and verify the graph, online or offline.
 */
import { readFile, stat } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { EkaError, LOCK_FILE, parseLock, type Report } from "../core/index.ts";
import { ensureBareRepository, openMirrorLister, openRepository } from "../git/index.ts";
import { describeCheck } from "./check.ts";
import { type VerifyOutcome, verifyGraph } from "./verify-graph.ts";

/**
 * The cache repository inside eka's cache directory: the same repository as the atom cache of
 * `src/fetch` (`ATOM_CACHE_REPO`, not imported here: that module is heavy), which keeps its
 * refs apart (`refs/cache/…`, `refs/ekala/atoms/…`) from verification's `refs/eka-mirrors/…`.
 * Both create it with the one `ensureBareRepository` (a staged `git init` and one rename), so
 * an evaluation and a verification starting together on a new cache do not race.
 */
export function cacheRepositoryPath(cacheDir: string): string {
  return join(cacheDir, "git");
}

export interface VerifyRequest {
  /** Where eka runs; `path` is relative to it. */
  readonly cwd: string;
  /** A directory holding `atom.lock`, or the lock file itself (default: `cwd`). */
  readonly path?: string;
  /** Verify from the cache alone: no listing, no fetch. */
  readonly offline: boolean;
  /** eka's cache directory (settings `cacheDir`). */
  readonly cacheDir: string;
  readonly report: Report;
  /** false: the cheap checks only (`eka fetch`). Default true. */
  readonly thorough?: boolean;
  /** The environment git runs in (tests). */
  readonly env?: NodeJS.ProcessEnv;
  /** Time limit of each listing of a mirror (default 60 s); fetches are not limited. */
  readonly listTimeoutMs?: number;
  /** Called with the arguments of every git process started (instrumentation, tests). */
  readonly onSpawn?: (args: readonly string[]) => void;
}

/** A mirror that does not answer a listing in this time is taken as unreachable. */
export const LIST_TIMEOUT_MS = 60_000;

export interface VerifyResult extends VerifyOutcome {
  /** The lock file verified. */
  readonly lock: string;
  /** The cache repository used. */
  readonly cache: string;
  readonly offline: boolean;
  readonly ok: boolean;
}

/** The lock file a path names: the file itself, or `atom.lock` in a directory. */
export async function findLockFile(cwd: string, path: string | undefined): Promise<string> {
  const given = resolve(cwd, path ?? ".");
  const info = await stat(given).catch(() => null);
  const file = info?.isDirectory() === true ? join(given, LOCK_FILE) : given;
  if ((await stat(file).catch(() => null))?.isFile() !== true) {
    throw new EkaError("EKA_IO", `no ${LOCK_FILE} at ${file}`, {
      where: file,
      hint: "run `eka resolve` to write the lock, or give the directory that holds atom.lock",
    });
  }
  return file;
}

export async function verifyLockFile(request: VerifyRequest): Promise<VerifyResult> {
  const file = await findLockFile(request.cwd, request.path);
  const lock = parseLock(await readFile(file, "utf8"), basename(file));
  const env = request.env === undefined ? {} : { env: request.env };
  const spawn = request.onSpawn === undefined ? {} : { onSpawn: request.onSpawn };
  const cache = await ensureBareRepository(cacheRepositoryPath(request.cacheDir), env);
  const repo = await openRepository(cache, { ...env, ...spawn });
  try {
    const lister = request.offline
      ? null
      : await openMirrorLister(dirname(file), {
          ...env,
          ...spawn,
          timeoutMs: request.listTimeoutMs ?? LIST_TIMEOUT_MS,
        });
    const outcome = await verifyGraph(
      { lock, file },
      {
        repo,
        lister,
        report: request.report,
        cacheDir: request.cacheDir,
        thorough: request.thorough !== false,
      },
    );
    return { ...outcome, lock: file, cache, offline: request.offline, ok: outcome.failed === 0 };
  } finally {
    await repo.close();
  }
}

/** Throws `EKA_VERIFY_FAILED` naming every failed check (both values), when any failed. */
export function assertVerified(result: VerifyResult): void {
  if (result.ok) return;
  const failures = result.checks.filter((c) => c.status === "fail");
  const lines = failures.map((c) => `  ${describeCheck(c).replaceAll("\n", "\n  ")}`);
  throw new EkaError(
    "EKA_VERIFY_FAILED",
    `${failures.length} check${failures.length === 1 ? "" : "s"} failed verifying ${result.lock} (${result.atoms} atoms, ${result.pins} pins):\n${lines.join("\n")}`,
    {
      hint: "do not use these atoms: a mirror or the lock was tampered with, or a version moved. Check each mirror named above; re-lock only when you trust the new values",
      data: { failures, result },
    },
  );
}
