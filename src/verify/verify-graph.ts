/**
 * `eka verify` as a library call: every atom of a lock, and recursively every atom of the locks
 * inside their trees (each atom once), is checked against objects in the cache repository, with
 * every mirror of its set listed and fetched from (online) or read back from the cache (offline).
 *
 * The walk goes by rounds (the root lock, then the locks found in its atoms, …). In each round
 * the atoms are grouped by set: one listing per mirror, concurrently, then one fetch per mirror,
 * then the object checks. The result is the full list of named checks; nothing is thrown for a
 * failed check.
 */
import { stat } from "node:fs/promises";
import { join } from "node:path";
import {
  LOCAL_MIRROR,
  type Lock,
  type LockedAtom,
  type LockedNixDep,
  type LockedSet,
  oidOfSetId,
  parseLock,
  type Report,
  type SetId,
} from "../core/index.ts";
import type { GitBackend, MirrorLister } from "../git/index.ts";
import { AncestryWalker } from "./ancestry.ts";
import { checkAtomId, checkInitCommit, subjectOf } from "./atom-checks.ts";
import { type CheckResult, fail, pass, skip } from "./check.ts";
import {
  fetchSetForVerify,
  readCachedSet,
  type SetRequest,
  type SetViews,
  setSubject,
} from "./fetch-for-verify.ts";
import { checkMirrorAgreement, checkMirrorIdentity } from "./mirror-view.ts";
import { verifyPin } from "./pins.ts";
import { readOrNull, verifyAtom } from "./verify-atom.ts";

export interface VerifyGraphOptions {
  /** The repository holding (or receiving) the objects: eka's cache repository. */
  readonly repo: GitBackend;
  /** eka's cache directory: downloads of pins whose hash is recomputed are cached there. */
  readonly cacheDir?: string;
  /** Lists mirrors; null verifies offline, from what the cache holds. */
  readonly lister: MirrorLister | null;
  readonly report: Report;
  /**
   * false: only the cheap checks (no b3 recomputation, no history walk), for `eka fetch`.
   * Default true.
   */
  readonly thorough?: boolean;
  /** Atoms checked at once within a set (default 8). */
  readonly concurrency?: number;
}

export interface LockSource {
  readonly lock: Lock;
  /** How the lock is named in results (a path, or `label@version:path/atom.lock`). */
  readonly file: string;
}

export interface VerifyOutcome {
  readonly checks: readonly CheckResult[];
  /** Distinct atoms verified (over the whole graph). */
  readonly atoms: number;
  readonly pins: number;
  /** Locks read: the root and those found inside atoms. */
  readonly locks: number;
  /** Rounds of the graph walk (depth of the graph). */
  readonly depth: number;
  readonly failed: number;
  readonly skipped: number;
}

interface Pending {
  readonly atom: LockedAtom;
  readonly set: LockedSet;
}

function atomKey(atom: LockedAtom): string {
  return `${atom.set}\0${atom.label}\0${atom.version}\0${atom.rev}`;
}

