/**
 * eka's atom cache: one bare repository (`<cache dir>/git`) holding every locked atom an
 * evaluation needs, so that Nix reads atoms from one local `file://` URL only (protocol.md §10).
 *
 * Starting from a lock, every atom of the graph (the lock's atoms, then the atoms of their own
 * `atom.lock`, level by level) is made present by its atom commit (`rev`):
 * - an atom whose commit the cache already holds is not fetched (so evaluation works offline
 *   once cached, with every mirror gone);
 * - the missing atoms of a set are fetched from the set's mirrors in order, with ONE `git fetch`
 *   per mirror for all of them (per level of the graph), each by `refs/ekala/atoms/<label>/<version>`;
 *   a mirror that fails, or serves another commit under that name, leaves the rest to the next
 *   mirror; an atom no mirror serves with its locked commit is an error naming them all.
 * A `"::"` set is this repository: its atoms are fetched from it when it holds their refs (a
 * local publish), and otherwise made here from `HEAD`, byte for byte the commit `eka publish`
 * would write (the lock's `rev` is that commit's id, so a working tree that moved on since
 * `eka resolve` is caught).
 * Fetched commits are kept alive under `refs/cache/<set id>/…`, and finally
 * `refs/ekala/atoms/<label>/<version>` is pointed at each atom's locked commit in one ref
 * transaction: that is the ref Nix's `fetchGit` asks for, with the `rev` it checks.
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import {
  ATOM_MANIFEST_FILE,
  EKALA_MANIFEST_FILE,
  EkaError,
  formatAtomCommit,
  LOCAL_MIRROR,
  type Lock,
  type LockedAtom,
  type LockedNixDep,
  parseAtomManifest,
  parseEkalaManifest,
  parseLock,
  type Report,
} from "../core/index.ts";
import type { GitOid, SetId } from "../core/types.ts";
import {
  atomRef,
  atomsPrefix,
  ensureBareRepository,
  type GitBackend,
  openRepository,
  type RefUpdate,
  redactUrl,
} from "../git/index.ts";

/** The cache repository, shared with `eka fetch` and `eka verify` (`<cache dir>/git`). */
export const ATOM_CACHE_REPO = "git";

export interface AtomCacheOptions {
  /** eka's cache directory (settings.cacheDir). */
  readonly cacheDir: string;
  readonly report: Report;
  /** The repository `"::"` mirrors stand for (the workspace being evaluated), if any. */
  readonly localRepo?: string;
  /** The environment git runs with (default: this process's). */
  readonly env?: NodeJS.ProcessEnv;
}

/** An atom of the graph and the lock it was found in (for its set's name and mirrors). */
export interface GraphAtom {
  readonly atom: LockedAtom;
  readonly mirrors: readonly string[];
  readonly setName: string;
}

export interface CachedGraph {
  /** The cache repository's directory and its `file://` URL (what Nix fetches from). */
  readonly repo: string;
  readonly url: string;
  /** Every atom of the graph, once each, in the order they were found. */
  readonly atoms: readonly GraphAtom[];
  /** Every pinned source of the graph (the root lock's and its atoms'). */
  readonly pins: readonly LockedNixDep[];
  /** How many atoms were fetched now, and with how many `git fetch` runs. */
  readonly fetched: number;
  readonly fetches: number;
}

function keepRef(set: SetId, atom: LockedAtom): string {
  return `refs/cache/${set}/${atomRef(atom.label, atom.version)}`;
}

function mirrorUrl(mirror: string, localRepo: string | undefined): string | null {
  if (mirror !== LOCAL_MIRROR) return mirror;
  return localRepo === undefined ? null : localRepo;
}

/** The atom's `atom.lock` from the cache (empty when it has none). */
async function lockOf(backend: GitBackend, atom: LockedAtom): Promise<Lock> {
  const entry = await backend.readPath(atom.rev, "atom.lock");
  if (entry === null || entry.type !== "blob") return { version: 1, sets: [], deps: [] };
  const blob = await backend.readObject(entry.oid);
  return parseLock(new TextDecoder().decode(blob.data), `${atom.label}@${atom.version}:atom.lock`);
}

function graphAtomsOf(lock: Lock): GraphAtom[] {
  const sets = new Map(lock.sets.map((s) => [s.id, s] as const));
  const out: GraphAtom[] = [];
  for (const dep of lock.deps) {
    if (dep.type !== "atom") continue;
    const set = sets.get(dep.set);
    out.push({ atom: dep, mirrors: set?.mirrors ?? [], setName: set?.name ?? dep.set });
  }
  return out;
}

const decoder = new TextDecoder();

