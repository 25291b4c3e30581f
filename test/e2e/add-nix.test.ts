/**
 * `eka add --nix NAME URL …` against loopback servers (a `git daemon`, an HTTP server): each
 * kind of direct dependency is written to `[deps.direct.nix]` with every other byte kept and
 * locked in the same pair write, the pair passes `eka resolve --locked`, bad input leaves both
 * files byte-identical, and `eka update NAME` moves only that pin.
 */
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";
import { type LockedDep, parseLock } from "../../src/core/index.ts";
import { commitAll } from "../helpers/atoms.ts";
import { type EkaJson, runEka, runEkaJson, snapshot } from "../helpers/eka.ts";
import { git, tempDir, tempRepo } from "../helpers/git.ts";
import { startGitDaemon } from "../helpers/git-daemon.ts";
import { startHttpServer } from "../helpers/http-server.ts";
import { consumer, gitHttpServer, publishedSet, publishVersion, read } from "./resolve-fixtures.ts";

const exec = promisify(execFile);

type Ctx = Parameters<typeof tempDir>[0];

async function userConfig(t: Ctx, text: string): Promise<NodeJS.ProcessEnv> {
  const dir = await tempDir(t, "eka-config-");
  mkdirSync(join(dir, "eka"));
  writeFileSync(join(dir, "eka", "eka.toml"), text);
  return { XDG_CONFIG_HOME: dir, EKA_CONFIG: "", XDG_CACHE_HOME: await tempDir(t, "eka-cache-") };
}

/** The SRI form of a Nix base32 sha256 (as nix-prefetch-url and nix-hash print it). */
function sriOf(base32: string): string {
  const hex = execFileSync("nix-hash", ["--type", "sha256", "--to-base16", base32], {
    encoding: "utf8",
  }).trim();
  return `sha256-${Buffer.from(hex, "hex").toString("base64")}`;
}

/** nix-prefetch-url (asynchronously: the HTTP server it asks runs in this process). */
async function prefetch(url: string, unpack: boolean): Promise<string> {
  const { stdout } = await exec("nix-prefetch-url", [...(unpack ? ["--unpack"] : []), url], {
    encoding: "utf8",
  });
  return sriOf(stdout.trim());
}

function locked(app: string, name: string): LockedDep {
  const dep = parseLock(read(app, "atom.lock")).deps.find((d) => "name" in d && d.name === name);
  assert.ok(dep !== undefined, `atom.lock has ${name}`);
  return dep;
}