/** Runs `fn` over `items`, at most `limit` at once; results in input order. */
async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export async function verifyGraph(
  root: LockSource,
  options: VerifyGraphOptions,
): Promise<VerifyOutcome> {
  const { repo, report } = options;
  const lister = options.lister === null ? null : memoizedLister(options.lister);
  const limit = options.concurrency ?? 8;
  const checks: CheckResult[] = [];
  const seenAtoms = new Set<string>();
  const seenPins = new Set<string>();
  const checkedInit = new Set<SetId>();
  const checkedIdentity = new Set<string>();
  const walkers = new Map<SetId, AncestryWalker>();
  let locks = 0;
  let pins = 0;
  let depth = 0;

  checks.push(await checkShallow(repo));

  let round: Pending[] = [];
  const pendingPins: LockedNixDep[] = [];
  const take = (source: LockSource): void => {
    locks++;
    for (const dep of source.lock.deps) {
      if (dep.type === "atom") {
        if (seenAtoms.has(atomKey(dep))) continue;
        seenAtoms.add(atomKey(dep));
        const set = source.lock.sets.find((s) => s.id === dep.set)!;
        round.push({ atom: dep, set });
      } else {
        const key = JSON.stringify(dep);
        if (seenPins.has(key)) continue;
        seenPins.add(key);
        pendingPins.push(dep);
      }
    }
  };
  take(root);

  while (round.length > 0) {
    depth++;
    const current = round;
    round = [];
    const bySet = new Map<SetId, { mirrors: string[]; atoms: LockedAtom[] }>();
    for (const { atom, set } of current) {
      const entry = bySet.get(set.id) ?? { mirrors: [], atoms: [] };
      for (const mirror of set.mirrors)
        if (!entry.mirrors.includes(mirror)) entry.mirrors.push(mirror);
      entry.atoms.push(atom);
      bySet.set(set.id, entry);
    }
    report.progress("verifying atoms", seenAtoms.size - current.length, seenAtoms.size);
    const found: LockSource[] = [];
    await Promise.all(
      [...bySet].map(async ([id, entry]) => {
        const request: SetRequest = { id, mirrors: entry.mirrors, atoms: entry.atoms };
        if (entry.mirrors.every((m) => m === LOCAL_MIRROR)) {
          // The dev flow: atoms of this very repository, locked as they would be published
          // from HEAD and not published yet. Only what needs no objects is checked.
          for (const atom of entry.atoms) {
            checks.push(checkAtomId(atom));
            checks.push(
              skip(
                "mirror-reachable",
                { subject: subjectOf(atom) },
                'served by "::" (this repository, unpublished): publish it and lock a mirror to verify it',
              ),
            );
          }
          return;
        }
        const setViews: SetViews =
          lister === null
            ? await readCachedSet(repo, request, report)
            : await fetchSetForVerify(repo, lister, request, report);
        checks.push(...setViews.results);
        const subject = setSubject(id);
        if (!checkedInit.has(id)) {
          checkedInit.add(id);
          const init = await readOrNull(repo, oidOfSetId(id));
          checks.push(checkInitCommit(id, init, repo.objectFormat, { subject }));
        }
        for (const view of setViews.views) {
          const key = `${id}\0${view.mirror}`;
          if (checkedIdentity.has(key)) continue;
          checkedIdentity.add(key);
          checks.push(checkMirrorIdentity(id, view, subject));
        }
        let walker = walkers.get(id);
        if (walker === undefined) {
          walker = new AncestryWalker(repo, oidOfSetId(id));
          walkers.set(id, walker);
        }
        const done = await mapLimit(entry.atoms, limit, async (atom) => {
          const agreement = checkMirrorAgreement(atom, setViews.views);
          const verified = await verifyAtom(
            repo,
            atom,
            setViews.views,
            walker,
            options.thorough !== false,
          );
          return { atom, results: [...agreement, ...verified.results], verified };
        });
        for (const { atom, results, verified } of done) {
          checks.push(...results);
          if (verified.nestedLock === null) continue;
          const file = `${subjectOf(atom)}:${verified.path ?? "."}/atom.lock`;
          try {
            const lock = parseLock(verified.nestedLock, file);
            checks.push(pass("nested-lock", { subject: subjectOf(atom) }, `read ${file}`));
            found.push({ lock, file });
          } catch (error) {
            const why = error instanceof Error ? error.message : String(error);
            checks.push(
              fail("nested-lock", { subject: subjectOf(atom) }, why, "a valid atom.lock", why),
            );
          }
        }
      }),
    );
    for (const source of found) take(source);
  }
  for (const pin of pendingPins) {
    pins++;
    checks.push(
      await verifyPin(repo, lister, pin, {
        report,
        ...(options.cacheDir === undefined ? {} : { cacheDir: options.cacheDir }),
      }),
    );
  }
  report.progress("verifying atoms", seenAtoms.size, seenAtoms.size);
  return {
    checks,
    atoms: seenAtoms.size,
    pins,
    locks,
    depth,
    failed: checks.filter((c) => c.status === "fail").length,
    skipped: checks.filter((c) => c.status === "skip").length,
  };
}

/** A lister that resolves each mirror once (a set met again at a deeper level reuses it). */
function memoizedLister(lister: MirrorLister): MirrorLister {
  const resolved = new Map<string, ReturnType<MirrorLister["resolve"]>>();
  return {
    resolve(mirror) {
      let remote = resolved.get(mirror);
      if (remote === undefined) {
        remote = lister.resolve(mirror);
        resolved.set(mirror, remote);
      }
      return remote;
    },
    list: (remote, prefixes) => lister.list(remote, prefixes),
  };
}

/** The cache repository must hold full history: a shallow one is refused. */
async function checkShallow(repo: GitBackend): Promise<CheckResult> {
  const shallow = join(repo.gitDir, "shallow");
  const info = await stat(shallow).catch(() => null);
  const at = { subject: "cache repository", mirror: null };
  return info === null || info.size === 0
    ? pass("history", at, `${repo.gitDir} holds full history (not shallow)`)
    : fail(
        "history",
        at,
        `${repo.gitDir} is a shallow repository (${shallow}); provenance needs full history`,
        "a complete repository",
        "shallow",
      );
}
