/**
 * atom-nix's module rules, evaluated by the real nix-instantiate (through `evaluateAtom`, so in
 * eka's sandbox: restrict-eval, no NIX_PATH, allowed-uris only the locked sources) on the
 * fixture atom in test/fixtures/atom-nix/rules. One test per rule; every forbidden operation
 * must fail with an error that says what to do and points at the atom's file and line.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import { EkaError } from "../../src/core/index.ts";
import { collectingReport } from "../../src/core/report.ts";
import { evaluateAtom } from "../../src/eval/index.ts";
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
