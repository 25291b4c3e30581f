/** Behaviour every command shares: help, JSON, exit codes, usage errors. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { COMMANDS } from "../../src/cli/main.ts";
import { VERSION } from "../../src/cli/version.ts";
import { ROOT, runEka, runEkaJson } from "../helpers/eka.ts";
import { tempDir } from "../helpers/git.ts";

test("every command has --help with usage and an example, and exits 0", async (t) => {
  const dir = await tempDir(t);
  for (const command of COMMANDS) {
    for (const form of [
      [command.name, "--help"],
      ["help", command.name],
      ["--help", command.name],
    ]) {
      const run = await runEka(dir, form);
      assert.equal(run.code, 0, `${form.join(" ")}: ${run.stderr}`);
      assert.match(run.stdout, new RegExp(`^Usage: eka ${command.name}`, "m"));
      assert.match(run.stdout, /^Examples:\n {2}eka /m);
      assert.match(run.stdout, /--json/);
    }
  }
  const top = await runEka(dir, ["--help"]);
  assert.equal(top.code, 0);
  for (const command of COMMANDS)
    assert.match(top.stdout, new RegExp(`^ {2}${command.name} `, "m"));
});

test("--version matches package.json", async (t) => {
  const dir = await tempDir(t);
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
  assert.equal(VERSION, pkg.version);
  const run = await runEka(dir, ["--version"]);
  assert.equal(run.stdout.trim(), `eka ${pkg.version}`);
});

test("usage errors: unknown command, unknown flag, missing and extra arguments exit 2", async (t) => {
  const dir = await tempDir(t);
  for (const args of [
    ["frobnicate"],
    ["init", "--bogus"],
    ["new"],
    ["new", "a", "b"],
    ["status", "x"],
  ]) {
    const run = await runEka(dir, args);
    assert.equal(run.code, 2, `${args.join(" ")}: ${run.stderr}`);
    assert.match(run.stderr, /^error\[EKA_USAGE\]: /m);
    assert.match(run.stderr, /^ {2}hint: /m);
  }
  const json = await runEkaJson(dir, ["init", "--bogus"]);
  assert.equal(json.code, 2);
  assert.equal(json.json.ok, false);
  assert.equal(json.json.error.code, "EKA_USAGE");
});

test("errors in --json mode are one JSON object on stdout with code, message and hint", async (t) => {
  const dir = await tempDir(t);
  const run = await runEkaJson(dir, ["status"], { GIT_CEILING_DIRECTORIES: dir });
  assert.notEqual(run.code, 0);
  assert.equal(run.json.ok, false);
  assert.equal(run.json.error.code, "EKA_NOT_A_REPO");
  assert.equal(typeof run.json.error.hint, "string");
});
