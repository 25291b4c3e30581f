/**
 * The fetch layer's oracle and its cleanliness check: what `nix-prefetch-url` locks for a URL,
 * and that a refused download left nothing in eka's download cache.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { sriFromNixBase32 } from "../../src/hash/index.ts";

/**
 * `nix-prefetch-url [flags] URL` as SRI, with `env` added to the environment. Asynchronous: the
 * server it asks usually lives in the test's own process.
 */
export async function nixPrefetchWithEnv(
  env: NodeJS.ProcessEnv,
  url: string,
  ...flags: string[]
): Promise<string> {
  const { stdout } = await promisify(execFile)("nix-prefetch-url", [...flags, url], {
    encoding: "utf8",
    env: { ...process.env, ...env },
  });
  return sriFromNixBase32(stdout.trim());
}

/** `nix-prefetch-url [flags] URL` as SRI. */
export function nixPrefetch(url: string, ...flags: string[]): Promise<string> {
  return nixPrefetchWithEnv({}, url, ...flags);
}

/** Nothing in the cache: no blob, no URL entry, no derived hash, nothing left in tmp/. */
export function assertEmptyCache(cacheDir: string): void {
  for (const dir of ["blobs", "urls", "derived", "tmp"]) {
    let names: string[] = [];
    try {
      names = readdirSync(join(cacheDir, "fetch", dir));
    } catch {}
    assert.deepEqual(names, [], `${dir}/ is empty`);
  }
}
