/**
 * `eka eval` and `eka build` end to end, with real git, real remotes and real Nix: a two-level
 * graph app → lib → base, each atom published by `eka publish` from its own repository to its
 * own remote (base over file://, lib over a loopback git daemon), locks written with
 * `formatLock` from what the remotes hold. The app evaluates to a value made by all three; the
 * configuration's digest is independent of how it is written and visible inside; a /bin/sh
 * derivation builds to a store path whose content is checked, and builds again from the store;
 * and once cached, evaluation needs no mirror at all.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmodSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import {
  atomId,
  formatLock,
  type Lock,
  type LockedAtom,
  parseB3Digest,
  parseGitOid,
  parseLabel,
  parseLock,
  parseSetId,
  parseSriHash,
  parseTag,
  parseVersion,
} from "../../src/core/index.ts";
import { atomToml, commitAll, ekaInit, ekalaToml, refMap, writeFiles } from "../helpers/atoms.ts";
import { runEka, runEkaJson } from "../helpers/eka.ts";
import { git, tempDir, tempRepo } from "../helpers/git.ts";
import { startGitDaemon } from "../helpers/git-daemon.ts";

export const SYSTEM = `${process.arch === "arm64" ? "aarch64" : "x86_64"}-linux`;

export interface Published {
  readonly url: string;
  readonly remote: string;
  readonly setId: string;
  readonly atom: LockedAtom;
}

/** The lock entry of `label@version` as the remote at `remote` holds it. */
export function lockedFrom(
  remote: string,
  setId: string,
  label: string,
  version: string,
): LockedAtom {
  const refs = refMap(remote);
  const rev = refs.get(`refs/ekala/atoms/${label}/${version}`);
  assert.ok(rev !== undefined, `${remote} serves ${label}@${version}`);
  const content = [...refs.keys()]
    .find((r) => r.startsWith(`refs/ekala/content/${label}/${version}/`))
    ?.split("/")
    .pop();
  assert.ok(content !== undefined);
  const set = parseSetId(setId);
  return {
    type: "atom",
    label: parseLabel(label),
    version: parseVersion(version),
    set,
    rev: parseGitOid(rev),
    id: atomId(set, parseLabel(label)),
    content: parseB3Digest(content),
  };
}

export function lockOf(deps: readonly { pub: Published; name: string }[]): string {
  const lock: Lock = {
    version: 1,
    sets: deps.map(({ pub, name }) => ({
      id: parseSetId(pub.setId),
      name: parseTag(name),
      mirrors: [pub.url],
    })),
    deps: deps.map(({ pub }) => pub.atom),
  };
  return formatLock(lock);
}

/**
 * A repository holding one atom at `atom/` (made with `eka init` and `eka new`), its files,
 * `extraToml` appended to its atom.toml and `lock` as its atom.lock, published to a new bare
 * remote served at `url(remoteDir)`.
 */
export async function publishAtom(
  t: TestContext,
  base: string,
  label: string,
  files: Readonly<Record<string, string>>,
  options: { extraToml?: string; lock?: string; url: (name: string) => string },
): Promise<Published> {
  const remoteName = `${label}.git`;
  git(base, "init", "--quiet", "--bare", remoteName);
  const remote = join(base, remoteName);
  const url = options.url(remoteName);
  const repo = await tempRepo(t, { initialCommit: true });
  git(repo, "remote", "add", "origin", url);
  const setId = await ekaInit(repo, "origin");
  const created = await runEka(repo, ["new", "atom", "--label", label, "--version", "0.1.0"]);
  assert.equal(created.code, 0, created.stderr);
  const toml = join(repo, "atom/atom.toml");
  writeFileSync(toml, readFileSync(toml, "utf8") + (options.extraToml ?? ""));
  writeFiles(join(repo, "atom"), files);
  if (options.lock !== undefined) writeFileSync(join(repo, "atom/atom.lock"), options.lock);
  commitAll(repo, `${label} 0.1.0`);
  const published = await runEka(repo, ["publish"]);
  assert.equal(published.code, 0, published.stderr);
  return { url, remote, setId, atom: lockedFrom(remote, setId, label, "0.1.0") };
}

