/**
 * atom-nix's module rules, evaluated by the real nix-instantiate (through `evaluateAtom`, so in
 * eka's sandbox: restrict-eval, no NIX_PATH, allowed-uris only the locked sources) on the
 * fixture atom in test/fixtures/atom-nix/rules. One test per rule; every forbidden operation
 * must fail with an error that says what to do and points at the atom's file and line. Then the
 * second wall alone: Nix with eka's sandbox arguments, atom-nix's scope bypassed.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import { EkaError } from "../../src/core/index.ts";
import { collectingReport } from "../../src/core/report.ts";
import { evaluateAtom, NIX_ENTRY, nixEnv, sandboxArgs } from "../../src/eval/index.ts";
import { writeFiles } from "../helpers/atoms.ts";
import { ROOT } from "../helpers/eka.ts";
import { tempDir } from "../helpers/git.ts";

const RULES = join(ROOT, "test/fixtures/atom-nix/rules");

async function evalRules(t: TestContext, attr: string, configs: string[] = []) {
  return evaluateAtom({
    cwd: RULES,
    attr,
    configs,
    cacheDir: await tempDir(t, "eka-cache-"),
    report: collectingReport(),
    env: { ...process.env, HOME: process.env["HOME"] ?? "/root" },
  });
}

async function evalFails(t: TestContext, attr: string): Promise<EkaError> {
  try {
    await evalRules(t, attr);
  } catch (error) {
    assert.ok(error instanceof EkaError, String(error));
    assert.equal(error.code, "EKA_EVAL_FAILED");
    return error;
  }
  assert.fail(`-A ${attr} evaluated, but it must fail`);
}

test("visibility: capitalised members are public and lower-cased; others stay private", async (t) => {
  assert.equal((await evalRules(t, "answer")).value, 42, "Answer from mod.nix is atom.answer");
  assert.equal((await evalRules(t, "greeting")).value, "hello, private helper");
  const sub = await evalRules(t, "sub");
  assert.deepEqual(Object.keys(sub.value as object).sort(), ["deep", "fromParent", "uses"]);
  const outside = await evalFails(t, "atomPrivate");
  assert.match(outside.message, /attribute 'helper' missing/);
  assert.equal(outside.where, "AtomPrivate.nix:1:1");
  assert.match(outside.hint ?? "", /capital letter are public/);
  const parent = await evalFails(t, "parentPrivate");
  assert.match(
    parent.message,
    /attribute 'hidden' missing/,
    "a parent sees only a child's public members",
  );
  assert.equal(parent.where, "ParentPrivate.nix:1:1");
});

test("scoping: mod is this module, pre the parent (private included), atom the public top", async (t) => {
  const sub = (await evalRules(t, "sub")).value as Record<string, string>;
  assert.equal(
    sub["uses"],
    "hidden in sub / hello, private helper / 42",
    "mod.hidden, mod.Deep, atom.answer",
  );
  assert.equal(sub["fromParent"], "from the top's private member", "pre.secret");
  assert.equal(sub["deep"], "hello, private helper", "atom.greeting");
  const top = await evalFails(t, "topPre");
  assert.match(top.message, /top module of an atom has no parent/);
  assert.equal(top.where, "TopPre.nix");
});

test("std: the pure builtins and a small library", async (t) => {
  assert.equal((await evalRules(t, "lib")).value, "LOUD");
});

test("reading a file outside the atom (/etc/passwd) is refused by restrict-eval", async (t) => {
  const error = await evalFails(t, "readPasswd");
  assert.match(
    error.message,
    /access to absolute path '\/etc\/passwd' is forbidden in restricted mode/,
  );
  assert.equal(error.where, "ReadPasswd.nix:1:1");
  assert.match(error.hint ?? "", /\[deps\.direct\.nix\]/);
});

test("import <nixpkgs> is refused: <…> lookups are not locked", async (t) => {
  const error = await evalFails(t, "importNixpkgs");
  assert.match(error.message, /<nixpkgs> lookups are not available in atom modules/);
  assert.match(error.message, /deps\.nix\.<name>/);
  assert.equal(error.where, "ImportNixpkgs.nix:1:8");
});

test("import of a file is refused: files are members", async (t) => {
  const error = await evalFails(t, "importFile");
  assert.match(
    error.message,
    /import is not available in atom modules: a module's files and sub-modules are its members/,
  );
  assert.equal(error.where, "ImportFile.nix:1:1");
});

test("an unlocked fetchurl (or fetchTarball) is refused", async (t) => {
  const fetch = await evalFails(t, "fetch");
  assert.match(
    fetch.message,
    /builtins\.fetchurl is not available in atom modules \(only locked sources are\)/,
  );
  assert.equal(fetch.where, "Fetch.nix:1:1");
  const bare = await evalFails(t, "fetchBare");
  assert.match(bare.message, /fetchTarball is not available/);
  assert.equal(bare.where, "FetchBare.nix:1:1");
});

test("getEnv is refused: configuration is the way in", async (t) => {
  const error = await evalFails(t, "env");
  assert.match(error.message, /builtins\.getEnv is not available in atom modules/);
  assert.match(error.message, /--config key=value/);
  assert.equal(error.where, "Env.nix:1:1");
});

test("currentSystem is refused: the system is configuration", async (t) => {
  const error = await evalFails(t, "system");
  assert.match(error.message, /currentSystem is not available.*cfg\.system/);
  assert.equal(error.where, "System.nix");
});

test("cfg is the configuration and std.identity carries its digest", async (t) => {
  const result = await evalRules(t, "config", ["b=2", "greeting=hi"]);
  const value = result.value as { cfg: unknown; identity: Record<string, unknown> };
  assert.deepEqual(value.cfg, { b: 2, greeting: "hi" });
  assert.equal(result.config.json, '{"b":2,"greeting":"hi"}');
  assert.equal(value.identity["config"], result.config.digest);
  assert.equal(value.identity["label"], "rules");
  assert.equal(value.identity["version"], "0.1.0");
  const defaults = await evalRules(t, "config");
  assert.deepEqual(
    (defaults.value as { cfg: unknown }).cfg,
    { greeting: "hello" },
    "[nix.config] defaults",
  );
  assert.notEqual(defaults.config.digest, result.config.digest);
});

test("a member defined twice (a file and an attribute of mod.nix) is an error naming it", async (t) => {
  const error = await evaluateAtom({
    cwd: join(ROOT, "test/fixtures/atom-nix/clash"),
    attr: "foo",
    cacheDir: await tempDir(t, "eka-cache-"),
    report: collectingReport(),
    env: process.env,
  }).then(
    () => assert.fail("a clash must not evaluate"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof EkaError && error.code === "EKA_EVAL_FAILED", String(error));
  assert.match(error.message, /module .*clash\/nix defines Foo more than once/);
});

test("an entry directory without mod.nix says where the top module is expected", async (t) => {
  const error = await evaluateAtom({
    cwd: join(ROOT, "test/fixtures/atom-nix/noentry"),
    cacheDir: await tempDir(t, "eka-cache-"),
    report: collectingReport(),
    env: process.env,
  }).then(
    () => assert.fail("no mod.nix must not evaluate"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof EkaError && error.code === "EKA_EVAL_FAILED", String(error));
  assert.match(error.message, /noentry\/mod\.nix does not exist.*\[nix\] entry/);
});

test("every other way to a file outside the atom is refused (restrict-eval); pathExists tells nothing", async (t) => {
  const root = await tempDir(t, "eka-outside-");
  writeFileSync(join(root, "secret.txt"), "not for atoms\n");
  const atom = join(root, "probe");
  writeFiles(atom, {
    "atom.toml": '[package]\nlabel = "probe"\nversion = "0.1.0"\n',
    "mod.nix": "{ }\n",
    "Own.nix": "std.readFile ./atom.toml\n",
    "Sibling.nix": "std.readFile ../secret.txt\n",
    "AsString.nix": 'std.readFile "/etc/passwd"\n',
    "Built.nix": 'std.readFile (/. + "etc/passwd")\n',
    "ReadDir.nix": "std.readDir /etc\n",
    "CopyPath.nix": "std.path { path = /etc/passwd; }\n",
    "Filter.nix": "std.filterSource (p: t: true) /etc\n",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Nix's interpolation, not JavaScript's
    "Interpolated.nix": '"${/etc/passwd}"\n',
    "Exists.nix": "std.pathExists ../secret.txt\n",
  });
  const run = (attr: string) =>
    evaluateAtom({
      cwd: atom,
      attr,
      cacheDir: join(root, "cache"),
      report: collectingReport(),
      env: process.env,
    });
  assert.match((await run("own")).value as string, /label = "probe"/, "the atom's own files");
  const refusals: [string, string][] = [
    ["sibling", join(root, "secret.txt")],
    ["asString", "/etc/passwd"],
    ["built", "/etc/passwd"],
    ["readDir", "/etc"],
    ["copyPath", "/etc/passwd"],
    ["filter", "/etc"],
    ["interpolated", "/etc/passwd"],
  ];
  for (const [attr, path] of refusals) {
    const error = await run(attr).then(
      () => assert.fail(`-A ${attr} evaluated, but it must fail`),
      (e: unknown) => e,
    );
    assert.ok(error instanceof EkaError && error.code === "EKA_EVAL_FAILED", String(error));
    assert.ok(
      error.message.includes(`access to absolute path '${path}' is forbidden in restricted mode`),
      `${attr}: ${error.message}`,
    );
  }
  assert.equal((await run("exists")).value, false, "an existing file outside is not revealed");
});

test("Nix's sandbox on its own (atom-nix's scope bypassed) refuses <nixpkgs>, unlisted URIs and outside files, and hides the environment", async (t) => {
  const dir = await tempDir(t, "eka-sandbox-");
  writeFileSync(join(dir, "listed.txt"), "a locked source\n");
  const listed = `file://${join(dir, "listed.txt")}`;
  const args = sandboxArgs({
    atomDir: RULES,
    cwd: RULES,
    allowedUris: [listed],
    args: {},
    env: process.env,
  }).filter((a) => a !== NIX_ENTRY);
  const env = nixEnv({ ...process.env, NIX_PATH: `nixpkgs=${dir}`, EKA_PROBE: "visible?" });
  const nix = (expr: string) =>
    spawnSync("nix-instantiate", ["--eval", "--json", ...args, "-E", expr], {
      cwd: RULES,
      env,
      encoding: "utf8",
    });
  const refused = (expr: string, message: RegExp) => {
    const result = nix(expr);
    assert.notEqual(result.status, 0, `${expr} evaluated: ${result.stdout}`);
    assert.match(result.stderr, message, expr);
  };
  refused("import <nixpkgs>", /file 'nixpkgs' was not found in the Nix search path/);
  refused(
    'builtins.fetchurl "https://example.com/unlocked.tar.gz"',
    /access to URI 'https:\/\/example\.com\/unlocked\.tar\.gz' is forbidden in restricted mode/,
  );
  refused(
    "builtins.readFile /etc/passwd",
    /access to absolute path '\/etc\/passwd' is forbidden in restricted mode/,
  );
  const getEnv = nix('builtins.getEnv "EKA_PROBE"');
  assert.equal(getEnv.status, 0, getEnv.stderr);
  assert.equal(getEnv.stdout.trim(), '""', "restricted mode reads no environment variable");
  // Control: a listed (locked) URI is let through, so the refusals above are the sandbox's.
  const ok = nix(`builtins.readFile (builtins.fetchurl "${listed}")`);
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(JSON.parse(ok.stdout), "a locked source\n");
});
