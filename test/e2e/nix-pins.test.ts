/**
 * Every kind of `[deps.direct.nix]` pin, locked by the real `eka resolve` against loopback
 * servers (an HTTP server for files, tarballs and NARs; a `git daemon` and a smart-HTTP git
 * server for repositories), then handed to Nix itself: `builtins.fetchurl`,
 * `builtins.fetchTarball`, `builtins.fetchGit` and a `nix-build` of `<nix/fetchurl.nix>` take the
 * locked values, and each gives the store path the locked hash names (computed here as Nix's
 * makeFixedOutputPath does), or, for git, the path Nix finds for the ref on its own. A re-lock
 * from scratch is served by eka's download cache: the HTTP server sees no request.
 */
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";
import { type LockedDep, parseLock } from "../../src/core/index.ts";
import { sha256FromSri, toNixBase32 } from "../../src/hash/index.ts";
import { commitAll } from "../helpers/atoms.ts";
import { runEka } from "../helpers/eka.ts";
import { git, tempDir, tempRepo } from "../helpers/git.ts";
import { startGitDaemon } from "../helpers/git-daemon.ts";
import { startHttpServer } from "../helpers/http-server.ts";
import { consumer, gitHttpServer, read } from "./resolve-fixtures.ts";

const run = promisify(execFile);
const STORE = "/nix/store";

/** Nix's makeStorePath: the first 20 bytes of a sha256, folded by XOR, in Nix base32. */
function makeStorePath(type: string, hex: string, name: string): string {
  const inner = createHash("sha256").update(`${type}:sha256:${hex}:${STORE}:${name}`).digest();
  const folded = new Uint8Array(20);
  for (let i = 0; i < inner.length; i++) folded[i % 20]! ^= inner[i]!;
  return `${STORE}/${toNixBase32(folded)}-${name}`;
}

/** Nix's makeFixedOutputPath for a sha256 (no references): what a fixed-output fetch yields. */
function fixedOutputPath(sri: string, name: string, recursive: boolean): string {
  const hex = Buffer.from(sha256FromSri(sri)).toString("hex");
  if (recursive) return makeStorePath("source", hex, name);
  const outer = createHash("sha256").update(`fixed:out:sha256:${hex}:`).digest("hex");
  return makeStorePath("output:out", outer, name);
}

/** Evaluates a Nix expression to JSON (fetchers at evaluation time may write the store). */
async function nixEval(expr: string): Promise<unknown> {
  const { stdout } = await run(
    "nix-instantiate",
    ["--eval", "--strict", "--json", "--read-write-mode", "-E", expr],
    { encoding: "utf8", maxBuffer: 1 << 24 },
  );
  return JSON.parse(stdout);
}

const str = (text: string) => JSON.stringify(text);

function dep<T extends LockedDep["type"]>(
  deps: readonly LockedDep[],
  name: string,
  type: T,
): Extract<LockedDep, { type: T }> {
  const found = deps.find((d) => "name" in d && d.name === name);
  assert.ok(found !== undefined, `the lock has ${name}`);
  assert.equal(found.type, type, `${name} is locked as ${type}`);
  return found as Extract<LockedDep, { type: T }>;
}

