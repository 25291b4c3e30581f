/**
 * `eka remove NAME… [--set SET]` and `eka update [NAME…] [--set SET]` name dependencies
 * precisely: a direct dependency is removed by name (manifest and lock together, every other
 * byte kept), a name several dependencies share is refused with both files byte-identical, and
 * `--set` (`nix` for the direct dependencies) picks one, leaving the others' lock entries
 * byte-identical.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { commitAll } from "../helpers/atoms.ts";
import { runEka, runEkaJson, snapshot } from "../helpers/eka.ts";
import { type CleanupContext, tempRepo } from "../helpers/git.ts";
import { consumer, publishedSet, publishVersion, read, write } from "./resolve-fixtures.ts";

/** The `[[deps]]` block of atom.lock matching every pattern: exactly one. */
function entry(lock: string, ...patterns: RegExp[]): string {
  const found = lock
    .split(/\n\n+/)
    .map((b) => b.replace(/\n+$/, ""))
    .filter((b) => b.startsWith("[[deps]]") && patterns.every((p) => p.test(b)));
  assert.equal(found.length, 1, `one entry matching ${patterns.join(" ")} in\n${lock}`);
  return found[0]!;
}

function hasEntry(lock: string, ...patterns: RegExp[]): boolean {
  return lock
    .split(/\n\n+/)
    .some((b) => b.startsWith("[[deps]]") && patterns.every((p) => p.test(b)));
}

/** `text` without its first line equal to `line` after the line `after`. */
function withoutLine(text: string, after: string, line: string): string {
  const lines = text.split("\n");
  const from = lines.indexOf(after);
  assert.ok(from >= 0, `${after} in\n${text}`);
  const at = lines.indexOf(line, from + 1);
  assert.ok(at > from, `${line} after ${after} in\n${text}`);
  return [...lines.slice(0, at), ...lines.slice(at + 1)].join("\n");
}

/** Both files, and everything else in the directory, as they are. */
function files(app: string) {
  return { manifest: read(app, "atom.toml"), lock: read(app, "atom.lock"), all: snapshot(app) };
}

async function upstreamRepo(t: CleanupContext): Promise<string> {
  return tempRepo(t, { initialCommit: true });
}

async function ok(app: string, args: string[]): Promise<void> {
  const run = await runEka(app, args);
  assert.equal(run.code, 0, `${args.join(" ")}: ${run.stderr}`);
}