async function graph(t: TestContext) {
  const base = await tempDir(t, "eka-remotes-");
  const daemon = await startGitDaemon(t, base);
  const baseAtom = await publishAtom(
    t,
    base,
    "base",
    { "mod.nix": '{ Word = "base"; }\n' },
    { url: (name) => `file://${join(base, name)}` },
  );
  const lib = await publishAtom(
    t,
    base,
    "lib",
    {
      // lib keeps its Nix code in src/ ([nix] entry): read from its own manifest.
      "src/mod.nix": "{ }\n",
      "src/Greet.nix": '"lib(" + deps.base.base.word + ")"\n',
      "src/Word.nix": '"lib"\n',
      "src/Who.nix": "std.identity\n",
      "src/Broken.nix": '"lib " + builtins.getEnv "HOME"\n',
    },
    {
      url: (name) => daemon.url(name),
      extraToml: `\n[package.sets]\nbase = "${baseAtom.url}"\n\n[deps.from.base]\nbase = "^0.1"\n\n[nix]\nentry = "src"\n`,
      lock: lockOf([{ pub: baseAtom, name: "base" }]),
    },
  );
  const app = await tempRepo(t, { initialCommit: true });
  await ekaInit(app);
  writeFiles(app, {
    "ekala.toml": ekalaToml(["app"]),
    "app/atom.toml": atomToml(
      "app",
      "1.0.0",
      `\n[package.sets]\nlib = "${lib.url}"\n\n[deps.from.lib]\nlib = "^0.1"\n\n[nix]\nentry = "nix"\n\n[nix.config]\ngreeting = "hello"\n`,
    ),
    "app/atom.lock": lockOf([{ pub: lib, name: "lib" }]),
    "app/nix/mod.nix": "{ }\n",
    "app/nix/Hello.nix":
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Nix code, interpolated by Nix
      '"${cfg.greeting} from app, " + deps.lib.lib.greet + ", " + deps.lib.lib.word\n',
    "app/nix/Identity.nix": "std.identity\n",
    "app/nix/LibIdentity.nix": "deps.lib.lib.who\n",
    "app/nix/Broken.nix": "deps.lib.lib.broken\n",
    "app/nix/Drv.nix": [
      "derivation {",
      '  name = "hello";',
      "  system = cfg.system;",
      '  builder = "/bin/sh";',
      `  args = [ "-c" "echo '\${atom.hello}' > $out" ];`,
      "}",
      "",
    ].join("\n"),
  });
  commitAll(app, "app");
  const cache = await tempDir(t, "eka-cache-");
  // Nix keeps its own fetcher cache under XDG_CACHE_HOME: a fresh one per test.
  // No substituter: this machine (and CI) has no internet; builds are local.
  const env = {
    EKA_CACHE_DIR: cache,
    XDG_CACHE_HOME: await tempDir(t, "eka-xdg-"),
    NIX_CONFIG: "substituters =",
  };
  return { app: join(app, "app"), appRepo: app, env, baseAtom, lib, daemonBase: base };
}

test("a two-level graph evaluates to a value from all three atoms, and offline once cached", async (t) => {
  const g = await graph(t);
  const first = await runEkaJson(g.app, ["eval", "-A", "hello"], g.env);
  assert.equal(first.code, 0, JSON.stringify(first.json.error));
  assert.equal(first.json.data.value, "hello from app, lib(base), lib");
  // A dependency sees its own identity and the evaluation's configuration digest.
  const who = await runEkaJson(g.app, ["eval", "-A", "libIdentity"], g.env);
  assert.equal(who.code, 0, JSON.stringify(who.json.error));
  assert.deepEqual(who.json.data.value, {
    config: who.json.data.config.digest,
    id: g.lib.atom.id,
    label: "lib",
    version: "0.1.0",
  });
  assert.equal(first.json.data.atoms, 2, "lib and base, found through lib's own lock");
  assert.equal(first.json.data.fetched, 2);
  // The cache holds both atoms, by their locked commits.
  const cacheRefs = refMap(join(g.env.EKA_CACHE_DIR, "git"));
  assert.equal(cacheRefs.get("refs/ekala/atoms/lib/0.1.0"), g.lib.atom.rev);
  assert.equal(cacheRefs.get("refs/ekala/atoms/base/0.1.0"), g.baseAtom.atom.rev);

  // An error inside a dependency is placed in that dependency's file, named label@version.
  const broken = await runEkaJson(g.app, ["eval", "-A", "broken"], g.env);
  assert.equal(broken.code, 1);
  assert.equal(broken.json.error.code, "EKA_EVAL_FAILED");
  assert.match(broken.json.error.message, /getEnv is not available in atom modules/);
  assert.equal(broken.json.error.where, "lib@0.1.0:src/Broken.nix:1:10");
  assert.match(
    broken.json.error.data.storePath,
    /^\/nix\/store\/[0-9a-z]{32}-source\/src\/Broken\.nix:1:10$/,
  );

  const text = await runEka(g.app, ["eval", "-A", "hello"], g.env);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^atom: app@1\.0\.0 id [0-9a-v]{52}$/m);
  assert.match(text.stdout, /^config: [0-9a-v]{52} \{"greeting":"hello"\}$/m);

  // Every mirror gone: base's remote deleted, lib's daemon serves nothing any more.
  rmSync(g.baseAtom.remote, { recursive: true, force: true });
  rmSync(g.lib.remote, { recursive: true, force: true });
  const offline = await runEkaJson(g.app, ["eval", "-A", "hello"], g.env);
  assert.equal(offline.code, 0, JSON.stringify(offline.json.error));
  assert.equal(offline.json.data.value, "hello from app, lib(base), lib");
  assert.equal(offline.json.data.fetched, 0);
  // A new Nix cache too: Nix itself reads the atoms from eka's cache repository only.
  const fresh = await runEkaJson(g.app, ["eval", "-A", "hello"], {
    ...g.env,
    XDG_CACHE_HOME: await tempDir(t, "eka-xdg-"),
  });
  assert.equal(fresh.code, 0, JSON.stringify(fresh.json.error));
  assert.equal(fresh.json.data.value, "hello from app, lib(base), lib");
});

