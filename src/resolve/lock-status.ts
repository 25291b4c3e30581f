/**
 * The up-to-date check of a manifest/lock pair, remembered: when a command is done with the
 * pair it leaves in place, the pure check (`lockIfUpToDate`: nothing to resolve, nothing to
 * prune, the lock canonical) runs on it and, when it accepts it, a stamp records those exact
 * bytes (`up-to-date-stamp.ts`). The next no-op `eka resolve` answers from the stamp without
 * loading the rest of eka. Opens no connection; writes only the stamp.
 */
import type { AtomManifest } from "../core/atom-manifest.ts";
import type { Lock } from "../core/lock-types.ts";
import { lockIfUpToDate } from "./plan-lock.ts";
import type { DepRequest } from "./types.ts";
import { writeStamp } from "./up-to-date-stamp.ts";

/**
 * A pair as a command leaves it: both texts, and what they parse to (already parsed by the
 * command: parsing again would cost a cold resolve of many dependencies several milliseconds).
 * `lock` must be what `lockText` reads as: the lock `formatLock` turned into `lockText` (the
 * writer refuses what the reader would refuse, and the two round-trip), or `parseLock`'s.
 */
export interface PairState {
  readonly dir: string;
  readonly manifestText: string;
  readonly manifest: Pick<AtomManifest, "sets">;
  readonly requests: readonly DepRequest[];
  readonly lockText: string | null;
  readonly lock: Lock | null;
}

/**
 * Records the pair as up to date under `stampRoot` when it is; does nothing otherwise (or when
 * `stampRoot` is undefined). Never throws: the stamp is only a shortcut, and a pair the check
 * refuses simply gets none.
 */
export function recordIfUpToDate(stampRoot: string | undefined, pair: PairState): void {
  if (stampRoot === undefined || pair.lockText === null) return;
  try {
    const lock = lockIfUpToDate(pair.manifest, pair.requests, pair.lock, pair.lockText);
    if (lock === null) return;
    writeStamp(stampRoot, pair.dir, pair.manifestText, pair.lockText, lock.deps.length);
  } catch {
    // An invalid pair gets no stamp; the command that produced it reports its own errors.
  }
}
