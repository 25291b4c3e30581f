/**
 * Locking `nix+url`, `nix+tar` and `nix+build` pins (protocol.md §8): the hash Nix will check for
 * a URL, computed by eka (never by calling nix).
 *
 *   lockUrl(url, ctx, options?)                  flat sha256 of the file: `nix-prefetch-url URL`,
 *                                                `builtins.fetchurl`
 *   lockTar(url, ctx, options?)                  NAR sha256 of the unpacked archive with a single
 *                                                top-level entry stripped: `nix-prefetch-url
 *                                                --unpack URL`, `builtins.fetchTarball`
 *   lockBuild(url, { unpack, exec }, ctx, options?)
 *                                                what `<nix/fetchurl.nix>` (builtin:fetchurl, Nix
 *                                                2.8) checks: flat sha256 when neither is set;
 *                                                otherwise `outputHashMode = "recursive"`: with
 *                                                `exec`, the NAR of the file made executable; with
 *                                                `unpack`, the file is a NAR (xz-compressed when the
 *                                                URL ends in `.xz`) restored as the output, so its
 *                                                NAR hash (and `exec` then makes a regular root
 *                                                executable). Note: `unpack` does NOT unpack a
 *                                                tarball there; that is `{ tar = … }`.
 *
 * Each resolves to `{ hash, downloaded, size }` (`hash` in SRI form) and fails with
 * `EKA_FETCH_FAILED` (network, HTTP status, time limits) or `EKA_ARCHIVE_INVALID` (an archive or
 * NAR refused, with the entry named), leaving no partial cache entry behind.
 *
 * The cache (fetch-cache.ts) decides whether the network is used at all:
 * - `options.known` (the hash the lock holds): when the URL's cached copy has that hash, nothing
 *   is requested (a re-lock of an unchanged pin);
 * - a cached copy younger than `fetch.ttl` is used without asking (Nix's tarball-ttl idea);
 * - an older one, or any with `options.refresh` (`eka update`), is revalidated with a
 *   conditional request (ETag / Last-Modified): a 304 downloads nothing.
 * `file://` URLs are read in place, never cached.
 */
import { createReadStream, rmSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createUnxz } from "node-liblzma";
import { DEFAULT_FETCH_LIMITS, type FetchLimits } from "../config/index.ts";
import { EkaError, type Report, type SriHash, sriHashFromBytes } from "../core/index.ts";
import { narHashPath, narHashStream, sha256File } from "../hash/index.ts";
import { FetchCache, removeFile, type UrlEntry } from "./fetch-cache.ts";
import { download } from "./http-download.ts";
import { redactUrl } from "./redact-url.ts";
import { streamingUnpack, type UnpackResult, unpackArchive } from "./unpack-archive.ts";

export interface FetchContext {
  /** The cache directory from src/config (`settings.cacheDir.value`). */
  readonly cacheDir: string;
  readonly report: Report;
  /** Download limits (`fetchLimits(settings)`); defaults when omitted. */
  readonly limits?: FetchLimits;
  /** The clock, in ms (tests). */
  readonly now?: () => number;
}

export interface LockOptions {
  /** The hash the lock already holds for this URL: a cached copy with it is used, no request. */
  readonly known?: string;
  /** Revalidate with the server even when the cached copy is fresh (`eka update`). */
  readonly refresh?: boolean;
}

export interface LockedHash {
  readonly hash: SriHash;
  /** Whether this call downloaded the body (false: cache hit, 304, or file://). */
  readonly downloaded: boolean;
  /** Bytes of the file at the URL. */
  readonly size: number;
}

export interface BuildFlags {
  readonly unpack: boolean;
  readonly exec: boolean;
}

/** How a hash is derived from the downloaded file; also its key in the derived index. */
type Mode =
  | { readonly key: "flat" }
  | { readonly key: "unpack" }
  | { readonly key: "exec" }
  | {
      readonly key: "nar" | "nar-xz" | "nar-exec" | "nar-xz-exec";
      readonly xz: boolean;
      readonly exec: boolean;
    };