test("eka remove takes a direct dependency out of atom.toml (any form, every other byte kept) and atom.lock; an unknown name lists the direct ones too", async (t) => {
  const core = await publishedSet(t, { auth: ["1.0.0"] });
  const upstream = await upstreamRepo(t);
  const app = await consumer(t);
  await ok(app, ["add", `${core.url}::auth`, "--set", "core"]);
  await ok(app, ["add", "--nix", "lib", `file://${upstream}`, "--git", "main"]);
  // A second one written by hand as its own section, at the end of the file.
  write(
    app,
    "atom.toml",
    `${read(app, "atom.toml")}\n# the tip\n[deps.direct.nix.tip]\ngit = "file://${upstream}"\nref = "main"\n`,
  );
  await ok(app, ["resolve"]);
  const start = files(app);
  assert.match(start.manifest, /\nlib = \{ git = ".*", ref = "main" \}\n/);
  const authEntry = entry(start.lock, /type = "atom"/, /label = "auth"/);
  const tipEntry = entry(start.lock, /type = "nix\+git"/, /name = "tip"/);

  const unknown = await runEkaJson(app, ["remove", "zz"]);
  assert.equal(unknown.code, 3, unknown.stderr);
  assert.equal(unknown.json.error.code, "EKA_DEP_NOT_FOUND");
  assert.equal(unknown.json.error.message, "zz is not a dependency in atom.toml");
  assert.equal(
    unknown.json.error.hint,
    "the dependencies are: auth (from set core); lib, tip (direct, --set nix)",
  );
  assert.deepEqual(files(app), start, "nothing written");

  const removed = await runEkaJson(app, ["remove", "lib"]);
  assert.equal(removed.code, 0, removed.stderr);
  assert.deepEqual(removed.json.data.removed, [{ set: "nix", name: "lib" }]);
  const lines = start.manifest.split("\n");
  const libLine = lines.find((l) => l.startsWith("lib = "))!;
  assert.equal(read(app, "atom.toml"), withoutLine(start.manifest, "[deps.direct.nix]", libLine));
  const lock = read(app, "atom.lock");
  assert.equal(hasEntry(lock, /name = "lib"/), false, "lib's lock entry is gone");
  assert.equal(entry(lock, /label = "auth"/), authEntry);
  assert.equal(entry(lock, /name = "tip"/), tipEntry);
  await ok(app, ["resolve", "--locked"]);

  // The section form, named with --set nix, in text output.
  const afterLib = read(app, "atom.toml");
  const tip = await runEka(app, ["remove", "tip", "--set", "nix"]);
  assert.equal(tip.code, 0, tip.stderr);
  assert.equal(tip.stdout, "removed tip (direct)\n");
  assert.equal(
    read(app, "atom.toml"),
    afterLib.replace(
      `\n# the tip\n[deps.direct.nix.tip]\ngit = "file://${upstream}"\nref = "main"\n`,
      "\n# the tip\n",
    ),
  );
  assert.equal(hasEntry(read(app, "atom.lock"), /type = "nix/), false);
  assert.equal(entry(read(app, "atom.lock"), /label = "auth"/), authEntry);
  await ok(app, ["resolve", "--locked"]);
});

test("a name several dependencies share is refused by remove and update (both files byte-identical); --set picks one, --set nix the direct one, the others' lock entries byte-identical", async (t) => {
  const acme = await publishedSet(t, { foo: ["1.0.0"] });
  const beta = await publishedSet(t, { foo: ["2.0.0"] });
  const upstream = await upstreamRepo(t);
  const app = await consumer(t);
  await ok(app, ["add", `${acme.url}::foo`, "--set", "acme"]);
  await ok(app, ["add", `${beta.url}::foo`, "--set", "beta"]);
  await ok(app, ["add", "--nix", "foo", `file://${upstream}`, "--git", "main"]);
  const acmeFoo = [/type = "atom"/, new RegExp(`set = "${acme.id}"`)];
  const betaFoo = [/type = "atom"/, new RegExp(`set = "${beta.id}"`)];
  const pinFoo = [/type = "nix\+git"/, /name = "foo"/];

  // Something newer everywhere: an update of the wrong one would show.
  await publishVersion(acme, "foo", "1.1.0");
  await publishVersion(beta, "foo", "2.1.0");
  writeFileSync(join(upstream, "next"), "next\n");
  const next = commitAll(upstream, "next");

  const start = files(app);
  const all =
    "foo is a dependency from sets acme and beta and a direct dependency (deps.nix.foo); name one with --set acme, --set beta or --set nix";
  for (const args of [
    ["update", "foo"],
    ["remove", "foo"],
  ]) {
    const run = await runEkaJson(app, args);
    assert.equal(run.code, 3, `${args.join(" ")}: ${run.stderr}`);
    assert.equal(run.json.error.code, "EKA_DEP_AMBIGUOUS", args.join(" "));
    assert.equal(run.json.error.message, all);
    assert.deepEqual(files(app), start, `${args.join(" ")} wrote nothing`);
  }
  const text = await runEka(app, ["remove", "foo"]);
  assert.match(text.stderr, /error\[EKA_DEP_AMBIGUOUS\]: foo is a dependency from sets acme and/);

  // update --set moves that one only.
  const updated = await runEkaJson(app, ["update", "foo", "--set", "acme"]);
  assert.equal(updated.code, 0, updated.stderr);
  assert.deepEqual(
    updated.json.data.changes.map((c: Record<string, string>) => [c["name"], c["set"], c["to"]]),
    [["foo", "acme", "1.1.0"]],
  );
  let lock = read(app, "atom.lock");
  assert.match(entry(lock, ...acmeFoo), /version = "1\.1\.0"/);
  assert.equal(entry(lock, ...betaFoo), entry(start.lock, ...betaFoo));
  assert.equal(entry(lock, ...pinFoo), entry(start.lock, ...pinFoo));
  assert.equal(read(app, "atom.toml"), start.manifest);

  const pin = await runEkaJson(app, ["update", "foo", "--set", "nix"]);
  assert.equal(pin.code, 0, pin.stderr);
  const before = lock;
  lock = read(app, "atom.lock");
  assert.match(entry(lock, ...pinFoo), new RegExp(`rev = "${next}"`));
  assert.equal(entry(lock, ...acmeFoo), entry(before, ...acmeFoo));
  assert.equal(entry(lock, ...betaFoo), entry(start.lock, ...betaFoo), "beta's foo never moved");
  assert.equal(read(app, "atom.toml"), start.manifest);

  // --set with no name: every dependency of that set.
  const setOnly = await runEkaJson(app, ["update", "--set", "beta"]);
  assert.equal(setOnly.code, 0, setOnly.stderr);
  assert.deepEqual(
    setOnly.json.data.changes.map((c: Record<string, string>) => [c["name"], c["set"], c["to"]]),
    [["foo", "beta", "2.1.0"]],
  );
  await ok(app, ["resolve", "--locked"]);

  // remove --set beta: only beta's foo goes, from both files.
  const middle = files(app);
  const removed = await runEkaJson(app, ["remove", "foo", "--set", "beta"]);
  assert.equal(removed.code, 0, removed.stderr);
  assert.deepEqual(removed.json.data.removed, [{ set: "beta", label: "foo" }]);
  assert.equal(
    read(app, "atom.toml"),
    withoutLine(middle.manifest, "[deps.from.beta]", 'foo = "^2.0.0"'),
  );
  lock = read(app, "atom.lock");
  assert.equal(hasEntry(lock, ...betaFoo), false);
  assert.equal(entry(lock, ...acmeFoo), entry(middle.lock, ...acmeFoo));
  assert.equal(entry(lock, ...pinFoo), entry(middle.lock, ...pinFoo));
  await ok(app, ["resolve", "--locked"]);

  // Still two: the atom of acme and the direct one. --set nix picks the direct one.
  const two = files(app);
  const still = await runEkaJson(app, ["remove", "foo"]);
  assert.equal(still.json.error?.code, "EKA_DEP_AMBIGUOUS");
  assert.equal(
    still.json.error.message,
    "foo is a dependency from set acme and a direct dependency (deps.nix.foo); name one with --set acme or --set nix",
  );
  assert.deepEqual(files(app), two);
  const direct = await runEkaJson(app, ["remove", "foo", "--set", "nix"]);
  assert.equal(direct.code, 0, direct.stderr);
  assert.deepEqual(direct.json.data.removed, [{ set: "nix", name: "foo" }]);
  const pinLine = two.manifest.split("\n").find((l) => l.startsWith("foo = { git = "))!;
  assert.equal(read(app, "atom.toml"), withoutLine(two.manifest, "[deps.direct.nix]", pinLine));
  lock = read(app, "atom.lock");
  assert.equal(hasEntry(lock, ...pinFoo), false);
  assert.equal(entry(lock, ...acmeFoo), entry(two.lock, ...acmeFoo));
  await ok(app, ["resolve", "--locked"]);

  // One left: the name alone is enough again.
  const last = await runEkaJson(app, ["remove", "foo"]);
  assert.equal(last.code, 0, last.stderr);
  assert.deepEqual(last.json.data.removed, [{ set: "acme", label: "foo" }]);
  assert.equal(hasEntry(read(app, "atom.lock"), /label = "foo"/), false);
  await ok(app, ["resolve", "--locked"]);
});

test("--set names a declared set or nix: an undeclared one, or a name not in that set, is refused with nothing written", async (t) => {
  const core = await publishedSet(t, { auth: ["1.0.0"], log: ["0.1.0"] });
  const app = await consumer(t);
  await ok(app, ["add", `${core.url}::auth`, `${core.url}::log`, "--set", "core"]);
  const start = files(app);
  const cases: [string[], string, string, RegExp][] = [
    [
      ["remove", "auth", "--set", "other"],
      "EKA_SET_UNKNOWN",
      "set other is not declared in atom.toml",
      /the sets are: core; --set nix names the direct dependencies/,
    ],
    [
      ["update", "auth", "--set", "nix"],
      "EKA_DEP_NOT_FOUND",
      "auth is not a direct dependency in atom.toml",
      /^auth is a dependency from set core \(--set core\); it has no direct dependencies$/,
    ],
    [
      ["remove", "zz", "auth", "--set", "core"],
      "EKA_DEP_NOT_FOUND",
      "zz is not a dependency from set core in atom.toml",
      /the dependencies from set core are: auth, log/,
    ],
  ];
  for (const [args, code, message, hint] of cases) {
    const run = await runEkaJson(app, args);
    assert.equal(run.code, 3, `${args.join(" ")}: ${run.stderr}`);
    assert.equal(run.json.error.code, code, args.join(" "));
    assert.equal(run.json.error.message, message, args.join(" "));
    assert.match(run.json.error.hint, hint, args.join(" "));
    assert.deepEqual(files(app), start, `${args.join(" ")} wrote nothing`);
  }
});
