// The floor for `eka resolve` (bench/cases/resolve.ts): a minimal Node program that makes the
// same protocol-v2 ref listings eka needs (ls-refs with ref-prefix, filtered by the server, and
// peel: eka, as git ls-remote, asks which refs are annotated tags),
// all at once, and counts the refs it gets back. A local repository ({ dir }): one
// `git upload-pack` each. An http(s) URL ({ url }): smart HTTP v2 as gitprotocol-http(5) has it,
// the capability advertisement (GET info/refs) then the command (POST git-upload-pack).
// Plain JavaScript on purpose: no type stripping, nothing but what the listings need.
// Usage: node ls-refs-floor.mjs <listings.json>
//   ([{ "dir": "/abs/repo", "prefixes": [...] }] or [{ "url": "http://…/repo", "prefixes": [...] }])
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";

const pkt = (line) => `${(line.length + 4).toString(16).padStart(4, "0")}${line}`;
const request = (prefixes) =>
  [
    pkt("command=ls-refs\n"),
    "0001",
    pkt("peel\n"),
    ...prefixes.map((p) => pkt(`ref-prefix ${p}\n`)),
    "0000",
  ].join("");

function countRefs(data) {
  let refs = 0;
  for (let at = 0; at + 4 <= data.length; ) {
    const size = Number.parseInt(data.subarray(at, at + 4).toString("latin1"), 16);
    if (size < 4) break;
    refs++;
    at += size;
  }
  return refs;
}

function listLocal(dir, prefixes) {
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
      resolve(countRefs(Buffer.concat(chunks)));
    });
    child.stdin.end(request(prefixes));
  });
}

async function listHttp(url, prefixes) {
  const headers = { "Git-Protocol": "version=2" };
  const advertised = await fetch(`${url}/info/refs?service=git-upload-pack`, { headers });
  if (!advertised.ok) throw new Error(`GET ${url} failed (${advertised.status})`);
  await advertised.arrayBuffer();
  const reply = await fetch(`${url}/git-upload-pack`, {
    method: "POST",
    headers: { ...headers, "Content-Type": "application/x-git-upload-pack-request" },
    body: request(prefixes),
  });
  if (!reply.ok) throw new Error(`POST ${url} failed (${reply.status})`);
  return countRefs(Buffer.from(await reply.arrayBuffer()));
}

const listings = JSON.parse(readFileSync(process.argv[2], "utf8"));
const counts = await Promise.all(
  listings.map((l) =>
    l.url === undefined ? listLocal(l.dir, l.prefixes) : listHttp(l.url, l.prefixes),
  ),
);
process.stdout.write(`${counts.reduce((a, b) => a + b, 0)}\n`);
