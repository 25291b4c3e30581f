/**
 * `eka cache info` and `eka cache gc` over the download cache (fetch-cache.ts).
 *
 * Garbage collection policy, in this order:
 * 1. URL entries no lock has used for `olderThanDays` days (default 30; 0 with `all`) go;
 * 2. blobs no remaining URL entry names go, with their derived hashes, unless younger than an
 *    hour (a lock running now may have just put one there and not yet written its URL entry);
 * 3. derived hashes whose blob is gone go;
 * 4. leftovers in tmp/ older than an hour go (a crashed download or unpack); younger ones may
 *    belong to a lock running now.
 * Other folders of the cache directory (the atom cache) are left alone.
 */
import { statSync } from "node:fs";
import { join } from "node:path";
import { diskSize, FetchCache } from "./fetch-cache.ts";

const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;

export interface CacheInfo {
  /** The cache directory. */
  readonly location: string;
  /** Where downloads are kept (`<location>/fetch`). */
  readonly downloads: string;
  /** URLs with a cached download. */
  readonly urls: number;
  /** Downloaded files, by content. */
  readonly blobs: number;
  /** Bytes of downloaded files. */
  readonly blobBytes: number;
  /** Leftovers of unfinished work (removed by gc after an hour). */
  readonly temporary: number;
  /** Bytes of the whole download cache. */
  readonly bytes: number;
  /** Bytes of the whole cache directory (downloads and everything else eka caches there). */
  readonly totalBytes: number;
}

export function cacheInfo(cacheDir: string): CacheInfo {
  const cache = new FetchCache(cacheDir);
  const blobs = cache.list("blobs");
  return {
    location: cacheDir,
    downloads: cache.root,
    urls: cache.urlEntries().length,
    blobs: blobs.length,
    blobBytes: blobs.reduce((sum, hex) => sum + diskSize(cache.blobPath(hex)), 0),
    temporary: cache.list("tmp").length,
    bytes: diskSize(cache.root),
    totalBytes: diskSize(cacheDir),
  };
}

export interface GcOptions {
  /** URL entries unused for this many days are removed (default 30). */
  readonly olderThanDays?: number;
  /** Remove every download. */
  readonly all?: boolean;
  /** The clock, in ms (tests). */
  readonly now?: number;
}

export interface GcResult {
  readonly location: string;
  readonly policy: string;
  readonly removed: {
    readonly urls: number;
    readonly blobs: number;
    readonly derived: number;
    readonly temporary: number;
  };
  readonly freedBytes: number;
  readonly kept: { readonly urls: number; readonly blobs: number };
}

function age(path: string, now: number): number {
  try {
    return now - statSync(path).mtimeMs;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

export function cacheGc(cacheDir: string, options: GcOptions = {}): GcResult {
  const cache = new FetchCache(cacheDir);
  const now = options.now ?? Date.now();
  const days = options.all === true ? 0 : (options.olderThanDays ?? 30);
  const before = diskSize(cache.root);
  const removed = { urls: 0, blobs: 0, derived: 0, temporary: 0 };

  const referenced = new Set<string>();
  const entries = cache.urlEntries();
  const valid = new Set(entries.map((e) => e.file));
  for (const { file, entry } of entries) {
    const lastUse = Math.max(entry.usedAt ?? 0, entry.fetchedAt ?? 0);
    if (options.all === true || now - lastUse > days * DAY) {
      cache.remove(file);
      removed.urls++;
    } else {
      referenced.add(entry.blob);
    }
  }
  for (const name of cache.list("urls")) {
    // Damaged entries (not JSON) are not entries: remove them too.
    const file = join(cache.root, "urls", name);
    if (!valid.has(file)) {
      cache.remove(file);
      removed.urls++;
    }
  }
  for (const hex of cache.list("blobs")) {
    if (referenced.has(hex)) continue;
    const path = cache.blobPath(hex);
    if (options.all !== true && age(path, now) < HOUR) continue;
    cache.remove(path);
    removed.blobs++;
  }
  const blobs = new Set(cache.list("blobs"));
  for (const name of cache.list("derived")) {
    if (blobs.has(name.replace(/\.json$/, ""))) continue;
    cache.remove(join(cache.root, "derived", name));
    removed.derived++;
  }
  for (const name of cache.list("tmp")) {
    const path = join(cache.root, "tmp", name);
    if (age(path, now) < HOUR) continue;
    cache.remove(path);
    removed.temporary++;
  }
  const policy =
    options.all === true
      ? "removed every download"
      : `removed downloads no lock has used for ${days} days, files no URL refers to, and leftovers older than an hour`;
  return {
    location: cacheDir,
    policy,
    removed,
    freedBytes: Math.max(0, before - diskSize(cache.root)),
    kept: { urls: cache.urlEntries().length, blobs: cache.list("blobs").length },
  };
}
