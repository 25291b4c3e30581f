/**
 * Locking a ~50 MB tarball (`nix+tar`) from a loopback URL: eka's `lockTar` (download, unpack in
 * memory as it arrives, NAR hash) with an empty cache each run, against `nix-prefetch-url
 * --unpack` on the same URL; then eka's re-lock from its cache (must download nothing: the server
 * counts requests, and a request fails the case) and a revalidation (`refresh`: one conditional
 * request, answered 304). The server is a separate Node process, so it does not share eka's
 * thread. `EKA_BENCH_FETCH_MIB` changes the size (default 50).
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { silentReport } from "../../src/core/index.ts";
import { lockTar } from "../../src/fetch/index.ts";
import { sriFromNixBase32 } from "../../src/hash/index.ts";
import type { BenchContext, BenchResult } from "../bench-result.ts";
import { measure, speedRatio } from "../measure.ts";
import { runCommand } from "../run-command.ts";

const MIB = 1024 * 1024;
/** The aim: eka at most 1.2× nix-prefetch-url's time. */
const TARGET = 1 / 1.2;

/** A static server for one file with an ETag; prints its port, then one line per request. */
const SERVER = `
const http = require("node:http"), fs = require("node:fs");
const file = process.argv[1], size = fs.statSync(file).size, etag = '"bench"';
http.createServer((req, res) => {
  process.stdout.write("request\\n");
  if (req.headers["if-none-match"] === etag) return res.writeHead(304, { etag }).end();
  res.writeHead(200, { "content-length": size, etag });
  fs.createReadStream(file, { highWaterMark: 1 << 20 }).pipe(res);
}).listen(0, "127.0.0.1", function () { process.stdout.write("port " + this.address().port + "\\n"); });
`;

function startServer(
  file: string,
): Promise<{ child: ChildProcess; url: string; requests: () => number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-e", SERVER, file], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let requests = 0;
    let buffered = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      buffered += chunk.toString("utf8");
      let newline = buffered.indexOf("\n");
      while (newline >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        if (line === "request") requests++;
        const port = /^port (\d+)$/.exec(line);
        if (port !== null) {
          resolve({
            child,
            url: `http://127.0.0.1:${port[1]}/project.tar.gz`,
            requests: () => requests,
          });
        }
        newline = buffered.indexOf("\n");
      }
    });
    child.once("error", reject);
  });
}

function makeTarball(dir: string, mebibytes: number): { file: string; bytes: number } {
  const tree = join(dir, "project-1.0");
  const bigFiles = Math.max(1, Math.round((mebibytes * 0.8) / 10));
  for (let i = 0; i < bigFiles; i++) {
    mkdirSync(join(tree, "assets"), { recursive: true });
    writeFileSync(join(tree, "assets", `big-${i}.bin`), randomBytes(10 * MIB));
  }
  const small = Math.round((mebibytes * 0.2 * MIB) / 5000);
  for (let i = 0; i < small; i++) {
    const sub = join(tree, "src", `mod-${i % 50}`);
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, `file-${i}.c`), randomBytes(5000));
  }
  const file = join(dir, "project.tar.gz");
  spawnSyncOk("tar", ["-C", dir, "-czf", file, "project-1.0"]);
  rmSync(tree, { recursive: true, force: true });
  return { file, bytes: Number(spawnSyncOk("stat", ["-c", "%s", file]).trim()) };
}

function spawnSyncOk(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`${command} failed: ${result.stderr}`);
  return result.stdout;
}

export async function run(context: BenchContext): Promise<BenchResult> {
  const mebibytes = Number(process.env["EKA_BENCH_FETCH_MIB"] ?? 50);
  const dir = mkdtempSync(join(tmpdir(), "eka-bench-fetch-"));
  context.log(`fetch: writing a ${mebibytes} MiB tarball…`);
  const tarball = makeTarball(dir, mebibytes);
  const server = await startServer(tarball.file);
  try {
    const hashes = new Set<string>();
    let cold = 0;
    spawnSyncOk("sync", []);
    context.log(`fetch: timing (${context.runs} runs each, alternating, after a warm-up)…`);
    // Alternate the two so that both meet the same disk and CPU weather.
    const ekaTimes: number[] = [];
    const nixTimes: number[] = [];
    for (let i = 0; i <= context.runs; i++) {
      const cacheDir = join(dir, `cache-${cold++}`);
      let start = performance.now();
      const locked = await lockTar(server.url, { cacheDir, report: silentReport });
      if (i > 0) ekaTimes.push(performance.now() - start);
      hashes.add(locked.hash);
      rmSync(cacheDir, { recursive: true, force: true });
      start = performance.now();
      await runCommand("nix-prefetch-url", ["--unpack", server.url]);
      if (i > 0) nixTimes.push(performance.now() - start);
    }
    const eka = {
      label: "eka lockTar, empty cache (download, unpack, hash)",
      timesMs: ekaTimes,
      bytes: tarball.bytes,
    };
    const nix = { label: "nix-prefetch-url --unpack", timesMs: nixTimes, bytes: tarball.bytes };
    const cacheDir = join(dir, "cache-warm");
    await lockTar(server.url, { cacheDir, report: silentReport });
    const before = server.requests();
    let downloads = 0;
    const cached = await measure("eka lockTar, cached re-lock", context.runs, async () => {
      const locked = await lockTar(server.url, { cacheDir, report: silentReport });
      if (locked.downloaded) downloads++;
    });
    const cachedRequests = server.requests() - before;
    const revalidate = await measure(
      "eka lockTar, refresh (conditional request, 304)",
      context.runs,
      async () => {
        const locked = await lockTar(
          server.url,
          { cacheDir, report: silentReport },
          { refresh: true },
        );
        if (locked.downloaded) downloads++;
      },
    );
    if (hashes.size !== 1) throw new Error(`lockTar gave different hashes: ${[...hashes]}`);
    const nixHash = sriFromNixBase32(
      spawnSyncOk("nix-prefetch-url", ["--unpack", server.url]).trim(),
    );
    if (!hashes.has(nixHash)) throw new Error(`eka ${[...hashes]} but nix-prefetch-url ${nixHash}`);
    // Not a timing: the cache's promise. A re-lock that reached the server is a bug.
    if (cachedRequests !== 0 || downloads !== 0) {
      throw new Error(`cached re-locks made ${cachedRequests} requests and ${downloads} downloads`);
    }
    return {
      title: "fetch: locking a tarball (nix+tar) from a loopback URL",
      setup:
        `${(tarball.bytes / 1e6).toFixed(0)} MB tar.gz; hash ${[...hashes][0]}; ` +
        `cached re-locks: ${cachedRequests} requests, ${downloads} downloads ` +
        `(refresh runs: 1 conditional request each, 304)`,
      figures: [eka, nix, cached, revalidate],
      ratios: [
        { label: "eka / nix-prefetch-url --unpack", value: speedRatio(eka, nix), target: TARGET },
        { label: "cached re-lock / nix-prefetch-url --unpack", value: speedRatio(cached, nix) },
      ],
    };
  } finally {
    server.child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}
