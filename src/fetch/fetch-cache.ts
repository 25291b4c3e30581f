/**
 * The download cache under the cache directory (`$XDG_CACHE_HOME/eka/fetch/`):
 *
 *   blobs/<sha256 hex>        downloaded bytes, named by their flat sha256 (content-addressed)
 *   derived/<sha256 hex>.json hashes computed from a blob: {"unpack": "sha256-…", "exec": …}
 *   urls/<sha256 hex of URL>.json
 *                             what a URL gave last: {url, blob, size, etag, lastModified,
 *                             fetchedAt, checkedAt, usedAt} (times in ms since the epoch)
 *   tmp/                      downloads in progress, and unpack spill files (contents of an
 *                             archive too large to hash from memory)
 *
 * Everything is written to tmp/ first and renamed into place, so no reader ever sees a partial
 * entry, and two processes fetching the same URL at once both end with a whole one. A damaged
 * index file reads as absent (the URL is fetched again).
 */
import { randomBytes } from "node:crypto";
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { sha256Bytes } from "../hash/index.ts";

export interface UrlEntry {
  readonly url: string;
  /** The blob (flat sha256, hex) the URL gave. */
  readonly blob: string;
  readonly size: number;
  readonly etag?: string;
  readonly lastModified?: string;
  /** When the blob was downloaded. */
  readonly fetchedAt: number;
  /** When the server last confirmed it (a download or a 304). */
  readonly checkedAt: number;
  /** When a lock last used it. */
  readonly usedAt: number;
}

export type DerivedHashes = Readonly<Record<string, string>>;

const HEX = /^[0-9a-f]{64}$/;

export class FetchCache {
  readonly root: string;

  constructor(cacheDir: string) {
    this.root = join(cacheDir, "fetch");
  }

  #dir(name: "blobs" | "derived" | "urls" | "tmp"): string {
    const dir = join(this.root, name);
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  blobPath(hex: string): string {
    return join(this.root, "blobs", hex);
  }

  hasBlob(hex: string): boolean {
    return HEX.test(hex) && existsSync(this.blobPath(hex));
  }

  /** A fresh path in tmp/ (nothing created there). */
  tempPath(prefix: string): string {
    return join(this.#dir("tmp"), `${prefix}-${process.pid}-${randomBytes(6).toString("hex")}`);
  }

  /** Moves a whole downloaded file into blobs/ under its hash. */
  commitBlob(temp: string, hex: string): string {
    if (!HEX.test(hex)) throw new Error(`not a sha256 hex digest: ${hex}`);
    this.#dir("blobs");
    const path = this.blobPath(hex);
    renameSync(temp, path);
    return path;
  }

  #urlFile(url: string): string {
    return join(this.root, "urls", `${Buffer.from(sha256Bytes(url)).toString("hex")}.json`);
  }

  urlEntry(url: string): UrlEntry | null {
    const entry = readJson(this.#urlFile(url)) as UrlEntry | null;
    if (entry === null || entry.url !== url || typeof entry.blob !== "string") return null;
    return entry;
  }

  writeUrlEntry(entry: UrlEntry): void {
    this.#dir("urls");
    this.#writeAtomic(this.#urlFile(entry.url), `${JSON.stringify(entry)}\n`);
  }

  derived(hex: string): DerivedHashes {
    const value = readJson(join(this.root, "derived", `${hex}.json`));
    return value !== null && typeof value === "object" ? (value as DerivedHashes) : {};
  }

  addDerived(hex: string, key: string, hash: string): void {
    const current = this.derived(hex);
    if (current[key] === hash) return;
    const file = join(this.#dir("derived"), `${hex}.json`);
    this.#writeAtomic(file, `${JSON.stringify({ ...current, [key]: hash })}\n`);
  }

  #writeAtomic(path: string, text: string): void {
    const temp = this.tempPath("index");
    const fd = openSync(temp, "wx", 0o644);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  }

  /** Every URL entry (damaged ones skipped). */
  urlEntries(): { readonly file: string; readonly entry: UrlEntry }[] {
    const out: { file: string; entry: UrlEntry }[] = [];
    for (const name of list(join(this.root, "urls"))) {
      const file = join(this.root, "urls", name);
      const entry = readJson(file) as UrlEntry | null;
      if (entry !== null && typeof entry.blob === "string") out.push({ file, entry });
    }
    return out;
  }

  /** Names in one of the cache's folders (none when it does not exist). */
  list(name: "blobs" | "derived" | "urls" | "tmp"): string[] {
    return list(join(this.root, name));
  }

  remove(path: string): void {
    rmSync(path, { recursive: true, force: true });
  }
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return null;
  }
}

/** Size of a file or, recursively, a directory (symlinks not followed). */
export function diskSize(path: string): number {
  try {
    const stats = statSync(path, { throwIfNoEntry: false });
    if (stats === undefined) return 0;
    if (!stats.isDirectory()) return stats.size;
    return readdirSync(path).reduce((sum, name) => sum + diskSize(join(path, name)), 0);
  } catch {
    return 0;
  }
}

/** Removes a file if it is there. */
export function removeFile(path: string): void {
  try {
    unlinkSync(path);
  } catch {}
}
