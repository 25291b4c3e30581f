/**
 * Start-up cost: what `eka --version` and `--help` load. They need the command table and the
 * help text, nothing of the library: no TOML parser, no semver, no hashing, no git, no fetch
 * layer. Which files a run loaded is recorded by a module hook (NODE_OPTIONS --import); files
 * are counted and named, never timed.
 */
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { COMMANDS } from "../../src/cli/main.ts";
import { runEka } from "../helpers/eka.ts";
import { type CleanupContext, tempDir } from "../helpers/git.ts";
import { runEkaTraced, type TracedRun } from "../helpers/traced-eka.ts";
import { consumer, publishedSet } from "./resolve-fixtures.ts";

async function traced(
  t: CleanupContext,
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  cwd?: string,
): Promise<TracedRun> {
  const dir = await tempDir(t, "eka-startup-");
  return runEkaTraced(dir, cwd ?? dir, args, { XDG_CACHE_HOME: join(dir, "cache"), ...env });
}

/** What printing help or the version may load besides the CLI's own files. */
const ALLOWED_OUTSIDE_CLI = new Set([
  "src/core/errors.ts",
  // `eka resolve …` first asks the no-op fast path, which reads its stamp module.
  "src/resolve/up-to-date-stamp.ts",
]);
/** Heavy modules by name: none may be loaded to print help. */
const HEAVY = [
  "node_modules/",
  "toml-eslint-parser",
  "semver",
  "@noble/hashes",
  "@napi-rs/blake-hash",
  "src/config/",
  "src/fetch/",
  "src/verify/",
  "src/eval/",
  "src/git/",
  "src/hash/",
  "src/publish/",
  "src/workspace/",
  "src/discover/",
  "node:http",
  "node:crypto",
  "node:child_process",
];

function assertLight(run: TracedRun, label: string): void {
  assert.equal(run.code, 0, `${label}: ${run.stderr}`);
  const own = run.modules.filter((m) => !m.startsWith("node:"));
  const outside = own.filter((m) => !m.startsWith("src/cli/") && !ALLOWED_OUTSIDE_CLI.has(m));
  assert.deepEqual(outside, [], `${label} loaded library modules`);
  const heavy = run.modules.filter((m) => HEAVY.some((h) => m.includes(h)));
  assert.deepEqual(heavy, [], `${label} loaded heavy modules`);
  // The CLI's own files: bin, main, run-main, help, render, version, command and one file
  // per command (and their two shared helpers).
  assert.ok(own.length <= 32, `${label} loaded ${own.length} files: ${own.join(" ")}`);
}

test("--version and --help load the CLI only: no TOML parser, semver, hashing, git or fetch layer", async (t) => {
  const version = await traced(t, ["--version"]);
  assertLight(version, "--version");
  assert.match(version.stdout, /^eka \d+\.\d+\.\d+/);
  assertLight(await traced(t, ["--help"]), "--help");
  for (const args of [
    ["resolve", "--help"],
    ["help", "resolve"],
    ["add", "--help"],
    ["publish", "--help"],
    ["verify", "-h"],
    ["eval", "--help"],
  ]) {
    const run = await traced(t, args);
    assertLight(run, args.join(" "));
    assert.match(run.stdout, /^eka \w+: /);
  }
  // Only the one command named: `eka resolve --help` does not load the other commands.
  const resolveHelp = await traced(t, ["resolve", "--help"]);
  const commands = resolveHelp.modules.filter((m) => m.startsWith("src/cli/commands/"));
  assert.ok(commands.includes("src/cli/commands/resolve.ts"));
  assert.ok(!commands.includes("src/cli/commands/publish.ts"), commands.join(" "));
});

