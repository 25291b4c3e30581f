/**
 * The download cache on disk: what `eka cache info` counts, what `eka cache gc` removes (unused
 * URLs, unreferenced files, old leftovers) and keeps, and that a lock after gc downloads again.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import { DEFAULT_FETCH_LIMITS } from "../../src/config/index.ts";
import { silentReport } from "../../src/core/index.ts";
import { cacheGc, cacheInfo, type FetchContext, lockUrl } from "../../src/fetch/index.ts";
import { runEka, runEkaJson } from "../helpers/eka.ts";
import { startHttpServer } from "../helpers/http-server.ts";

const DAY = 24 * 3600 * 1000;

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), "eka-cache-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function backdate(path: string, ms: number): void {
  const when = new Date(Date.now() - ms);
  utimesSync(path, when, when);
}

test("cache info counts downloads; gc removes unused and unreferenced entries only", async (t) => {
  const server = await startHttpServer(t);
  server.route("/a", { body: randomBytes(10_000) });
  server.route("/b", { body: randomBytes(20_000) });
  const cacheDir = tempDir(t);
  const ctx: FetchContext = { cacheDir, report: silentReport, limits: DEFAULT_FETCH_LIMITS };
  await lockUrl(server.url("/a"), ctx);
  await lockUrl(server.url("/b"), ctx);
  const info = cacheInfo(cacheDir);
  assert.equal(info.location, cacheDir);
  assert.equal(info.urls, 2);
  assert.equal(info.blobs, 2);
  assert.equal(info.blobBytes, 30_000);
  assert.ok(info.bytes >= 30_000 && info.totalBytes >= info.bytes);

  // A stray blob no URL names (old), a leftover download (old) and one in progress (new).
  const stray = join(cacheDir, "fetch", "blobs", "0".repeat(64));
  writeFileSync(stray, "stray");
  backdate(stray, 2 * 3600 * 1000);
  const tmp = join(cacheDir, "fetch", "tmp");
  mkdirSync(join(tmp, "unpack-old"), { recursive: true });
  backdate(join(tmp, "unpack-old"), 2 * 3600 * 1000);
  writeFileSync(join(tmp, "download-now"), "partial");

  // Nothing is 30 days unused yet: only the stray blob and the old leftover go.
  const first = cacheGc(cacheDir);
  assert.deepEqual(first.removed, { urls: 0, blobs: 1, derived: 0, temporary: 1 });
  assert.deepEqual(first.kept, { urls: 2, blobs: 2 });
  assert.ok(first.freedBytes > 0);

  // 40 days later, with /a used again 35 days in: only /b (and its blob) is unused for 30 days.
  await lockUrl(server.url("/a"), { ...ctx, now: () => Date.now() + 35 * DAY });
  const later = cacheGc(cacheDir, { now: Date.now() + 40 * DAY });
  assert.equal(later.removed.urls, 1);
  assert.equal(later.kept.urls, 1);
  assert.equal(cacheInfo(cacheDir).blobs, 1);

  // After gc --all a lock downloads again.
  cacheGc(cacheDir, { all: true });
  assert.equal(cacheInfo(cacheDir).urls, 0);
  const before = server.count("/a");
  const again = await lockUrl(server.url("/a"), ctx);
  assert.equal(again.downloaded, true);
  assert.equal(server.count("/a"), before + 1);
});

test("eka cache info and gc on the command line, with --json", async (t) => {
  const server = await startHttpServer(t);
  server.route("/f", { body: "file\n" });
  const cacheDir = tempDir(t);
  await lockUrl(server.url("/f"), { cacheDir, report: silentReport });
  const env = { EKA_CACHE_DIR: cacheDir };
  const info = await runEkaJson(cacheDir, ["cache", "info"], env);
  assert.equal(info.code, 0);
  assert.equal(info.json.data.info.location, cacheDir);
  assert.equal(info.json.data.info.urls, 1);
  const text = await runEka(cacheDir, ["cache", "info"], env);
  assert.match(text.stdout, /downloads: 1 URL, 1 file/);
  const gc = await runEkaJson(cacheDir, ["cache", "gc", "--all"], env);
  assert.equal(gc.code, 0);
  assert.equal(gc.json.data.gc.removed.urls, 1);
  assert.equal(gc.json.data.gc.policy, "removed every download");
  const bad = await runEkaJson(cacheDir, ["cache", "gc", "--older-than", "soon"], env);
  assert.equal(bad.code, 2);
  assert.equal(bad.json.error.code, "EKA_USAGE");
});
