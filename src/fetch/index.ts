/**
 * Fetching: eka's caches of locked sources; HTTP(S) downloads, archive unpacking and the download
 * cache; and the functions that lock `nix+url`, `nix+tar` and `nix+build` pins (signatures and
 * semantics in lock-hash.ts):
 *
 *   lockUrl(url, ctx, { known?, refresh? })                      → { hash, downloaded, size }
 *   lockTar(url, ctx, { known?, refresh? })                      → { hash, downloaded, size }
 *   lockBuild(url, { unpack, exec }, ctx, { known?, refresh? })  → { hash, downloaded, size }
 *
 * `ctx` is `{ cacheDir: settings.cacheDir.value, report, limits: fetchLimits(settings) }`.
 */
export { type ArchiveFormat, archiveFormatOf } from "./archive-format.ts";
export {
  ATOM_CACHE_REPO,
  type AtomCacheOptions,
  type CachedGraph,
  cacheLockedAtoms,
  type GraphAtom,
} from "./atom-cache.ts";
export {
  type CacheInfo,
  cacheGc,
  cacheInfo,
  type GcOptions,
  type GcResult,
} from "./cache-maintenance.ts";
export { type DerivedHashes, FetchCache, type UrlEntry } from "./fetch-cache.ts";
export { type DownloadOptions, type DownloadResult, download } from "./http-download.ts";
export {
  type BuildFlags,
  type FetchContext,
  type LockedHash,
  type LockOptions,
  lockBuild,
  lockTar,
  lockUrl,
} from "./lock-hash.ts";
export { redactUrl } from "./redact-url.ts";
export { type UnpackOptions, type UnpackResult, unpackArchive } from "./unpack-archive.ts";