export function lockUrl(
  url: string,
  ctx: FetchContext,
  options: LockOptions = {},
): Promise<LockedHash> {
  return lock(url, { key: "flat" }, ctx, options);
}

export function lockTar(
  url: string,
  ctx: FetchContext,
  options: LockOptions = {},
): Promise<LockedHash> {
  return lock(url, { key: "unpack" }, ctx, options);
}

export function lockBuild(
  url: string,
  flags: BuildFlags,
  ctx: FetchContext,
  options: LockOptions = {},
): Promise<LockedHash> {
  if (!flags.unpack) return lock(url, flags.exec ? { key: "exec" } : { key: "flat" }, ctx, options);
  const xz = urlPathEndsWithXz(url);
  const key = `nar${xz ? "-xz" : ""}${flags.exec ? "-exec" : ""}` as "nar";
  return lock(url, { key, xz, exec: flags.exec }, ctx, options);
}

/** builtin:fetchurl decompresses when the URL string ends in `.xz` (Nix 2.8: `hasSuffix(mainUrl, ".xz")`). */
function urlPathEndsWithXz(url: string): boolean {
  return url.endsWith(".xz");
}

async function lock(
  url: string,
  mode: Mode,
  ctx: FetchContext,
  options: LockOptions,
): Promise<LockedHash> {
  const limits = ctx.limits ?? DEFAULT_FETCH_LIMITS;
  const now = ctx.now ?? Date.now;
  const shown = redactUrl(url);
  const cache = new FetchCache(ctx.cacheDir);
  if (url.startsWith("file:")) return lockLocalFile(url, mode, cache, limits, shown, ctx.report);

  const entry = cache.urlEntry(url);
  const cached = entry !== null && cache.hasBlob(entry.blob) ? entry : null;
  if (cached !== null) {
    const known =
      cache.derived(cached.blob)[mode.key] ??
      (mode.key === "flat" ? flatSri(cached.blob) : undefined);
    const fresh = now() - cached.checkedAt < limits.ttlSeconds * 1000;
    if (
      (options.known !== undefined && known === options.known) ||
      (fresh && options.refresh !== true)
    ) {
      cache.writeUrlEntry({ ...cached, usedAt: now() });
      const hash = await hashOf(
        cache.blobPath(cached.blob),
        cached.blob,
        mode,
        cache,
        limits,
        shown,
        ctx.report,
      );
      return { hash, downloaded: false, size: cached.size };
    }
  }

  const temp = cache.tempPath("download");
  // A tarball is unpacked (in memory, spilling to `scratch`) and hashed as it downloads; `hashOf`
  // unpacks from the file otherwise (zip).
  const scratch = cache.tempPath("unpack");
  const streaming =
    mode.key === "unpack"
      ? streamingUnpack(scratch, { maxBytes: limits.maxUnpackedBytes, where: shown })
      : null;
  try {
    const result = await download(url, {
      limits,
      report: ctx.report,
      dest: temp,
      ...(streaming === null ? {} : { tee: streaming.tee }),
      ...(cached?.etag === undefined ? {} : { etag: cached.etag }),
      ...(cached?.lastModified === undefined ? {} : { lastModified: cached.lastModified }),
    });
    if (result.status === "not-modified") {
      if (cached === null) {
        throw new EkaError(
          "EKA_FETCH_FAILED",
          `${shown} answered 304 Not Modified to a plain request`,
          {
            where: shown,
            hint: "the server is misbehaving; try again later",
          },
        );
      }
      cache.writeUrlEntry({ ...cached, checkedAt: now(), usedAt: now() });
      const hash = await hashOf(
        cache.blobPath(cached.blob),
        cached.blob,
        mode,
        cache,
        limits,
        shown,
        ctx.report,
      );
      return { hash, downloaded: false, size: cached.size };
    }
    const hex = Buffer.from(result.digest).toString("hex");
    // Hash (and for archives, unpack) before anything enters the cache: a refused archive
    // leaves no entry behind.
    const unpacked = streaming?.outcome() ?? null;
    let hash: SriHash;
    if (unpacked !== null) {
      warnTopLevel(ctx.report, unpacked, shown);
      hash = sriHashFromBytes(unpacked.digest);
      cache.addDerived(hex, mode.key, hash);
    } else {
      hash = await hashOf(temp, hex, mode, cache, limits, shown, ctx.report);
    }
    cache.commitBlob(temp, hex);
    const time = now();
    const fresh: UrlEntry = {
      url,
      blob: hex,
      size: result.size,
      ...(result.etag === undefined ? {} : { etag: result.etag }),
      ...(result.lastModified === undefined ? {} : { lastModified: result.lastModified }),
      fetchedAt: time,
      checkedAt: time,
      usedAt: time,
    };
    cache.writeUrlEntry(fresh);
    return { hash, downloaded: true, size: result.size };
  } finally {
    removeFile(temp);
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * `nix-prefetch-url --unpack` hashes an archive without a single top-level entry as the whole
 * directory (and so does eka), but `builtins.fetchTarball` (Nix 2.8) refuses such an archive.
 */
function warnTopLevel(report: Report, unpacked: UnpackResult, shown: string): void {
  if (unpacked.topEntries === 1) return;
  report.warn(
    "EKA_ARCHIVE_INVALID",
    `${shown} has ${unpacked.topEntries} top-level entries, not one: locked as nix-prefetch-url --unpack hashes it (the whole directory), but builtins.fetchTarball refuses such an archive`,
  );
}

function flatSri(hex: string): SriHash {
  return sriHashFromBytes(Buffer.from(hex, "hex"));
}

async function lockLocalFile(
  url: string,
  mode: Mode,
  cache: FetchCache,
  limits: FetchLimits,
  shown: string,
  report: Report,
): Promise<LockedHash> {
  let path: string;
  try {
    path = fileURLToPath(url);
  } catch (error) {
    throw new EkaError("EKA_FETCH_FAILED", `not a file URL: ${shown}`, {
      where: shown,
      hint: "write file:///absolute/path",
      cause: error,
    });
  }
  let flat: Uint8Array;
  try {
    flat = await sha256File(path);
  } catch (error) {
    throw new EkaError("EKA_FETCH_FAILED", `cannot read ${shown}`, {
      where: shown,
      hint: "check that the file exists and is readable",
      cause: error,
    });
  }
  const hex = Buffer.from(flat).toString("hex");
  const { size } = statSync(path);
  return {
    hash: await hashOf(path, hex, mode, cache, limits, shown, report),
    downloaded: false,
    size,
  };
}

/** The hash `mode` asks for, of the file at `path` whose flat sha256 is `hex` (memoised). */
async function hashOf(
  path: string,
  hex: string,
  mode: Mode,
  cache: FetchCache,
  limits: FetchLimits,
  shown: string,
  report: Report,
): Promise<SriHash> {
  if (mode.key === "flat") return flatSri(hex);
  const known = cache.derived(hex)[mode.key];
  if (known !== undefined) return known as SriHash;
  let hash: SriHash;
  if (mode.key === "exec") {
    hash = sriHashFromBytes((await narHashPath(path, { executable: true })).digest);
  } else if (mode.key === "unpack") {
    const scratch = cache.tempPath("unpack");
    try {
      const unpacked = await unpackArchive(path, scratch, {
        maxBytes: limits.maxUnpackedBytes,
        where: shown,
      });
      warnTopLevel(report, unpacked, shown);
      hash = sriHashFromBytes(unpacked.digest);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  } else {
    const file = createReadStream(path, { highWaterMark: 1 << 20 });
    const source = mode.xz ? file.pipe(createUnxz()) : file;
    try {
      hash = sriHashFromBytes(
        (await narHashStream(source, { executable: mode.exec, where: shown })).digest,
      );
    } catch (error) {
      if (error instanceof EkaError) throw error;
      throw new EkaError(
        "EKA_ARCHIVE_INVALID",
        `cannot read ${shown} as an xz-compressed NAR: ${String(error)}`,
        {
          where: shown,
          hint: "a URL ending in .xz with unpack = true must be an xz-compressed NAR",
          cause: error,
        },
      );
    } finally {
      file.destroy();
    }
  }
  cache.addDerived(hex, mode.key, hash);
  return hash;
}
