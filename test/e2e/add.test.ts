/**
 * `eka add`: aliases expanded before anything is written, "::" resolved from the working tree to
 * the commit `eka publish` then writes, direct git dependencies, and bad input refused with a
 * clear error and no file changed.
 */
import assert from "node:assert/strict";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { atomToml, commitAll, ekaInit, ekalaToml, writeFiles } from "../helpers/atoms.ts";
import { runEka, runEkaJson, snapshot } from "../helpers/eka.ts";
import { git, tempDir, tempRepo } from "../helpers/git.ts";
import { atomCommit, consumer, publishedSet, read, write } from "./resolve-fixtures.ts";

async function userConfig(
  t: Parameters<typeof tempDir>[0],
  text: string,
): Promise<NodeJS.ProcessEnv> {
  const dir = await tempDir(t, "eka-config-");
  mkdirSync(join(dir, "eka"));
  writeFileSync(join(dir, "eka", "eka.toml"), text);
  return { XDG_CONFIG_HOME: dir, EKA_CONFIG: "" };
}

test("aliases from the user's eka.toml are expanded before anything is written", async (t) => {
  const core = await publishedSet(t, { auth: ["1.0.0", "1.4.2"] });
  const env = await userConfig(
    t,
    `[aliases]\nhere = "file://${core.remote.replace(/\/[^/]+$/, "/")}"\n`,
  );
  const app = await consumer(t);
  const name = core.remote.replace(/^.*\//, "");
  const run = await runEkaJson(app, ["add", `here:${name}::auth@~1.4`, "--set", "core"], env);
  assert.equal(run.code, 0, run.stderr);
  const manifest = read(app, "atom.toml");
  assert.match(manifest, new RegExp(`core = "${core.url}"`));
  assert.doesNotMatch(manifest, /here:/);
  assert.match(manifest, /auth = "~1\.4"/);
  assert.match(read(app, "atom.lock"), /version = "1\.4\.2"/);

  const config = await runEkaJson(app, ["config"], env);
  const row = config.json.data.settings.find((s: { key: string }) => s.key === "aliases.here");
  assert.equal(row.source, "file");
  assert.match(row.from, /eka\.toml:2:1$/);
  const gh = config.json.data.settings.find((s: { key: string }) => s.key === "aliases.gh");
  assert.deepEqual([gh.value, gh.source], ["https://github.com/", "default"]);
});

test('"::" locks the atom commit eka publish then writes, without any network', async (t) => {
  const repo = await tempRepo(t);
  writeFiles(repo, {
    "ekala.toml": ekalaToml(["pkgs/lib", "pkgs/app"]),
    "pkgs/lib/atom.toml": atomToml("lib", "0.4.0"),
    "pkgs/lib/lib.nix": "{ }\n",
    "pkgs/app/atom.toml": atomToml("app", "0.1.0"),
  });
  commitAll(repo, "atoms");
  await ekaInit(repo);
  const app = join(repo, "pkgs/app");
  const run = await runEkaJson(app, ["add", "::lib"]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(read(app, "atom.toml"), /local = "::"/);
  assert.match(read(app, "atom.toml"), /lib = "\^0\.4\.0"/);
  commitAll(repo, "depend on lib");
  const remote = await tempRepo(t, { bare: true });
  assert.equal((await runEka(repo, ["init", "--remote", remote])).code, 0);
  const published = await runEka(repo, ["publish", "--remote", remote, "pkgs/lib"]);
  assert.equal(published.code, 0, published.stderr);
  const rev = atomCommit(remote, "lib", "0.4.0");
  assert.match(read(app, "atom.lock"), new RegExp(`rev = "${rev}"`));
  assert.equal((await runEka(app, ["resolve", "--locked"])).code, 0);
});

test("direct git dependencies lock a branch's commit, or the highest semver tag (v prefix, annotated tags peeled)", async (t) => {
  const upstream = await tempRepo(t, { initialCommit: true });
  git(upstream, "tag", "v1.0.0");
  writeFileSync(join(upstream, "x"), "2\n");
  commitAll(upstream, "two");
  git(upstream, "tag", "-a", "-m", "release", "v1.3.0");
  const tagged = git(upstream, "rev-parse", "HEAD").trim();
  writeFileSync(join(upstream, "x"), "3\n");
  commitAll(upstream, "three");
  git(upstream, "tag", "2.0.0");
  const head = git(upstream, "rev-parse", "HEAD").trim();
  const app = await consumer(
    t,
    `\n[deps.direct.nix]\nlib = { git = "file://${upstream}", version = "^1" }\ntip = { git = "file://${upstream}", ref = "main" }\n`,
  );
  const run = await runEka(app, ["resolve"]);
  assert.equal(run.code, 0, run.stderr);
  const lock = read(app, "atom.lock");
  assert.match(
    lock,
    new RegExp(
      `name = "lib"\\nurl = "file://${upstream}"\\nref = "v1.3.0"\\nversion = "1.3.0"\\nrev = "${tagged}"`,
    ),
  );
  assert.match(
    lock,
    new RegExp(`name = "tip"\\nurl = "file://${upstream}"\\nref = "main"\\nrev = "${head}"`),
  );
  write(app, "atom.toml", read(app, "atom.toml").replace('version = "^1"', 'version = "^3"'));
  const before = snapshot(app);
  const none = await runEkaJson(app, ["resolve"]);
  assert.equal(none.json.error.code, "EKA_NO_MATCHING_VERSION");
  assert.match(none.json.error.message, /1\.0\.0.*1\.3\.0.*2\.0\.0|the versions are/);
  assert.deepEqual(snapshot(app), before);
});

test("bad input: a clear error, and no file changed", async (t) => {
  const core = await publishedSet(t, { auth: ["1.0.0", "1.2.0"] });
  const app = await consumer(t);
  assert.equal((await runEka(app, ["add", `${core.url}::auth@^1`, "--set", "core"])).code, 0);
  const cases: [string[], string, RegExp][] = [
    [["add", "no-separator"], "EKA_URI_INVALID", /"::"/],
    [["add", `${core.url}::Bad Label`], "EKA_URI_INVALID", /label/i],
    [["add", `${core.url}::auth@^^1`], "EKA_URI_INVALID", /requirement/],
    [["add", "zz:owner/repo::auth"], "EKA_ALIAS_UNKNOWN", /zz/],
    [["add", "auth@^1", "--set", "nope"], "EKA_SET_UNKNOWN", /nope/],
    [["add", `${core.url}::auth@^7`], "EKA_NO_MATCHING_VERSION", /1\.2\.0, 1\.0\.0/],
    [["add", `${core.url}::missing`], "EKA_NO_MATCHING_VERSION", /no atom missing/],
    [["remove", "missing"], "EKA_DEP_NOT_FOUND", /missing/],
    [["update", "missing"], "EKA_DEP_NOT_FOUND", /missing/],
  ];
  for (const [args, code, message] of cases) {
    const before = snapshot(app);
    const run = await runEkaJson(app, args);
    assert.notEqual(run.code, 0, args.join(" "));
    assert.equal(run.json.error.code, code, `${args.join(" ")}: ${JSON.stringify(run.json.error)}`);
    assert.match(run.json.error.message, message, args.join(" "));
    assert.deepEqual(snapshot(app), before, args.join(" "));
  }
  const alias = await runEkaJson(app, ["add", "zz:owner/repo::auth"]);
  assert.match(alias.json.error.hint, /known aliases: .*gh/);

  const lock = read(app, "atom.lock");
  write(app, "atom.lock", lock.replace("version = 1", "version = 2"));
  let before = snapshot(app);
  for (const args of [["resolve"], ["add", `${core.url}::auth`], ["tree"]]) {
    const run = await runEkaJson(app, args);
    assert.equal(run.json.error?.code, "EKA_LOCK_VERSION_UNSUPPORTED", args.join(" "));
    assert.deepEqual(snapshot(app), before);
  }
  write(app, "atom.lock", lock);
  write(app, "atom.toml", `${read(app, "atom.toml")}\n[deps.from.core\n`);
  before = snapshot(app);
  for (const args of [["resolve"], ["add", `${core.url}::auth`], ["remove", "auth"]]) {
    const run = await runEkaJson(app, args);
    assert.equal(run.json.error?.code, "EKA_TOML_SYNTAX", args.join(" "));
    assert.match(run.json.error.where, /atom\.toml:\d+:\d+/);
    assert.deepEqual(snapshot(app), before);
  }
});

test('one set under two names ("::" and its mirror, or two URLs of one set): a clear error, nothing written', async (t) => {
  // A monorepo whose set is also published: "::" is the same set as the remote.
  const repo = await tempRepo(t);
  writeFiles(repo, {
    "ekala.toml": ekalaToml(["pkgs/lib", "pkgs/util", "pkgs/app"]),
    "pkgs/lib/atom.toml": atomToml("lib", "0.4.0"),
    "pkgs/util/atom.toml": atomToml("util", "1.0.0"),
    "pkgs/app/atom.toml": atomToml("app", "0.1.0"),
  });
  commitAll(repo, "atoms");
  const remote = await tempRepo(t, { bare: true });
  const id = await ekaInit(repo, remote);
  const published = await runEka(repo, ["publish", "--remote", remote, "pkgs/lib", "pkgs/util"]);
  assert.equal(published.code, 0, published.stderr);
  const app = join(repo, "pkgs/app");
  const first = await runEka(app, ["add", `file://${remote}::lib`, "--set", "shared"]);
  assert.equal(first.code, 0, first.stderr);
  const before = snapshot(repo);
  for (const uri of ["::lib", "::util"]) {
    const run = await runEkaJson(app, ["add", uri]);
    assert.equal(run.code, 3, run.stderr);
    assert.equal(run.json.error.code, "EKA_SET_CONFLICT", run.stderr);
    assert.equal(
      run.json.error.message,
      `sets shared and local are one set (id ${id}): atom.lock records each set once, under one name`,
    );
    assert.match(run.json.error.hint, new RegExp(`shared = \\["::", "file://${remote}"\\]`));
    assert.deepEqual(snapshot(repo), before, uri);
  }

  // Two URLs of one published set, declared as two sets.
  const core = await publishedSet(t, { auth: ["1.0.0"], log: ["0.3.0"] });
  const link = join(await tempDir(t, "eka-link-"), "core.git");
  symlinkSync(core.remote, link);
  const consumerApp = await consumer(t);
  const added = await runEka(consumerApp, ["add", `${core.url}::auth`, "--set", "a"]);
  assert.equal(added.code, 0, added.stderr);
  const kept = snapshot(consumerApp);
  const twice = await runEkaJson(consumerApp, ["add", `file://${link}::log`, "--set", "b"]);
  assert.equal(twice.code, 3, twice.stderr);
  assert.equal(twice.json.error.code, "EKA_SET_CONFLICT");
  assert.match(
    twice.json.error.message,
    new RegExp(`^sets a and b are one set \\(id ${core.id}\\)`),
  );
  assert.deepEqual(snapshot(consumerApp), kept);
  // The same manifest edited by hand: `eka resolve` refuses it the same way.
  const edited = `${read(consumerApp, "atom.toml")}\n[deps.from.b]\nlog = "*"\n`.replace(
    "[package.sets]\n",
    `[package.sets]\nb = "file://${link}"\n`,
  );
  write(consumerApp, "atom.toml", edited);
  const edit = snapshot(consumerApp);
  const resolved = await runEkaJson(consumerApp, ["resolve"]);
  assert.equal(resolved.code, 3, resolved.stderr);
  assert.equal(resolved.json.error.code, "EKA_SET_CONFLICT");
  assert.deepEqual(snapshot(consumerApp), edit);
});

test("atoms are never added to a set named nix (deps.nix holds the direct dependencies): a clear error, atom.toml and atom.lock byte-identical", async (t) => {
  const core = await publishedSet(t, { auth: ["1.0.0", "1.2.0"] });
  const app = await consumer(t);
  assert.equal((await runEka(app, ["add", `${core.url}::auth@^1`, "--set", "core"])).code, 0);
  // The same remote at a path ending in /nix: its set name would come from the URL.
  const links = await tempDir(t, "eka-links-");
  symlinkSync(core.remote, join(links, "nix"));
  const nixUrl = `file://${join(links, "nix")}`;
  const refuse = async (args: string[], hint: RegExp, where: RegExp) => {
    const files = [read(app, "atom.toml"), read(app, "atom.lock")];
    const before = snapshot(app);
    const run = await runEkaJson(app, args);
    assert.notEqual(run.code, 0, args.join(" "));
    const error = run.json.error;
    assert.equal(error.code, "EKA_SET_CONFLICT", `${args.join(" ")}: ${JSON.stringify(error)}`);
    assert.match(error.message, /^auth cannot be added to set nix: .*deps\.nix/, args.join(" "));
    assert.match(error.hint, hint, args.join(" "));
    assert.match(error.where, where, args.join(" "));
    assert.deepEqual([read(app, "atom.toml"), read(app, "atom.lock")], files, args.join(" "));
    assert.deepEqual(snapshot(app), before, args.join(" "));
  };
  const file = /\/atom\.toml$/;
  await refuse(["add", `${core.url}::auth`, "--set", "nix"], /--set nix-atoms/, file);
  await refuse(["add", "auth@^1", "--set", "nix"], /--set nix-atoms/, file);
  await refuse(["add", "auth", "--set", "\uff4e\uff49\uff58"], /--set nix-atoms/, file);
  await refuse(["add", `${nixUrl}::auth@^1`], /comes from the mirror URL/, file);
  // A declared set named nix that no atom comes from is valid, and stays so.
  write(
    app,
    "atom.toml",
    read(app, "atom.toml").replace("[package.sets]\n", `[package.sets]\nnix = "${nixUrl}"\n`),
  );
  assert.equal((await runEka(app, ["resolve", "--locked"])).code, 0);
  await refuse(
    ["add", `${nixUrl}::auth`],
    /rename set nix in \[package\.sets\]/,
    /atom\.toml:\d+:1$/,
  );
});

test("an atom and a direct dependency may share a name: deps.<set>.<label> and deps.nix.<name> never meet", async (t) => {
  const core = await publishedSet(t, { auth: ["1.0.0"] });
  const app = await consumer(t);
  assert.equal((await runEka(app, ["add", `${core.url}::auth`, "--set", "core"])).code, 0);
  const pin = await runEkaJson(app, ["add", "--nix", "auth", `file://${core.repo}`]);
  assert.equal(pin.code, 0, JSON.stringify(pin.json.error));
  const lock = read(app, "atom.lock");
  assert.match(lock, /type = "atom"\nlabel = "auth"/);
  assert.match(lock, /type = "nix\+git"\nname = "auth"/);
  assert.equal((await runEka(app, ["resolve", "--locked"])).code, 0);
});