/**
 * Writes into the cache the atom commits `eka publish` would make from `HEAD` of the local
 * repository for `wanted` (one fetch of HEAD brings the trees), keeping each under its cache
 * ref. Atoms HEAD does not hold, or holds with other content, are left missing.
 */
async function materialiseLocal(
  backend: GitBackend,
  set: SetId,
  wanted: readonly GraphAtom[],
  localRepo: string,
  env: NodeJS.ProcessEnv | undefined,
): Promise<void> {
  const local = await openRepository(localRepo, env === undefined ? {} : { env });
  try {
    const head = await local.resolveCommit("HEAD");
    if (head === null) return;
    const ekala = await local.readPath(head, EKALA_MANIFEST_FILE);
    if (ekala === null) return;
    const packages = parseEkalaManifest(
      decoder.decode((await local.readObject(ekala.oid)).data),
    ).packages;
    const found = new Map<string, { path: string; tree: GitOid }>();
    for (const { path } of packages) {
      const [tree, manifest] = await Promise.all([
        local.readPath(head, path),
        local.readPath(head, `${path}/${ATOM_MANIFEST_FILE}`),
      ]);
      if (tree === null || tree.type !== "tree" || manifest === null) continue;
      const m = parseAtomManifest(
        decoder.decode((await local.readObject(manifest.oid)).data),
        `${path}/${ATOM_MANIFEST_FILE}`,
      );
      found.set(`${m.label}@${m.version}`, { path, tree: tree.oid });
    }
    const remote = await backend.resolveRemote(localRepo);
    await backend.fetch(remote, [`+${head}:refs/cache/${set}/HEAD`]);
    const updates: RefUpdate[] = [];
    for (const { atom } of wanted) {
      const at = found.get(`${atom.label}@${atom.version}`);
      if (at === undefined) continue;
      const bytes = formatAtomCommit({
        tree: at.tree,
        path: at.path,
        content: atom.content,
        label: atom.label,
        version: atom.version,
      });
      // A tree whose digest is not the locked one gives another id: it stays missing.
      const oid = await backend.writeObject("commit", bytes);
      if (oid === atom.rev) updates.push({ kind: "create", ref: keepRef(set, atom), oid });
    }
    const current = new Map(
      (await backend.listRefs([`refs/cache/${set}/`])).map((r) => [r.ref, r.oid] as const),
    );
    const fresh = updates.filter((u) => u.kind === "create" && !current.has(u.ref));
    if (fresh.length > 0) await backend.updateRefs(fresh, "eka: local atoms for an evaluation");
  } finally {
    await local.close();
  }
}

/**
 * Fetches the missing atoms of one level, set by set, mirror by mirror: one `git fetch` per
 * mirror for all the atoms still missing from that set. Returns how many fetches ran.
 */
async function fetchLevel(
  backend: GitBackend,
  missing: readonly GraphAtom[],
  options: AtomCacheOptions,
): Promise<number> {
  let fetches = 0;
  const bySet = new Map<SetId, GraphAtom[]>();
  for (const g of missing) bySet.set(g.atom.set, [...(bySet.get(g.atom.set) ?? []), g]);
  const failures: string[] = [];
  let local = false;
  for (const [set, wanted] of bySet) {
    let left = wanted;
    const mirrors = wanted[0]?.mirrors ?? [];
    const tried: string[] = [];
    for (const mirror of mirrors) {
      if (left.length === 0) break;
      const url = mirrorUrl(mirror, options.localRepo);
      if (url === null) continue;
      tried.push(redactUrl(url));
      const refspecs = left.map(
        (g) => `+${atomRef(g.atom.label, g.atom.version)}:${keepRef(set, g.atom)}`,
      );
      try {
        const remote = await backend.resolveRemote(url);
        fetches++;
        options.report.progress(
          `fetching ${left.length} atom(s) from ${remote.display}`,
          0,
          left.length,
        );
        await backend.fetch(remote, refspecs);
      } catch (error) {
        // `"::"` atoms not published here are made from HEAD below: not worth a warning.
        if (mirror !== LOCAL_MIRROR) {
          const message = error instanceof Error ? error.message : String(error);
          options.report.warn("EKA_FETCH_FAILED", `mirror ${redactUrl(url)} failed: ${message}`);
        }
      }
      let still: GraphAtom[] = [];
      for (const g of left) if (!(await backend.hasObject(g.atom.rev))) still.push(g);
      if (mirror === LOCAL_MIRROR && still.length > 0) {
        await materialiseLocal(backend, set, still, url, options.env);
        const after: GraphAtom[] = [];
        for (const g of still) if (!(await backend.hasObject(g.atom.rev))) after.push(g);
        still = after;
      }
      left = still;
    }
    if (left.length > 0 && mirrors.includes(LOCAL_MIRROR)) local = true;
    for (const g of left) {
      failures.push(
        `${g.atom.label}@${g.atom.version} (commit ${g.atom.rev}) from set ${g.setName} (tried ${tried.length === 0 ? "no mirror" : tried.join(", ")})`,
      );
    }
  }
  if (failures.length > 0) {
    throw new EkaError(
      "EKA_FETCH_FAILED",
      `no mirror serves ${failures.length === 1 ? "this locked atom" : "these locked atoms"}: ${failures.join("; ")}`,
      {
        where: failures[0]!,
        hint: local
          ? 'a "::" atom is made from HEAD of this repository: commit its changes and run `eka resolve` so the lock names what HEAD holds'
          : "check the mirrors in [package.sets] of atom.toml are reachable and serve the locked versions (run `eka resolve` if a version was withdrawn)",
        data: { missing: failures },
      },
    );
  }
  return fetches;
}