test("`eka <command>` loads that command's module only, for every command", async (t) => {
  for (const command of COMMANDS) {
    const run = await traced(t, [command.name, "--help"]);
    assertLight(run, `${command.name} --help`);
    const commands = run.modules.filter((m) => m.startsWith("src/cli/commands/"));
    const own = `src/cli/commands/${command.name}.ts`;
    assert.ok(commands.includes(own), `${command.name}: ${commands.join(" ")}`);
    // build shares eval's flags; the others load no other command.
    const others = commands.filter(
      (m) => m !== own && !(command.name === "build" && m === "src/cli/commands/eval.ts"),
    );
    assert.deepEqual(
      others.filter((m) => COMMANDS.some((c) => m === `src/cli/commands/${c.name}.ts`)),
      [],
      `${command.name} loaded other commands`,
    );
    assert.ok(!run.modules.includes("src/cli/main.ts"), `${command.name} loaded main.ts`);
  }
  // After global flags too.
  const dir = await tempDir(t, "eka-dir-");
  const after = await traced(t, ["-C", dir, "--json", "config"]);
  assert.equal(after.code, 0, after.stderr);
  assert.ok(!after.modules.includes("src/cli/main.ts"), after.modules.join(" "));
  assert.ok(Array.isArray(JSON.parse(after.stdout).data.settings));
  // A name that is not a command (not even an inherited property) is a usage error.
  for (const name of ["bogus", "constructor", "toString"]) {
    const run = await traced(t, [name]);
    assert.equal(run.code, 2, `${name}: ${run.stderr}`);
    assert.match(run.stderr, /unknown command/);
  }
});

test("a broken configuration file fails a command but not its help", async (t) => {
  const config = await tempDir(t, "eka-config-");
  mkdirSync(join(config, "eka"));
  writeFileSync(join(config, "eka", "eka.toml"), "[aliases\n");
  const env = { XDG_CONFIG_HOME: config, EKA_CONFIG: "" };
  const help = await traced(t, ["resolve", "--help"], env);
  assertLight(help, "resolve --help with a broken eka.toml");
  const dir = await tempDir(t, "eka-app-");
  const run = await runEka(dir, ["resolve", "--json"], { ...env, XDG_CACHE_HOME: join(dir, "c") });
  assert.notEqual(run.code, 0);
  assert.equal(JSON.parse(run.stdout).error.code, "EKA_CONFIG_INVALID");
  const tree = await runEka(dir, ["tree"], { ...env, XDG_CACHE_HOME: join(dir, "c") });
  assert.notEqual(tree.code, 0);
  assert.match(tree.stderr, /^error\[EKA_CONFIG_INVALID\]/);
});

test("a cold resolve of atom dependencies loads no fetch layer, hashing, verify, eval, publish or http", async (t) => {
  const core = await publishedSet(t, { auth: ["1.0.0", "1.1.0"] });
  const app = await consumer(
    t,
    `\n[package.sets]\ncore = "${core.url}"\n\n[deps.from.core]\nauth = "^1"\n`,
  );
  const run = await traced(t, ["resolve"], {}, app);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /wrote atom\.lock/);
  const unneeded = run.modules.filter((m) =>
    [
      "src/fetch/",
      "src/hash/",
      "src/verify/",
      "src/eval/",
      "src/publish/",
      "src/workspace/",
      "@napi-rs/blake-hash",
      "node_modules/tar-stream",
      "node_modules/yauzl",
      "node_modules/node-liblzma",
      "node:http",
      "node:https",
      "node:zlib",
      "node:worker_threads",
      // the object store: a listing reads refs only
      "src/git/index.ts",
      "src/git/git-binary-backend.ts",
      "src/git/memory-backend.ts",
      "src/git/object-reader.ts",
      "node:crypto",
      // only `eka add`, `remove`, `tree` and `outdated` need these
      "src/resolve/index.ts",
      "src/resolve/add-deps.ts",
      "src/resolve/outdated.ts",
      // only `eka <other command>`
      "src/cli/main.ts",
      "src/cli/commands/publish.ts",
    ].some((h) => m.includes(h)),
  );
  assert.deepEqual(unneeded, [], "a cold resolve over file:// loaded modules it does not use");
});
