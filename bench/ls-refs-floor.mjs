// The floor for `eka resolve` (bench/cases/resolve.ts): a minimal Node program that makes the
// same protocol-v2 ref listings eka needs (ls-refs with ref-prefix, filtered by the server),
// all at once, one `git upload-pack` per repository, and counts the refs it gets back.
// Plain JavaScript on purpose: no type stripping, nothing but what the listings need.
// Usage: node ls-refs-floor.mjs <listings.json>   ([{ "dir": "/abs/repo", "prefixes": [...] }])
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";

const pkt = (line) => `${(line.length + 4).toString(16).padStart(4, "0")}${line}`;

function listRefs(dir, prefixes) {
  return new Promise((resolve, reject) => {
    const child = spawn("git", ["upload-pack", "--stateless-rpc", dir], {
      env: { ...process.env, GIT_PROTOCOL: "version=2" },
      stdio: ["pipe", "pipe", "inherit"],
    });
    const chunks = [];
    child.stdout.on("data", (chunk) => chunks.push(chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`upload-pack ${dir} failed (${code})`));
      const data = Buffer.concat(chunks);
      let refs = 0;
      for (let at = 0; at + 4 <= data.length; ) {
        const size = Number.parseInt(data.subarray(at, at + 4).toString("latin1"), 16);
        if (size < 4) break;
        refs++;
        at += size;
      }
      resolve(refs);
    });
    const request = [
      pkt("command=ls-refs\n"),
      "0001",
      ...prefixes.map((p) => pkt(`ref-prefix ${p}\n`)),
      "0000",
    ];
    child.stdin.end(request.join(""));
  });
}

const listings = JSON.parse(readFileSync(process.argv[2], "utf8"));
const counts = await Promise.all(listings.map((l) => listRefs(l.dir, l.prefixes)));
process.stdout.write(`${counts.reduce((a, b) => a + b, 0)}\n`);
