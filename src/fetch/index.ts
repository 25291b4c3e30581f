/** Fetching: eka's caches of locked sources. */
export {
  ATOM_CACHE_REPO,
  type AtomCacheOptions,
  type CachedGraph,
  cacheLockedAtoms,
  type GraphAtom,
} from "./atom-cache.ts";