/** Points `refs/ekala/atoms/L/V` of the cache at each atom's locked commit (one transaction). */
async function pointAtomRefs(backend: GitBackend, atoms: readonly GraphAtom[]): Promise<void> {
  const want = new Map<string, { rev: GitOid; who: string }>();
  for (const { atom, setName } of atoms) {
    const ref = atomRef(atom.label, atom.version);
    const who = `${atom.label}@${atom.version} from set ${setName}`;
    const other = want.get(ref);
    if (other !== undefined && other.rev !== atom.rev) {
      throw new EkaError(
        "EKA_SET_CONFLICT",
        `two atoms of the graph are both ${atom.label}@${atom.version} with different commits: ${other.who} (${other.rev}) and ${who} (${atom.rev})`,
        {
          where: `${atom.label}@${atom.version}`,
          hint: "Nix fetches atoms by label and version: depend on only one of them",
        },
      );
    }
    want.set(ref, { rev: atom.rev, who });
  }
  // Another eka evaluating at the same moment may move the same refs: read, lease, retry.
  for (let attempt = 1; ; attempt++) {
    const current = new Map(
      (await backend.listRefs([atomsPrefix()])).map((r) => [r.ref, r.oid] as const),
    );
    const updates: RefUpdate[] = [];
    for (const [ref, { rev }] of want) {
      const old = current.get(ref);
      if (old === rev) continue;
      updates.push(
        old === undefined
          ? { kind: "create", ref, oid: rev }
          : { kind: "update", ref, oid: rev, old },
      );
    }
    if (updates.length === 0) return;
    try {
      await backend.updateRefs(updates, "eka: atoms for an evaluation");
      return;
    } catch (error) {
      if (!(error instanceof EkaError && error.code === "EKA_REF_CONFLICT") || attempt >= 5) {
        throw error;
      }
    }
  }
}

/**
 * Makes every atom of `lock`'s graph present in the cache repository, fetching only what is
 * missing, and returns the graph (its atoms and pins) with the cache's URL.
 */
export async function cacheLockedAtoms(
  lock: Lock,
  options: AtomCacheOptions,
): Promise<CachedGraph> {
  const repo = join(options.cacheDir, ATOM_CACHE_REPO);
  // Created by one rename of a staged `git init`: evaluations starting together never race.
  await ensureBareRepository(repo, options.env === undefined ? {} : { env: options.env });
  const backend = await openRepository(repo, options.env === undefined ? {} : { env: options.env });
  try {
    const seen = new Map<GitOid, GraphAtom>();
    const pins: LockedNixDep[] = lock.deps.filter((d): d is LockedNixDep => d.type !== "atom");
    let level = graphAtomsOf(lock);
    let fetched = 0;
    let fetches = 0;
    while (level.length > 0) {
      const fresh = level.filter((g) => !seen.has(g.atom.rev));
      for (const g of fresh) seen.set(g.atom.rev, g);
      const missing: GraphAtom[] = [];
      for (const g of fresh) if (!(await backend.hasObject(g.atom.rev))) missing.push(g);
      if (missing.length > 0) {
        fetches += await fetchLevel(backend, missing, options);
        fetched += missing.length;
      }
      const next: GraphAtom[] = [];
      for (const g of fresh) {
        const own = await lockOf(backend, g.atom);
        next.push(...graphAtomsOf(own));
        pins.push(...own.deps.filter((d): d is LockedNixDep => d.type !== "atom"));
      }
      level = next;
    }
    const atoms = [...seen.values()];
    await pointAtomRefs(backend, atoms);
    return { repo, url: pathToFileURL(repo).href, atoms, pins, fetched, fetches };
  } finally {
    await backend.close();
  }
}
