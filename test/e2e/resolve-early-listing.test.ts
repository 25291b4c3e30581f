/**
 * `eka resolve` starts the listings it is sure to make as soon as the manifest and the lock are
 * read, and resolution then gets those very listings: each mirror is listed once per run (one
 * `git upload-pack` per file:// mirror, counted through a logging `git` on PATH), the lock is the
 * one a resolution without the early start writes, and a set the lock already satisfies is not
 * listed at all.
 */
import assert from "node:assert/strict";
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import { runEka, runEkaJson } from "../helpers/eka.ts";
import { tempDir } from "../helpers/git.ts";
import { consumer, publishedSet, read, write } from "./resolve-fixtures.ts";

/** A `git` on PATH that logs every call before running the real one. */
async function gitSpy(t: TestContext) {
  const bin = await tempDir(t, "eka-gitspy-");
  const log = join(bin, "calls.log");
  const real = (await import("node:child_process"))
    .execFileSync("sh", ["-c", "command -v git"], { encoding: "utf8" })
    .trim();
  writeFileSync(join(bin, "git"), `#!/bin/sh\necho "$*" >> '${log}'\nexec '${real}' "$@"\n`);
  chmodSync(join(bin, "git"), 0o755);
  const uploadPacks = (calls: readonly string[]) =>
    calls.filter((l) => / upload-pack /.test(l)).map((l) => l.split(" ").at(-1));
  return {
    uploadPacks,
    env: { PATH: `${bin}:${process.env["PATH"] ?? ""}` },
    /** The git commands run since the last call, in order. */
    calls: () => {
      if (!existsSync(log)) return [];
      const lines = readFileSync(log, "utf8").split("\n");
      rmSync(log);
      return lines.filter((l) => l !== "");
    },
  };
}

test("a cold resolve lists each mirror once and writes the same lock; a set the lock satisfies is not listed", async (t) => {
  const core = await publishedSet(t, { auth: ["1.0.0", "1.1.0"], log: ["0.3.0"] });
  const ui = await publishedSet(t, { button: ["0.1.0", "0.2.0"] });
  const app = await consumer(t);
  const spy = await gitSpy(t);
  const uploadPacksNow = () => spy.uploadPacks(spy.calls());
  for (const args of [
    ["add", `${core.url}::auth@^1`, `${core.url}::log`, "--set", "core"],
    ["add", `${ui.url}::button@~0.1`, "--set", "ui"],
  ]) {
    const run = await runEka(app, args);
    assert.equal(run.code, 0, run.stderr);
  }
  const lock = read(app, "atom.lock");

  rmSync(join(app, "atom.lock"));
  spy.calls();
  const cold = await runEka(app, ["resolve"], spy.env);
  assert.equal(cold.code, 0, cold.stderr);
  assert.equal(read(app, "atom.lock"), lock, "the lock a resolution without the early start wrote");
  const calls = spy.calls();
  assert.equal(
    calls.filter((l) => / config -z --get-regexp /.test(l)).length,
    1,
    "git's configuration, read early, is the one the lister uses",
  );
  assert.deepEqual(
    spy.uploadPacks(calls).sort(),
    [core.remote, ui.remote].sort(),
    "one upload-pack per mirror: the listing started early is the one resolution used",
  );

  // A new atom of set ui: ui is listed (once, for both labels), core is not listed at all.
  write(app, "atom.toml", read(app, "atom.toml").replace(/button = "~0\.1"/, '$&\nbutton2 = "^0"'));
  const added = await runEkaJson(app, ["resolve"], spy.env);
  assert.equal(added.json.error?.code, "EKA_NO_MATCHING_VERSION", JSON.stringify(added.json));
  assert.deepEqual(uploadPacksNow(), [ui.remote]);

  // eka update: the named atom's set listed once.
  write(app, "atom.toml", read(app, "atom.toml").replace(/\nbutton2 = "\^0"/, ""));
  const update = await runEka(app, ["update", "auth"], spy.env);
  assert.equal(update.code, 0, update.stderr);
  assert.deepEqual(uploadPacksNow(), [core.remote]);

  // --locked and --offline list nothing early (they fail without listing when the lock lacks
  // something).
  rmSync(join(app, "atom.lock"));
  for (const flag of ["--locked", "--offline"]) {
    const run = await runEka(app, ["resolve", flag], spy.env);
    assert.notEqual(run.code, 0);
    assert.deepEqual(uploadPacksNow(), [], flag);
  }
});