test("each pin type locks against loopback servers, and Nix accepts the locked values", async (t) => {
  const work = await tempDir(t, "eka-pins-");
  const server = await startHttpServer(t);

  // nix+url: a file, fetched flat.
  const data = randomBytes(100_000);
  server.route("/data.bin", { body: data });
  // nix+tar: a tarball with one top-level directory (executables, symlinks, unicode names).
  const tree = join(work, "src", "pkg-1.0");
  mkdirSync(join(tree, "bin"), { recursive: true });
  mkdirSync(join(tree, "empty"));
  writeFileSync(join(tree, "README"), "pkg\n");
  writeFileSync(join(tree, "bin", "run"), "#!/bin/sh\necho run\n");
  chmodSync(join(tree, "bin", "run"), 0o755);
  writeFileSync(join(tree, "ünïcödé"), randomBytes(70_000));
  execFileSync("ln", ["-s", "bin/run", join(tree, "run-link")]);
  execFileSync("tar", ["-C", join(work, "src"), "-czf", join(work, "pkg-1.0.tar.gz"), "pkg-1.0"]);
  server.route("/pkg-1.0.tar.gz", { body: { file: join(work, "pkg-1.0.tar.gz") } });
  // nix+build: a plain file, a tool made executable, and an xz-compressed NAR restored as the
  // output.
  server.route("/tool", { body: `#!/bin/sh\necho ${randomBytes(8).toString("hex")}\n` });
  server.route("/blob.dat", { body: randomBytes(40_000) });
  const nar = execFileSync("nix-store", ["--dump", tree], { maxBuffer: 1 << 26 });
  writeFileSync(join(work, "tree.nar"), nar);
  execFileSync("xz", ["-k", join(work, "tree.nar")]);
  server.route("/tree.nar.xz", { body: { file: join(work, "tree.nar.xz") } });

  // nix+git: one repository served by git daemon (git://) and by smart HTTP.
  const served = join(work, "served");
  mkdirSync(served);
  const upstream = await tempRepo(t, { initialCommit: true });
  git(upstream, "tag", "v1.0.0");
  writeFileSync(join(upstream, "lib.nix"), '{ version = "1.2.0"; }\n');
  commitAll(upstream, "1.2.0");
  git(upstream, "tag", "-a", "-m", "release 1.2.0", "v1.2.0");
  const tagged = git(upstream, "rev-parse", "HEAD").trim();
  writeFileSync(join(upstream, "lib.nix"), '{ version = "2.0.0-dev"; }\n');
  commitAll(upstream, "tip");
  const tip = git(upstream, "rev-parse", "HEAD").trim();
  git(upstream, "clone", "--quiet", "--bare", upstream, join(served, "lib.git"));
  const daemon = await startGitDaemon(t, served);
  const gitUrl = daemon.url("lib.git");
  const httpGitUrl = `${await gitHttpServer(t, served)}lib.git`;

  const app = await consumer(
    t,
    [
      "",
      "[deps.direct.nix]",
      `data = { url = ${str(server.url("/data.bin"))} }`,
      `pkg = { tar = ${str(server.url("/pkg-1.0.tar.gz"))} }`,
      `tool = { build = ${str(server.url("/tool"))}, exec = true }`,
      `blob = { build = ${str(server.url("/blob.dat"))} }`,
      `tree = { build = ${str(server.url("/tree.nar.xz"))}, unpack = true }`,
      `tip = { git = ${str(gitUrl)}, ref = "main" }`,
      `lib = { git = ${str(httpGitUrl)}, version = "^1" }`,
      "",
    ].join("\n"),
  );
  const env = { XDG_CACHE_HOME: await tempDir(t, "eka-cache-") };
  const resolved = await runEka(app, ["resolve"], env);
  assert.equal(resolved.code, 0, resolved.stderr);
  const lockText = read(app, "atom.lock");
  const deps = parseLock(lockText).deps;

  // A re-lock from scratch (the lock removed) finds every download in eka's cache: the server
  // sees no request at all, and the lock comes out the same.
  const requests = server.requests.length;
  unlinkSync(join(app, "atom.lock"));
  const again = await runEka(app, ["resolve"], env);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(read(app, "atom.lock"), lockText);
  assert.equal(server.requests.length, requests, "a cached re-lock downloads nothing");

  const url = dep(deps, "data", "nix+url");
  const tar = dep(deps, "pkg", "nix+tar");
  const tool = dep(deps, "tool", "nix+build");
  const treeNar = dep(deps, "tree", "nix+build");
  const blob = dep(deps, "blob", "nix+build");
  const tipPin = dep(deps, "tip", "nix+git");
  const libPin = dep(deps, "lib", "nix+git");
  assert.deepEqual(
    [tool.unpack, tool.exec, treeNar.unpack, treeNar.exec, blob.unpack, blob.exec],
    [false, true, true, false, false, false],
  );
  assert.equal(tipPin.rev, tip);
  assert.deepEqual([libPin.ref, libPin.rev], ["v1.2.0", tagged]);

  // Evaluation-time fetchers, with the locked values, give the paths the hashes name.
  // (A set with an outPath turns into its path in JSON: `pick` keeps fetchGit's path and rev.)
  const evaluated = (await nixEval(`let pick = g: { path = g.outPath; inherit (g) rev; }; in {
    data = builtins.fetchurl { url = ${str(url.url)}; sha256 = ${str(url.hash)}; };
    pkg = builtins.fetchTarball { url = ${str(tar.url)}; sha256 = ${str(tar.hash)}; };
    tip = pick (builtins.fetchGit { url = ${str(tipPin.url)}; ref = ${str(tipPin.ref!)}; rev = ${str(tipPin.rev)}; });
    tipAlone = pick (builtins.fetchGit { url = ${str(tipPin.url)}; ref = ${str(tipPin.ref!)}; });
    lib = pick (builtins.fetchGit { url = ${str(libPin.url)}; ref = "refs/tags/${libPin.ref!}"; rev = ${str(libPin.rev)}; });
    libAlone = pick (builtins.fetchGit { url = ${str(libPin.url)}; ref = "refs/tags/${libPin.ref!}"; });
  }`)) as Record<string, string | { path: string; rev: string }>;
  assert.equal(evaluated["data"], fixedOutputPath(url.hash, "data.bin", false));
  assert.equal(evaluated["pkg"], fixedOutputPath(tar.hash, "source", true));
  for (const name of ["tip", "lib"]) {
    const pinned = evaluated[name] as { path: string; rev: string };
    const alone = evaluated[`${name}Alone`] as { path: string; rev: string };
    assert.equal(pinned.rev, name === "tip" ? tip : tagged);
    assert.equal(pinned.path, alone.path, `${name}: the locked rev is what Nix finds`);
    // (Nix 2.8 reports an annotated tag's own id as `rev` when it resolves the tag itself.)
    if (name === "tip") assert.equal(alone.rev, pinned.rev);
  }

  // Build-time fetchurl (nix-build of <nix/fetchurl.nix>) checks the build pins' hashes.
  for (const [pin, flags, recursive] of [
    [tool, "executable = true;", true],
    [treeNar, "unpack = true;", true],
    [blob, "", false],
  ] as const) {
    const expr = `import <nix/fetchurl.nix> { url = ${str(pin.url)}; hash = ${str(pin.hash)}; ${flags} }`;
    const { stdout } = await run("nix-build", ["--no-out-link", "-E", expr], { encoding: "utf8" });
    const name = pin.url.slice(pin.url.lastIndexOf("/") + 1);
    assert.equal(stdout.trim(), fixedOutputPath(pin.hash, name, recursive), pin.url);
  }
});
