/**
 * Downloads over HTTPS from a loopback server with its own certificate (trusted here through
 * `tls.setDefaultCACertificates`, and by Nix through NIX_SSL_CERT_FILE): the hashes equal
 * `nix-prefetch-url [--unpack]`'s, directly and through an `https_proxy` (a CONNECT tunnel, TLS
 * inside); a server whose certificate is not trusted is refused with a clear error, no retry and
 * no cache entry.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createHttpsServer } from "node:https";
import { connect, createServer as createTcpServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import { getCACertificates, setDefaultCACertificates } from "node:tls";
import { DEFAULT_FETCH_LIMITS, type FetchLimits } from "../../src/config/index.ts";
import { collectingReport, EkaError, silentReport } from "../../src/core/index.ts";
import { type FetchContext, lockTar, lockUrl } from "../../src/fetch/index.ts";
import { assertEmptyCache, nixPrefetchWithEnv } from "../helpers/fetch-checks.ts";

/** `nix-prefetch-url` trusting the test's own certificate authority. */
const nixPrefetch = (url: string, certFile: string, ...flags: string[]) =>
  nixPrefetchWithEnv({ NIX_SSL_CERT_FILE: certFile }, url, ...flags);

const LIMITS: FetchLimits = { ...DEFAULT_FETCH_LIMITS, retries: 2, retryDelayMs: 10 };

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), "eka-https-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A self-signed certificate for 127.0.0.1 (openssl, P-256). */
function certificate(dir: string): { key: string; cert: string; certFile: string } {
  const key = join(dir, "key.pem");
  const certFile = join(dir, "cert.pem");
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-keyout",
      key,
      "-out",
      certFile,
      "-days",
      "2",
      "-subj",
      "/CN=eka test",
      "-addext",
      "subjectAltName=IP:127.0.0.1",
    ],
    { stdio: "ignore" },
  );
  return { key: readFileSync(key, "utf8"), cert: readFileSync(certFile, "utf8"), certFile };
}

interface Served {
  readonly origin: string;
  readonly requests: string[];
}

/** An HTTPS server for fixed bodies; counts requests. */
function serveHttps(
  t: TestContext,
  tls: { key: string; cert: string },
  bodies: Readonly<Record<string, Buffer>>,
): Promise<Served> {
  const requests: string[] = [];
  const server = createHttpsServer(tls, (req, res) => {
    requests.push(`${req.headers.host} ${req.url}`);
    const body = bodies[req.url ?? ""];
    // The Host header names the port (through a tunnel too).
    if (body === undefined) res.writeHead(404).end();
    else res.writeHead(200, { "content-length": String(body.length) }).end(body);
  });
  t.after(
    () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  );
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      if (address === null || typeof address === "string") throw new Error("no port");
      resolve({ origin: `https://127.0.0.1:${address.port}`, requests });
    });
  });
}

/** A proxy that only tunnels (CONNECT host:port), recording each authority asked for. */
function connectProxy(t: TestContext): Promise<{ url: string; tunnels: string[] }> {
  const tunnels: string[] = [];
  const sockets = new Set<Socket>();
  const server = createTcpServer((client) => {
    sockets.add(client);
    client.on("close", () => sockets.delete(client));
    client.on("error", () => {});
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf("\r\n\r\n");
      if (end < 0) return;
      client.off("data", onData);
      const [method, authority] = head.subarray(0, end).toString("latin1").split(" ");
      if (method !== "CONNECT" || authority === undefined) {
        client.end("HTTP/1.1 405 Method Not Allowed\r\n\r\n");
        return;
      }
      tunnels.push(authority);
      const colon = authority.lastIndexOf(":");
      const upstream = connect(Number(authority.slice(colon + 1)), authority.slice(0, colon));
      sockets.add(upstream);
      upstream.on("close", () => sockets.delete(upstream));
      upstream.on("error", () => client.destroy());
      upstream.once("connect", () => {
        client.write("HTTP/1.1 200 Connection established\r\n\r\n");
        const rest = head.subarray(end + 4);
        if (rest.length > 0) upstream.write(rest);
        client.pipe(upstream);
        upstream.pipe(client);
      });
    };
    client.on("data", onData);
  });
  t.after(
    () =>
      new Promise<void>((done) => {
        for (const s of sockets) s.destroy();
        server.close(() => done());
      }),
  );
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      if (address === null || typeof address === "string") throw new Error("no port");
      resolve({ url: `http://127.0.0.1:${address.port}`, tunnels });
    });
  });
}

test("https downloads, direct and through a CONNECT proxy, hash as nix-prefetch-url; an untrusted certificate is refused", async (t) => {
  const work = tempDir(t);
  const tls = certificate(work);
  mkdirSync(join(work, "pkg-2.0", "bin"), { recursive: true });
  writeFileSync(join(work, "pkg-2.0", "bin", "tool"), "#!/bin/sh\n", { mode: 0o755 });
  writeFileSync(join(work, "pkg-2.0", "data"), randomBytes(200_000));
  execFileSync("tar", ["-C", work, "-czf", join(work, "pkg.tar.gz"), "pkg-2.0"]);
  const server = await serveHttps(t, tls, {
    "/file.bin": randomBytes(123_457),
    "/pkg.tar.gz": readFileSync(join(work, "pkg.tar.gz")),
  });
  const ctx = (limits: Partial<FetchLimits> = {}): FetchContext => ({
    cacheDir: tempDir(t),
    report: silentReport,
    limits: { ...LIMITS, ...limits },
  });

  // Not trusted yet: refused at once (a certificate problem is not retried), nothing cached.
  const report = collectingReport();
  const untrusted = { ...ctx(), report };
  await assert.rejects(lockUrl(`${server.origin}/file.bin`, untrusted), (e) => {
    assert.ok(e instanceof EkaError, String(e));
    assert.equal(e.code, "EKA_FETCH_FAILED");
    assert.match(e.message, /cannot download https:\/\/127\.0\.0\.1:\d+\/file\.bin: .*certificate/);
    return true;
  });
  assert.equal(server.requests.length, 0);
  assert.deepEqual(
    report.events.filter((e) => e.kind === "warn"),
    [],
    "no retry",
  );
  assertEmptyCache(untrusted.cacheDir);

  setDefaultCACertificates([...getCACertificates("default"), tls.cert]);
  const direct = ctx();
  const file = await lockUrl(`${server.origin}/file.bin`, direct);
  assert.equal(file.hash, await nixPrefetch(`${server.origin}/file.bin`, tls.certFile));
  const tar = await lockTar(`${server.origin}/pkg.tar.gz`, direct);
  assert.equal(
    tar.hash,
    await nixPrefetch(`${server.origin}/pkg.tar.gz`, tls.certFile, "--unpack"),
  );

  const proxy = await connectProxy(t);
  const via = ctx({ proxy: { https: proxy.url, noProxy: [] } });
  const before = server.requests.length;
  assert.equal((await lockUrl(`${server.origin}/file.bin`, via)).hash, file.hash);
  assert.equal((await lockTar(`${server.origin}/pkg.tar.gz`, via)).hash, tar.hash);
  const authority = server.origin.slice("https://".length);
  assert.deepEqual(proxy.tunnels, [authority, authority]);
  assert.deepEqual(server.requests.slice(before), [
    `${authority} /file.bin`,
    `${authority} /pkg.tar.gz`,
  ]);
});
