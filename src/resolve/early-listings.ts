/**
 * The set listings a resolution will certainly make, started as soon as the manifest and the
 * lock are read: the mirrors answer (in their own processes, or over the network) while the rest
 * of resolution is loaded. The lister lists each (URL, prefixes) once, so the set's listing made
 * later (set-listing.ts) gets the one started here. A set is started early only when the plan
 * (plan-lock.ts) is sure to resolve one of its atoms whatever the lock's versions are (no
 * requirement needs checking for that): its set is not in the lock, its mirrors changed, one of
 * its atoms is not locked, or it is forced. Its listing then asks for every label the manifest
 * takes from it (sync-lock.ts also lists the locked ones, to check them). A guess that is wrong
 * costs a listing, never a result: nothing here decides anything.
 */
import type { AtomManifest } from "../core/atom-manifest.ts";
import type { Lock } from "../core/lock-types.ts";
import { LOCAL_MIRROR } from "../core/mirror.ts";
import type { Label, Tag } from "../core/types.ts";
import type { MirrorLister } from "../git/mirror-refs.ts";
import { atomsPrefix, contentPrefix, INIT_REF } from "../git/refs.ts";
import { sameList } from "./same-list.ts";
import type { DepRequest } from "./types.ts";

export interface EarlySet {
  readonly mirrors: readonly string[];
  /** As `setPrefixes` (set-listing.ts) spells them for the set's labels. */
  readonly prefixes: readonly string[];
}

/** The sets whose listing a resolution of `requests` against `lock` makes whatever happens. */
export function certainListings(
  manifest: Pick<AtomManifest, "sets">,
  requests: readonly DepRequest[],
  lock: Lock | null,
  force: (request: DepRequest) => boolean = () => false,
): EarlySet[] {
  const lockedSets = new Map((lock?.sets ?? []).map((s) => [s.name, s]));
  const bySet = new Map<Tag, { labels: Set<Label>; certain: boolean }>();
  for (const request of requests) {
    if (request.type !== "atom") continue;
    const entry = bySet.get(request.set) ?? { labels: new Set<Label>(), certain: false };
    bySet.set(request.set, entry);
    entry.labels.add(request.label);
    if (entry.certain) continue;
    const declared = manifest.sets.find((s) => s.name === request.set);
    const locked = lockedSets.get(request.set);
    entry.certain =
      force(request) ||
      locked === undefined ||
      !sameList(locked.mirrors, declared?.mirrors ?? []) ||
      !lock!.deps.some(
        (d) => d.type === "atom" && d.set === locked.id && d.label === request.label,
      );
  }
  const out: EarlySet[] = [];
  for (const [name, { labels, certain }] of bySet) {
    const declared = manifest.sets.find((s) => s.name === name);
    if (!certain || declared === undefined || declared.mirrors[0] === LOCAL_MIRROR) continue;
    const sorted = [...labels].sort();
    out.push({
      mirrors: declared.mirrors,
      prefixes: [INIT_REF, ...sorted.flatMap((l) => [atomsPrefix(l), contentPrefix(l)])],
    });
  }
  return out;
}

/**
 * Starts each set's listings (each mirror's, as set-listing.ts makes them). Resolves once every
 * one has been asked for (a mirror's name needs git's configuration first), not when they end:
 * the caller waits for that before loading more code, as loading code holds the event loop.
 */
export async function startListings(
  lister: Promise<MirrorLister>,
  sets: readonly EarlySet[],
): Promise<void> {
  const asked: Promise<unknown>[] = [];
  for (const set of sets) {
    for (const mirror of set.mirrors) {
      const remote = lister.then((l) => l.resolve(mirror));
      asked.push(remote);
      // Failures are the later request's to report (the lister hands it the same outcome).
      Promise.all([lister, remote])
        .then(([l, r]) => l.list(r, set.prefixes))
        .catch(() => {});
    }
  }
  await Promise.allSettled(asked);
  // The listings' own first steps (microtasks up to their process or connection) run now.
  await new Promise((done) => setImmediate(done));
}