test("the config digest ignores key order and formatting, changes with the values, and is visible inside", async (t) => {
  const g = await graph(t);
  const file = join(await tempDir(t), "config.json");
  writeFileSync(
    file,
    '{\n  "opt" : { "b" : 2.0, "a" : [1, 2] },\n  "system" : "x86_64-linux"\n}\n',
  );
  const a = await runEkaJson(g.app, ["eval", "-A", "identity", "--config-file", file], g.env);
  const b = await runEkaJson(
    g.app,
    [
      "eval",
      "-A",
      "identity",
      "--config",
      "system=x86_64-linux",
      "--config",
      "opt.a=[1,2]",
      "--config",
      "opt.b=2",
    ],
    g.env,
  );
  for (const r of [a, b]) assert.equal(r.code, 0, JSON.stringify(r.json.error));
  assert.equal(
    a.json.data.config.json,
    '{"greeting":"hello","opt":{"a":[1,2],"b":2},"system":"x86_64-linux"}',
  );
  assert.equal(b.json.data.config.digest, a.json.data.config.digest);
  assert.equal(b.json.data.config.json, a.json.data.config.json);
  const d = await runEkaJson(
    g.app,
    ["eval", "-A", "identity", "--config-file", file, "--config", "opt.b=3"],
    g.env,
  );
  assert.notEqual(d.json.data.config.digest, a.json.data.config.digest);
  // Inside: std.identity is (atom id, version, config digest).
  assert.deepEqual(a.json.data.value, {
    config: a.json.data.config.digest,
    id: a.json.data.id,
    label: "app",
    version: "1.0.0",
  });
  assert.equal(d.json.data.value.config, d.json.data.config.digest);
});

test("eka build: a /bin/sh derivation builds to a store path with the expected content, then comes from the store", async (t) => {
  const g = await graph(t);
  const dry = await runEkaJson(
    g.app,
    ["build", "-A", "drv", "--config", `system=${SYSTEM}`, "--dry-run"],
    g.env,
  );
  assert.equal(dry.code, 0, JSON.stringify(dry.json.error));
  assert.equal(dry.json.data.derivations.length, 1);
  assert.match(dry.json.data.derivations[0], /^\/nix\/store\/[0-9a-z]{32}-hello\.drv$/);
  assert.deepEqual(dry.json.data.outputs, []);
  // A greeting nobody built before, so the first build really builds.
  const greeting = `hi-${process.pid}-${Date.now()}`;
  const args = [
    "build",
    "-A",
    "drv",
    "--config",
    `system=${SYSTEM}`,
    "--config",
    `greeting=${greeting}`,
  ];
  const first = await runEkaJson(g.app, args, g.env);
  assert.equal(first.code, 0, JSON.stringify(first.json.error));
  assert.equal(first.json.data.outputs.length, 1);
  const out = first.json.data.outputs[0] as string;
  assert.match(out, /^\/nix\/store\/[0-9a-z]{32}-hello$/);
  assert.equal(readFileSync(out, "utf8"), `${greeting} from app, lib(base), lib\n`);
  assert.equal(first.json.data.cached, false);
  assert.equal(first.json.data.built.length, 1);
  const second = await runEkaJson(g.app, args, g.env);
  assert.equal(second.code, 0, JSON.stringify(second.json.error));
  assert.deepEqual(second.json.data.outputs, [out]);
  assert.equal(second.json.data.cached, true);
  assert.deepEqual(second.json.data.built, []);
  const text = await runEka(g.app, args, g.env);
  assert.match(text.stdout, /nothing to build: every output is already in the store/);
  assert.ok(text.stdout.trimEnd().endsWith(out));
});

test("a manifest dependency missing from the lock is refused before Nix runs", async (t) => {
  const g = await graph(t);
  const lockFile = join(g.app, "atom.lock");
  writeFileSync(lockFile, formatLock({ version: 1, sets: [], deps: [] }));
  const run = await runEkaJson(g.app, ["eval", "-A", "hello"], g.env);
  assert.notEqual(run.code, 0);
  assert.equal(run.json.error.code, "EKA_LOCK_OUT_OF_DATE");
  assert.match(run.json.error.message, /does not lock lib::lib/);
});

