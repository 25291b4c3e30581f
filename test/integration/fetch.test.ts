/**
 * Downloads through `lockUrl` against a loopback server: the flat hash equals
 * `nix-prefetch-url` of the same URL; redirects, conditional revalidation (ETag, Last-Modified),
 * the cache (a re-lock asks nothing), retries, time limits, truncated bodies, proxies, and that a
 * failure leaves no cache entry behind.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import { DEFAULT_FETCH_LIMITS, type FetchLimits } from "../../src/config/index.ts";
import { collectingReport, EkaError, silentReport } from "../../src/core/index.ts";
import { type FetchContext, lockUrl } from "../../src/fetch/index.ts";
import { assertEmptyCache, nixPrefetch } from "../helpers/fetch-checks.ts";
import { startHttpProxy, startHttpServer } from "../helpers/http-server.ts";

const LIMITS: FetchLimits = {
  ...DEFAULT_FETCH_LIMITS,
  connectTimeoutMs: 5000,
  idleTimeoutMs: 400,
  retries: 0,
  retryDelayMs: 10,
};

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), "eka-fetch-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function context(t: TestContext, limits: Partial<FetchLimits> = {}): FetchContext {
  return { cacheDir: tempDir(t), report: silentReport, limits: { ...LIMITS, ...limits } };
}

async function rejectsWith(promise: Promise<unknown>, code: string, pattern: RegExp) {
  await assert.rejects(promise, (error) => {
    assert.ok(error instanceof EkaError, String(error));
    assert.equal(error.code, code);
    assert.match(error.message, pattern);
    return true;
  });
}

test("a url pin's hash equals nix-prefetch-url's, also through a redirect", async (t) => {
  const server = await startHttpServer(t);
  const body = randomBytes(3_000_001);
  server.route("/file.bin", { body });
  server.route("/latest", { redirect: "/file.bin" });
  server.route("/hop", { redirect: server.url("/latest") });
  const ctx = context(t);
  const direct = await lockUrl(server.url("/file.bin"), ctx);
  assert.equal(direct.hash, await nixPrefetch(server.url("/file.bin")));
  assert.equal(direct.size, body.length);
  assert.equal(direct.downloaded, true);
  const redirected = await lockUrl(server.url("/hop"), ctx);
  assert.equal(redirected.hash, direct.hash);
  assert.equal(redirected.hash, await nixPrefetch(server.url("/hop")));
});

test("a cached re-lock makes no request; an expired one revalidates with ETag and gets 304", async (t) => {
  const server = await startHttpServer(t);
  server.route("/a.txt", { body: "version 1\n", etag: '"v1"' });
  const ctx = context(t);
  const first = await lockUrl(server.url("/a.txt"), ctx);
  assert.equal(server.count("/a.txt"), 1);
  // Fresh (within fetch.ttl): no request at all.
  const again = await lockUrl(server.url("/a.txt"), ctx);
  assert.deepEqual(again, { ...first, downloaded: false });
  assert.equal(server.count("/a.txt"), 1);
  // Expired (ttl 0) but the lock knows the hash: still no request.
  const stale = { ...ctx, limits: { ...LIMITS, ttlSeconds: 0 } };
  const known = await lockUrl(server.url("/a.txt"), stale, { known: first.hash });
  assert.equal(known.hash, first.hash);
  assert.equal(server.count("/a.txt"), 1);
  // Expired and nothing known: a conditional request, answered 304, nothing downloaded.
  const revalidated = await lockUrl(server.url("/a.txt"), stale);
  assert.equal(revalidated.downloaded, false);
  assert.equal(revalidated.hash, first.hash);
  assert.equal(server.count("/a.txt"), 2);
  assert.equal(server.requests.at(-1)?.headers["if-none-match"], '"v1"');
  // The content changes: a refresh downloads it and the hash moves.
  server.route("/a.txt", { body: "version 2\n", etag: '"v2"' });
  const fresh = await lockUrl(server.url("/a.txt"), ctx, { refresh: true });
  assert.equal(fresh.downloaded, true);
  assert.notEqual(fresh.hash, first.hash);
  assert.equal(fresh.hash, await nixPrefetch(server.url("/a.txt")));
});

test("Last-Modified revalidates when there is no ETag", async (t) => {
  const server = await startHttpServer(t);
  const date = "Wed, 21 Oct 2015 07:28:00 GMT";
  server.route("/b.txt", { body: "b\n", lastModified: date });
  const ctx = context(t);
  await lockUrl(server.url("/b.txt"), ctx);
  const result = await lockUrl(server.url("/b.txt"), ctx, { refresh: true });
  assert.equal(result.downloaded, false);
  assert.equal(server.requests.at(-1)?.headers["if-modified-since"], date);
});

test("transient failures are retried with backoff, and warned about", async (t) => {
  const server = await startHttpServer(t);
  server.route("/flaky", { body: "ok\n", failFirst: { count: 2, status: 503 } });
  const report = collectingReport();
  const ctx = { ...context(t, { retries: 3 }), report };
  const result = await lockUrl(server.url("/flaky"), ctx);
  assert.equal(result.hash, await nixPrefetch(server.url("/flaky")));
  assert.equal(server.count("/flaky"), 4, "3 from eka (2 failures, 1 success), 1 from nix");
  const warnings = report.events.filter((e) => e.kind === "warn");
  assert.equal(warnings.length, 2);
  assert.match(warnings[0]!.message, /503.*attempt 2 of 4/);
});

test("a 404 fails at once with the URL, and credentials never show", async (t) => {
  const server = await startHttpServer(t);
  const ctx = context(t, { retries: 3 });
  const url = server.url("/missing").replace("http://", "http://user:s3cret@");
  await assert.rejects(lockUrl(url, ctx), (error) => {
    assert.ok(error instanceof EkaError);
    assert.equal(error.code, "EKA_FETCH_FAILED");
    assert.match(error.message, /404/);
    assert.doesNotMatch(`${error.message} ${error.where} ${JSON.stringify(error.data)}`, /s3cret/);
    assert.match(error.where ?? "", /\*\*\*@127\.0\.0\.1/);
    return true;
  });
  assert.equal(server.count("/missing"), 1, "a 404 is not retried");
  assert.equal(server.requests[0]?.headers.authorization, `Basic ${btoa("user:s3cret")}`);
  assertEmptyCache(ctx.cacheDir);
});

test("a server that hangs before or during the body times out; nothing is cached", async (t) => {
  const server = await startHttpServer(t);
  server.route("/silent", { body: "never", hang: "headers" });
  server.route("/stalls", { body: randomBytes(200_000), hang: "body" });
  const ctx = context(t, { retries: 1 });
  for (const path of ["/silent", "/stalls"]) {
    await assert.rejects(lockUrl(server.url(path), ctx), (error) => {
      assert.ok(error instanceof EkaError);
      assert.equal(error.code, "EKA_FETCH_FAILED");
      assert.match(error.message, /no data for 0.4 s/);
      assert.equal(error.data?.["reason"], "timeout");
      return true;
    });
    assert.equal(server.count(path), 2, "one retry after the time limit");
  }
  assertEmptyCache(ctx.cacheDir);
});

test("a body cut short is retried, then refused; nothing is cached", async (t) => {
  const server = await startHttpServer(t);
  server.route("/cut", { body: randomBytes(100_000), truncateAt: 40_000 });
  const ctx = context(t, { retries: 2 });
  await rejectsWith(lockUrl(server.url("/cut"), ctx), "EKA_FETCH_FAILED", /cut short/);
  assert.equal(server.count("/cut"), 3);
  assertEmptyCache(ctx.cacheDir);
});

test("redirect loops and unsupported schemes are refused", async (t) => {
  const server = await startHttpServer(t);
  server.route("/loop", { redirect: "/loop" });
  server.route("/ftp", { redirect: "ftp://127.0.0.1/x" });
  const ctx = context(t);
  await rejectsWith(
    lockUrl(server.url("/loop"), ctx),
    "EKA_FETCH_FAILED",
    /more than 10 redirects/,
  );
  await rejectsWith(lockUrl(server.url("/ftp"), ctx), "EKA_FETCH_FAILED", /not http/);
  assertEmptyCache(ctx.cacheDir);
});

test("http_proxy is used, and no_proxy bypasses it", async (t) => {
  const server = await startHttpServer(t);
  const proxy = await startHttpProxy(t);
  server.route("/p.txt", { body: "through the proxy\n" });
  const via = context(t, { proxy: { http: proxy.url, noProxy: [] } });
  const result = await lockUrl(server.url("/p.txt"), via);
  assert.deepEqual(proxy.forwarded, [server.url("/p.txt")]);
  assert.equal(result.hash, await nixPrefetch(server.url("/p.txt")));
  const direct = context(t, { proxy: { http: proxy.url, noProxy: ["127.0.0.1"] } });
  await lockUrl(server.url("/p.txt"), direct);
  assert.equal(proxy.forwarded.length, 1, "no_proxy went around the proxy");
});

test("file:// URLs are read in place and hash as nix-prefetch-url hashes them", async (t) => {
  const dir = tempDir(t);
  const file = join(dir, "local.bin");
  writeFileSync(file, randomBytes(12_345));
  const ctx = context(t);
  const result = await lockUrl(`file://${file}`, ctx);
  assert.equal(result.hash, await nixPrefetch(`file://${file}`));
  assert.equal(result.downloaded, false);
  await rejectsWith(lockUrl(`file://${dir}/missing`, ctx), "EKA_FETCH_FAILED", /cannot read/);
});

test("progress reports size and rate", async (t) => {
  const server = await startHttpServer(t);
  server.route("/big", { body: randomBytes(2_000_000) });
  const report = collectingReport();
  await lockUrl(server.url("/big"), { ...context(t), report });
  const last = report.events.filter((e) => e.kind === "progress").at(-1);
  assert.match(
    last?.message ?? "",
    /^downloading http:\/\/127\.0\.0\.1:\d+\/big \(MB, [\d.]+ MB\/s\) 2\/2$/,
  );
});