async function add(app: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<EkaJson> {
  const run = await runEkaJson(app, ["add", "--nix", ...args], env);
  assert.equal(run.code, 0, `${args.join(" ")}: ${JSON.stringify(run.json.error)} ${run.stderr}`);
  const check = await runEka(app, ["resolve", "--locked"], env);
  assert.equal(check.code, 0, `resolve --locked after ${args.join(" ")}: ${check.stderr}`);
  return run.json;
}

/** A bare repository `acme/lib.git` under a git daemon, from an upstream with tags and a branch. */
async function servedLib(t: Ctx) {
  const served = await tempDir(t, "eka-served-");
  const upstream = await tempRepo(t, { initialCommit: true });
  git(upstream, "tag", "v1.0.0");
  writeFileSync(join(upstream, "lib.nix"), '{ version = "1.2.0"; }\n');
  commitAll(upstream, "1.2.0");
  git(upstream, "tag", "-a", "-m", "release 1.2.0", "v1.2.0");
  const tagged = git(upstream, "rev-parse", "HEAD").trim();
  git(upstream, "branch", "dev");
  writeFileSync(join(upstream, "lib.nix"), '{ version = "2.0.0-dev"; }\n');
  commitAll(upstream, "tip");
  git(upstream, "tag", "2.0.0-rc.1");
  const tip = git(upstream, "rev-parse", "HEAD").trim();
  const bare = join(served, "acme", "lib.git");
  mkdirSync(join(served, "acme"));
  git(upstream, "clone", "--quiet", "--bare", upstream, bare);
  const daemon = await startGitDaemon(t, served);
  return { upstream, served, bare, daemon, tagged, tip, dev: tagged };
}

test("git pins: by ^^ref through an alias, by --git REF, by --git REQ, and the default branch", async (t) => {
  const lib = await servedLib(t);
  const root = `git://127.0.0.1:${lib.daemon.port}/`;
  const env = await userConfig(t, `[aliases]\ngh = "${root}"\n`);
  const app = await consumer(
    t,
    "\n# direct dependencies, by hand\n[deps.direct.nix]  # the table\n# keep this comment\n",
  );
  const url = `${root}acme/lib`;

  const viaAlias = await add(app, ["tip", "gh:acme/lib^^main"], env);
  assert.deepEqual(viaAlias.data.pins[0].entry, { git: url, ref: "main" });
  assert.equal(viaAlias.data.written, true);
  assert.equal(viaAlias.data.pins[0].locked.rev, lib.tip);
  assert.match(
    read(app, "atom.toml"),
    /\[deps\.direct\.nix\] {2}# the table\ntip = \{ git = "git:\/\/[^"]+\/acme\/lib", ref = "main" \}\n# keep this comment\n$/,
  );
  assert.doesNotMatch(read(app, "atom.toml"), /gh:/);

  await add(app, ["semver", `${url}.git`, "--git", "^1"], env);
  await add(app, ["branch", url, "--git", "dev"], env);
  await add(app, ["tagged", url, "--git", "v1.0.0"], env);
  await add(app, ["head", url], env);
  const overHttp = `${await gitHttpServer(t, lib.served)}acme/lib.git`;
  const http = await add(app, ["http", overHttp, "--git"], env);
  assert.deepEqual(http.data.pins[0].entry, { git: overHttp, ref: "main" });
  const pre = await add(app, ["pre", url, "--git", "2.0.0-rc.1"], env);
  assert.deepEqual(pre.data.pins[0].entry, { git: url, version: "2.0.0-rc.1" });

  const manifest = read(app, "atom.toml");
  assert.ok(
    manifest.startsWith(
      '[package]\nlabel = "app"\nversion = "0.1.0"\n\n# direct dependencies, by hand\n[deps.direct.nix]  # the table\ntip = {',
    ),
    manifest,
  );
  for (const line of [
    `semver = { git = "${url}.git", version = "^1" }`,
    `branch = { git = "${url}", ref = "dev" }`,
    `tagged = { git = "${url}", ref = "v1.0.0" }`,
    `head = { git = "${url}", ref = "main" }`,
  ]) {
    assert.ok(manifest.includes(`\n${line}\n`), `${line} in\n${manifest}`);
  }
  const v1 = git(lib.upstream, "rev-parse", "v1.0.0").trim();
  const expect: Record<string, Record<string, string>> = {
    tip: { type: "nix+git", ref: "main", rev: lib.tip },
    semver: { type: "nix+git", ref: "v1.2.0", version: "1.2.0", rev: lib.tagged },
    branch: { type: "nix+git", ref: "dev", rev: lib.dev },
    tagged: { type: "nix+git", ref: "v1.0.0", rev: v1 },
    head: { type: "nix+git", ref: "main", rev: lib.tip },
    http: { type: "nix+git", ref: "main", rev: lib.tip },
    pre: { type: "nix+git", ref: "2.0.0-rc.1", version: "2.0.0-rc.1", rev: lib.tip },
  };
  for (const [name, fields] of Object.entries(expect)) {
    const dep = locked(app, name) as unknown as Record<string, unknown>;
    for (const [key, value] of Object.entries(fields))
      assert.equal(dep[key], value, `${name}.${key}`);
  }
});

test("url, tar and build pins lock the hashes Nix computes", async (t) => {
  const server = await startHttpServer(t);
  const work = await tempDir(t, "eka-files-");
  server.route("/data.bin", { body: "some data\n" });
  mkdirSync(join(work, "src", "pkg-1.0", "bin"), { recursive: true });
  writeFileSync(join(work, "src", "pkg-1.0", "README"), "pkg\n");
  writeFileSync(join(work, "src", "pkg-1.0", "bin", "run"), "#!/bin/sh\necho run\n", {
    mode: 0o755,
  });
  execFileSync("tar", ["-C", join(work, "src"), "-czf", join(work, "pkg.tar.gz"), "pkg-1.0"]);
  server.route("/pkg-1.0.tar.gz", { body: { file: join(work, "pkg.tar.gz") } });
  server.route("/pkg-download", { body: { file: join(work, "pkg.tar.gz") } });
  // A NAR of a plain (not executable) file, xz-compressed: --build --unpack --exec restores it
  // and makes it executable.
  writeFileSync(join(work, "tool"), "#!/bin/sh\necho tool\n");
  const nar = execFileSync("nix-store", ["--dump", join(work, "tool")]);
  writeFileSync(join(work, "tool.nar"), nar);
  execFileSync("xz", ["-k", join(work, "tool.nar")]);
  server.route("/tool.nar.xz", { body: { file: join(work, "tool.nar.xz") } });
  copyFileSync(join(work, "tool"), join(work, "tool-exec"));
  chmodSync(join(work, "tool-exec"), 0o755);
  const toolHash = sriOf(
    execFileSync("nix-hash", ["--type", "sha256", "--base32", join(work, "tool-exec")], {
      encoding: "utf8",
    }).trim(),
  );

  const env = await userConfig(t, "");
  const app = await consumer(t, "\n[deps.from]\n\n# trailing comment\n");
  const data = await add(app, ["data", server.url("/data.bin")], env);
  assert.equal(data.data.pins[0].kind, "url");
  const tar = await add(app, ["pkg", server.url("/pkg-1.0.tar.gz")], env);
  assert.equal(tar.data.pins[0].kind, "tar");
  await add(app, ["pkg2", server.url("/pkg-download"), "--tar"], env);
  const build = await add(
    app,
    ["tool", server.url("/tool.nar.xz"), "--build", "--unpack", "--exec"],
    env,
  );
  assert.deepEqual(build.data.pins[0].entry, {
    build: server.url("/tool.nar.xz"),
    unpack: true,
    exec: true,
  });

  const manifest = read(app, "atom.toml");
  for (const line of [
    `data = { url = "${server.url("/data.bin")}" }`,
    `pkg = { tar = "${server.url("/pkg-1.0.tar.gz")}" }`,
    `pkg2 = { tar = "${server.url("/pkg-download")}" }`,
    `tool = { build = "${server.url("/tool.nar.xz")}", unpack = true, exec = true }`,
  ]) {
    assert.ok(manifest.includes(`\n${line}\n`), `${line} in\n${manifest}`);
  }
  assert.ok(manifest.includes("\n# trailing comment\n"), manifest);
  const tarHash = await prefetch(server.url("/pkg-1.0.tar.gz"), true);
  assert.deepEqual(locked(app, "data"), {
    type: "nix+url",
    name: "data",
    url: server.url("/data.bin"),
    hash: await prefetch(server.url("/data.bin"), false),
  });
  assert.deepEqual(locked(app, "pkg"), {
    type: "nix+tar",
    name: "pkg",
    url: server.url("/pkg-1.0.tar.gz"),
    hash: tarHash,
  });
  assert.equal((locked(app, "pkg2") as { hash: string }).hash, tarHash);
  assert.deepEqual(locked(app, "tool"), {
    type: "nix+build",
    name: "tool",
    url: server.url("/tool.nar.xz"),
    hash: toolHash,
    unpack: true,
    exec: true,
  });
});

/** A loopback port nothing listens on. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

test("bad input is refused with a clear error and leaves atom.toml and atom.lock byte-identical", async (t) => {
  const lib = await servedLib(t);
  const server = await startHttpServer(t);
  server.route("/data.bin", { body: "data\n" });
  const env = await userConfig(t, "");
  const app = await consumer(t, "\n[deps.direct.nix]\n");
  const url = lib.daemon.url("acme/lib.git");
  await add(app, ["lib", url, "--git", "main"], env);
  const port = await closedPort();
  const cases: [string[], string, RegExp][] = [
    [["x", url, "--tar", "--git"], "EKA_USAGE", /--git and --tar cannot go together/],
    [["x", server.url("/data.bin"), "--unpack"], "EKA_USAGE", /--unpack goes only with --build/],
    [["x", `${url}^^main`, "--tar"], "EKA_USAGE", /\^\^main names a git ref/],
    [["x", `${url}^^main`, "--git", "dev"], "EKA_USAGE", /the ref is given twice/],
    [["x", url, "--build"], "EKA_USAGE", /is not an http\(s\) or file URL/],
    [["lib", server.url("/data.bin")], "EKA_DUPLICATE_LABEL", /lib is already a direct dependency/],
    [["x", url, "--git", "^9"], "EKA_NO_MATCHING_VERSION", /no tag of .* satisfies \^9/],
    [["x", url, "--git", "nope"], "EKA_NO_MATCHING_VERSION", /has no branch or tag nope/],
    [["x", `${url}^^a..b`], "EKA_URI_INVALID", /not a valid git ref name/],
    [["x", server.url("/missing")], "EKA_FETCH_FAILED", /404/],
    [["x", `http://127.0.0.1:${port}/data.bin`], "EKA_FETCH_FAILED", /./],
    [["x", `git://127.0.0.1:${port}/lib.git`], "EKA_REMOTE_UNREACHABLE", /./],
    [["x", "zz:owner/repo"], "EKA_ALIAS_UNKNOWN", /unknown alias "zz"/],
    [["Not A Name", server.url("/data.bin")], "EKA_LABEL_INVALID", /./],
    [["x", `${server.url("/v-{version}.txt")}`], "EKA_USAGE", /holds \{version\}/],
    [["x", server.url("/data.bin"), "extra"], "EKA_USAGE", /takes one URL/],
    [["x", "main", url, "--git"], "EKA_USAGE", /the URL comes first/],
  ];
  const before = snapshot(app);
  for (const [args, code, message] of cases) {
    const run = await runEkaJson(app, ["add", "--nix", ...args], env);
    assert.notEqual(run.code, 0, args.join(" "));
    assert.equal(run.json.error.code, code, `${args.join(" ")}: ${run.json.error.message}`);
    assert.match(run.json.error.message, message, args.join(" "));
    assert.deepEqual(snapshot(app), before, `${args.join(" ")} changed nothing`);
  }
  const stray = await runEkaJson(app, ["add", "::x", "--tar"], env);
  assert.equal(stray.json.error.code, "EKA_USAGE");
  assert.match(stray.json.error.message, /--tar goes only with --nix NAME/);
  assert.deepEqual(snapshot(app), before);
});

test("eka update NAME moves only that pin: a new tag moves it, an atom dependency and other pins stay", async (t) => {
  const lib = await servedLib(t);
  const core = await publishedSet(t, { auth: ["1.0.0"] });
  const env = await userConfig(t, "");
  const app = await consumer(
    t,
    `\n[package.sets]\ncore = "${core.url}"\n\n[deps.from.core]\nauth = "^1"\n`,
  );
  assert.equal((await runEka(app, ["resolve"], env)).code, 0);
  const url = lib.daemon.url("acme/lib.git");
  await add(app, ["lib", url, "--git", "^1"], env);
  await add(app, ["tip", url, "--git", "main"], env);
  assert.equal((locked(app, "lib") as { ref?: string }).ref, "v1.2.0");

  // Upstream: a new release tag, a new commit on main, and a new auth release.
  writeFileSync(join(lib.upstream, "lib.nix"), '{ version = "1.3.0"; }\n');
  const next = commitAll(lib.upstream, "1.3.0");
  git(lib.upstream, "tag", "v1.3.0");
  git(lib.upstream, "push", "--quiet", lib.bare, "main", "v1.3.0");
  await publishVersion(core, "auth", "1.1.0");

  const manifest = read(app, "atom.toml");
  const lockBefore = parseLock(read(app, "atom.lock"));
  const run = await runEkaJson(app, ["update", "lib"], env);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(read(app, "atom.toml"), manifest);
  const lockAfter = parseLock(read(app, "atom.lock"));
  const libAfter = locked(app, "lib") as { ref?: string; version?: string; rev: string };
  assert.deepEqual([libAfter.ref, libAfter.version, libAfter.rev], ["v1.3.0", "1.3.0", next]);
  const others = (lock: typeof lockAfter) =>
    lock.deps.filter((d) => !("name" in d && d.name === "lib"));
  assert.deepEqual(others(lockAfter), others(lockBefore), "only lib moved");
  assert.equal((locked(app, "tip") as { rev: string }).rev, lib.tip);
  assert.equal((await runEka(app, ["resolve", "--locked"], env)).code, 0);

  const tip = await runEkaJson(app, ["update", "tip"], env);
  assert.equal(tip.code, 0, tip.stderr);
  assert.equal((locked(app, "tip") as { rev: string }).rev, next);
  const auth = parseLock(read(app, "atom.lock")).deps.find((d) => d.type === "atom");
  assert.equal(auth?.type === "atom" ? auth.version : null, "1.0.0");
});

test("the default branch is the one the remote's HEAD points at, even at the commit of other branches", async (t) => {
  const lib = await servedLib(t);
  // HEAD -> trunk, a branch at the commit of main and of another branch: the commit alone
  // cannot tell them apart (it would say main).
  git(lib.bare, "branch", "trunk", "main");
  git(lib.bare, "branch", "another", "main");
  git(lib.bare, "symbolic-ref", "HEAD", "refs/heads/trunk");
  // A second repository whose HEAD is on a branch no other branch shares.
  const solo = join(lib.served, "acme", "solo.git");
  git(lib.upstream, "clone", "--quiet", "--bare", lib.upstream, solo);
  git(solo, "branch", "-f", "solo", "dev");
  git(solo, "symbolic-ref", "HEAD", "refs/heads/solo");
  const env = await userConfig(t, "");
  const app = await consumer(t, "\n[deps.direct.nix]\n");
  const overHttp = await gitHttpServer(t, lib.served);
  const cases: [string, string[], string, string][] = [
    ["daemon", [lib.daemon.url("acme/lib.git")], "trunk", lib.tip],
    ["http", [`${overHttp}acme/lib.git`, "--git"], "trunk", lib.tip],
    ["solo", [lib.daemon.url("acme/solo.git"), "--git"], "solo", lib.dev],
  ];
  for (const [name, args, branch, rev] of cases) {
    const run = await add(app, [name, ...args], env);
    assert.deepEqual(run.data.pins[0].entry, { git: args[0], ref: branch }, name);
    assert.ok(
      read(app, "atom.toml").includes(`\n${name} = { git = "${args[0]}", ref = "${branch}" }\n`),
      read(app, "atom.toml"),
    );
    const dep = locked(app, name) as unknown as Record<string, unknown>;
    assert.deepEqual([dep["type"], dep["ref"], dep["rev"]], ["nix+git", branch, rev], name);
  }
});
