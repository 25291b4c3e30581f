/**
 * Lazy lock synchronisation, the pure part (protocol.md §7): which locked entries stay as they
 * are, which requests need resolving, which entries are pruned. An entry stays when its
 * request still asks for it (same set with the same mirrors, same kind) and it satisfies the
 * request, unless the caller forces it (`eka update`, `eka add`). No network, no files.
 */
import type { AtomManifest } from "../core/atom-manifest.ts";
import { formatLock } from "../core/lock.ts";
import {
  LOCK_VERSION,
  type Lock,
  type LockedAtom,
  type LockedDep,
  type LockedSet,
} from "../core/lock-types.ts";
import type { SetId, Tag, Version } from "../core/types.ts";
import { isSatisfied } from "./resolvers/index.ts";
import { sameList } from "./same-list.ts";
import type { DepRequest } from "./types.ts";

export interface PendingRequest {
  readonly request: DepRequest;
  /**
   * The locked entry that satisfies the request but could not be kept unchecked (its set's
   * mirrors changed): kept if the set still serves it with the same commit.
   */
  readonly prefer?: LockedAtom;
}

export interface LockPlan {
  readonly kept: readonly LockedDep[];
  readonly pending: readonly PendingRequest[];
  readonly pruned: readonly LockedDep[];
  /** By set name: the set as the lock records it (its id is what the mirrors must serve). */
  readonly lockedSets: ReadonlyMap<Tag, LockedSet>;
}

/** `set/label` for atoms, the name for direct dependencies. */
export function requestKey(request: DepRequest): string {
  return request.type === "atom" ? `${request.set}/${request.label}` : request.name;
}

export function planLock(
  manifest: Pick<AtomManifest, "sets">,
  requests: readonly DepRequest[],
  lock: Lock | null,
  force: (request: DepRequest) => boolean = () => false,
): LockPlan {
  const lockedSets = new Map<Tag, LockedSet>();
  for (const set of lock?.sets ?? []) lockedSets.set(set.name, set);
  const used = new Set<LockedDep>();
  const kept: LockedDep[] = [];
  const pending: PendingRequest[] = [];
  for (const request of requests) {
    let locked: LockedDep | undefined;
    let mirrorsChanged = false;
    if (request.type === "atom") {
      const set = lockedSets.get(request.set);
      const declared = manifest.sets.find((s) => s.name === request.set);
      mirrorsChanged = set !== undefined && !sameList(set.mirrors, declared?.mirrors ?? []);
      locked = lock?.deps.find(
        (d) =>
          d.type === "atom" && set !== undefined && d.set === set.id && d.label === request.label,
      );
    } else {
      locked = lock?.deps.find((d) => d.type !== "atom" && d.name === request.name);
    }
    if (locked !== undefined) used.add(locked);
    const satisfied = locked !== undefined && isSatisfied(request, locked) && !force(request);
    if (satisfied && !mirrorsChanged) kept.push(locked!);
    else if (satisfied && locked?.type === "atom") pending.push({ request, prefer: locked });
    else pending.push({ request });
  }
  const pruned = (lock?.deps ?? []).filter((d) => !used.has(d));
  return { kept, pending, pruned, lockedSets };
}

/** `set/label` → version, of the atoms among `deps` (set names from `sets`). */
export function atomVersions(
  deps: readonly LockedDep[],
  sets: readonly LockedSet[],
): Map<string, Version> {
  const names = new Map<SetId, Tag>(sets.map((s) => [s.id, s.name]));
  const out = new Map<string, Version>();
  for (const d of deps) {
    const name = d.type === "atom" ? names.get(d.set) : undefined;
    if (d.type === "atom" && name !== undefined) out.set(`${name}/${d.label}`, d.version);
  }
  return out;
}

/**
 * The request with `{version}` in its URL filled from `versions` (`set/label` → version), or
 * null when the atom it names has no version there yet. Requests without `from` are returned
 * as they are.
 */
export function withVersion(
  request: DepRequest,
  versions: ReadonlyMap<string, Version>,
): DepRequest | null {
  if (request.type === "atom" || request.type === "nix+git" || request.from === undefined) {
    return request;
  }
  const version = versions.get(`${request.from.set}/${request.from.label}`);
  if (version === undefined) return null;
  const { from: _, ...rest } = request;
  return { ...rest, url: request.url.replaceAll("{version}", version) } as DepRequest;
}

/**
 * `planLock` for a whole manifest: downloads whose URL takes an atom's version (`{version}`)
 * are compared with the lock once that atom's kept version is filled in; when the atom itself
 * must be resolved, they are pending, still holding their template (the resolution fills it
 * once the atoms are resolved: atoms first, so there are no cycles).
 */
export function planSync(
  manifest: Pick<AtomManifest, "sets">,
  requests: readonly DepRequest[],
  lock: Lock | null,
  force: (request: DepRequest) => boolean = () => false,
): LockPlan {
  const atoms = requests.filter((r) => r.type === "atom");
  const first = planLock(manifest, atoms, lock, force);
  const versions = atomVersions(first.kept, lock?.sets ?? []);
  const waiting = new Set<DepRequest>();
  const filled = requests.map((r) => {
    const done = withVersion(r, versions);
    if (done !== null) return done;
    waiting.add(r);
    return r;
  });
  return planLock(manifest, filled, lock, (r) => waiting.has(r) || force(r));
}

/** The lock made of `deps`, with the sets they come from (mirrors as the manifest lists them). */
export function assembleLock(
  manifest: Pick<AtomManifest, "sets">,
  deps: readonly LockedDep[],
  ids: ReadonlyMap<Tag, SetId>,
): Lock {
  const sets: LockedSet[] = [];
  for (const set of manifest.sets) {
    const id = ids.get(set.name);
    if (id === undefined) continue;
    if (!deps.some((d) => d.type === "atom" && d.set === id)) continue;
    sets.push({ id, name: set.name, mirrors: set.mirrors });
  }
  return { version: LOCK_VERSION, sets, deps };
}

/**
 * The lock text when `lockText` already says everything the manifest asks (nothing to resolve,
 * nothing to prune, canonical bytes): `eka resolve` is then a no-op. Null otherwise.
 */
export function lockIfUpToDate(
  manifest: Pick<AtomManifest, "sets">,
  requests: readonly DepRequest[],
  lock: Lock | null,
  lockText: string | null,
): Lock | null {
  if (lock === null || lockText === null) return null;
  const plan = planSync(manifest, requests, lock);
  if (plan.pending.length > 0 || plan.pruned.length > 0) return null;
  const ids = new Map<Tag, SetId>([...plan.lockedSets].map(([name, set]) => [name, set.id]));
  const kept = assembleLock(manifest, plan.kept, ids);
  return formatLock(kept) === lockText ? kept : null;
}