/** A Nix base32 sha256 (as nix-prefetch-url prints it) as SRI, converted by nix-hash. */
function sriOf(nixBase32: string): string {
  const hex = execFileSync("nix-hash", ["--type", "sha256", "--to-base16", nixBase32], {
    encoding: "utf8",
  }).trim();
  return `sha256-${Buffer.from(hex, "hex").toString("base64")}`;
}

test("pinned sources from [deps.direct.nix]: a git repository by rev and a tarball by hash, next to atom deps", async (t) => {
  const g = await graph(t);
  const pins = await tempDir(t, "eka-pins-");
  // A git repository (bare, as a server holds it) with a commit on main.
  const work = await tempRepo(t, { initialCommit: true });
  writeFiles(work, { "PIN.txt": "pinned by rev\n" });
  const rev = commitAll(work, "pin");
  git(pins, "clone", "--quiet", "--bare", work, "pin.git");
  writeFiles(work, { "PIN.txt": "a later commit the lock does not name\n" });
  commitAll(work, "later");
  git(work, "push", "--quiet", join(pins, "pin.git"), "main");
  // A tarball, hashed by Nix itself.
  writeFiles(join(pins, "src"), { "pkg/data.txt": "from the tarball\n" });
  execFileSync("tar", ["czf", join(pins, "src.tar.gz"), "-C", join(pins, "src"), "pkg"]);
  const tarUrl = `file://${join(pins, "src.tar.gz")}`;
  const tarHash = execFileSync("nix-prefetch-url", ["--unpack", tarUrl], {
    encoding: "utf8",
    env: { ...process.env, ...g.env },
  }).trim();
  // A plain file, fetched at evaluation time (nix+url) and at build time (nix+build; the
  // builder runs as a build user, so the directory must be readable by others).
  writeFiles(pins, { "notes.txt": "a plain file\n" });
  chmodSync(pins, 0o755);
  const fileUrl = `file://${join(pins, "notes.txt")}`;
  const fileHash = sriOf(
    execFileSync("nix-prefetch-url", [fileUrl], {
      encoding: "utf8",
      env: { ...process.env, ...g.env },
    }).trim(),
  );
  const gitUrl = `file://${join(pins, "pin.git")}`;
  const toml = join(g.app, "atom.toml");
  writeFileSync(
    toml,
    `${readFileSync(toml, "utf8")}\n[deps.direct.nix]\npinned = { git = "${gitUrl}", ref = "main" }\ntarball = { tar = "${tarUrl}" }\nnotes = { url = "${fileUrl}" }\nfetched = { build = "${fileUrl}", unpack = false, exec = false }\n`,
  );
  const lock = parseLock(readFileSync(join(g.app, "atom.lock"), "utf8"));
  writeFileSync(
    join(g.app, "atom.lock"),
    formatLock({
      ...lock,
      deps: [
        ...lock.deps,
        {
          type: "nix+git",
          name: parseLabel("pinned"),
          url: gitUrl,
          ref: "main",
          rev: parseGitOid(rev),
        },
        {
          type: "nix+tar",
          name: parseLabel("tarball"),
          url: tarUrl,
          hash: parseSriHash(sriOf(tarHash)),
        },
        { type: "nix+url", name: parseLabel("notes"), url: fileUrl, hash: parseSriHash(fileHash) },
        {
          type: "nix+build",
          name: parseLabel("fetched"),
          url: fileUrl,
          hash: parseSriHash(fileHash),
          unpack: false,
          exec: false,
        },
      ],
    }),
  );
  writeFiles(g.app, {
    "nix/Pinned.nix": [
      "[",
      '  (std.readFile (deps.nix.pinned.outPath + "/PIN.txt"))',
      "  deps.nix.pinned.rev",
      '  (std.readFile (deps.nix.tarball + "/data.txt"))',
      "  deps.lib.lib.greet",
      "  (std.readFile deps.nix.notes)",
      "]",
      "",
    ].join("\n"),
    "nix/Fetched.nix": "deps.nix.fetched\n",
  });
  const run = await runEkaJson(g.app, ["eval", "-A", "pinned"], g.env);
  assert.equal(run.code, 0, JSON.stringify(run.json.error));
  assert.deepEqual(run.json.data.value, [
    "pinned by rev\n",
    rev,
    "from the tarball\n",
    "lib(base)",
    "a plain file\n",
  ]);
  // The build-time pin is a fixed-output derivation that Nix fetches when building.
  const built = await runEkaJson(g.app, ["build", "-A", "fetched"], g.env);
  assert.equal(built.code, 0, JSON.stringify(built.json.error));
  assert.equal(readFileSync(built.json.data.outputs[0], "utf8"), "a plain file\n");
});
