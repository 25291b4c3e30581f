/**
 * `eka add`, `eka resolve`, `eka update`, `eka remove`, `eka tree`, `eka outdated` end to end:
 * sets published with the real `eka publish` to bare remotes, a consumer atom in its own
 * repository, the lock checked against the remotes' refs.
 */
import assert from "node:assert/strict";
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { runEka, runEkaJson } from "../helpers/eka.ts";
import { tempDir } from "../helpers/git.ts";
import {
  atomCommit,
  consumer,
  publishedSet,
  publishVersion,
  read,
  stamps,
  write,
} from "./resolve-fixtures.ts";

/** A `git` on PATH that logs every call before running the real one. */
async function gitSpy(
  t: Parameters<typeof tempDir>[0],
): Promise<{ env: NodeJS.ProcessEnv; calls: () => string[] }> {
  const bin = await tempDir(t, "eka-gitspy-");
  const log = join(bin, "calls.log");
  const real = (await import("node:child_process"))
    .execFileSync("sh", ["-c", "command -v git"], {
      encoding: "utf8",
    })
    .trim();
  writeFileSync(join(bin, "git"), `#!/bin/sh\necho "$*" >> '${log}'\nexec '${real}' "$@"\n`);
  chmodSync(join(bin, "git"), 0o755);
  return {
    env: { PATH: `${bin}:${process.env["PATH"] ?? ""}` },
    calls: () =>
      existsSync(log)
        ? readFileSync(log, "utf8")
            .split("\n")
            .filter((l) => l !== "")
        : [],
  };
}

test("a project with dependencies on two sets resolves, --locked accepts the lock, a re-run is a no-op touching nothing", async (t) => {
  const core = await publishedSet(t, { auth: ["1.0.0", "1.1.0", "2.0.0"], log: ["0.3.0"] });
  const ui = await publishedSet(t, { button: ["0.1.0", "0.2.0"] });
  const app = await consumer(t);

  const added = await runEkaJson(app, [
    "add",
    `${core.url}::auth@^1`,
    `${core.url}::log`,
    `${ui.url}::button@~0.1`,
    "--set",
    "core",
  ]);
  // --set names the set for every URI: button's mirror differs, so that is refused.
  assert.equal(added.code, 3, added.stderr);
  assert.equal(added.json.error.code, "EKA_SET_CONFLICT");
  assert.equal(existsSync(join(app, "atom.lock")), false, "nothing written on failure");

  const a = await runEkaJson(app, [
    "add",
    `${core.url}::auth@^1`,
    `${core.url}::log`,
    "--set",
    "core",
  ]);
  assert.equal(a.code, 0, a.stderr);
  const b = await runEkaJson(app, ["add", `${ui.url}::button@~0.1`]);
  assert.equal(b.code, 0, b.stderr);
  assert.deepEqual(
    b.json.data.added.map((d: { label: string; version: string; set: string }) => [
      d.label,
      d.version,
      d.set,
    ]),
    [["button", "0.1.0", "ui"]].map(([l, v]) => [l, v, b.json.data.added[0].set]),
  );

  const manifest = read(app, "atom.toml");
  assert.match(manifest, new RegExp(`core = "${core.url}"`));
  assert.match(manifest, /auth = "\^1"/);
  assert.match(manifest, /log = "\^0\.3\.0"/, "no requirement: ^newest is written");
  assert.match(manifest, /button = "~0\.1"/);

  const lock = read(app, "atom.lock");
  assert.match(
    lock,
    new RegExp(`\\[sets\\.${core.id}\\]\\nname = "core"\\nmirrors = \\["${core.url}"\\]`),
  );
  assert.match(lock, new RegExp(`\\[sets\\.${ui.id}\\]`));
  for (const [set, label, version] of [
    [core, "auth", "1.1.0"],
    [core, "log", "0.3.0"],
    [ui, "button", "0.1.0"],
  ] as const) {
    const rev = atomCommit(set.remote, label, version);
    assert.match(
      lock,
      new RegExp(
        `label = "${label}"\\nversion = "${version}"\\nset = "${set.id}"\\nrev = "${rev}"`,
      ),
    );
  }

  const locked = await runEka(app, ["resolve", "--locked"]);
  assert.equal(locked.code, 0, locked.stderr);

  // A no-op: no file touched, no git process (so no connection), and the remotes not needed.
  const files = ["atom.toml", "atom.lock"];
  const before = stamps(app, files);
  renameSync(core.remote, `${core.remote}.away`);
  renameSync(ui.remote, `${ui.remote}.away`);
  try {
    await noOpTouchesNothing(t, app, files, before);
  } finally {
    renameSync(`${core.remote}.away`, core.remote);
    renameSync(`${ui.remote}.away`, ui.remote);
  }
});

async function noOpTouchesNothing(
  t: Parameters<typeof tempDir>[0],
  app: string,
  files: readonly string[],
  before: readonly string[],
): Promise<void> {
  const spy = await gitSpy(t);
  for (const args of [["resolve"], ["resolve", "--locked"], ["resolve", "--offline", "--json"]]) {
    const run = await runEka(app, args, spy.env);
    assert.equal(run.code, 0, run.stderr);
    if (args.includes("--json")) assert.equal(JSON.parse(run.stdout).data.written, false);
    else assert.match(run.stdout, /atom\.lock is up to date \(3 dependencies\)/);
  }
  assert.deepEqual(stamps(app, files), before);
  assert.deepEqual(spy.calls(), [], "a no-op resolve runs no git");
  // The same listing would fail now: resolving anything needs the (gone) mirrors.
  const update = await runEkaJson(app, ["update", "auth"], spy.env);
  assert.equal(update.json.error?.code, "EKA_REMOTE_UNREACHABLE");
  assert.ok(spy.calls().length > 0);
  assert.deepEqual(stamps(app, files), before, "a failed update writes nothing");
}

test("resolution is lazy; update moves only what it names; outdated and tree report from listings and files", async (t) => {
  const core = await publishedSet(t, { auth: ["1.0.0"], log: ["0.3.0"] });
  const app = await consumer(t);
  assert.equal(
    (await runEka(app, ["add", `${core.url}::auth@^1`, `${core.url}::log@^0.3`])).code,
    0,
  );
  await publishVersion(core, "auth", "1.2.0");
  await publishVersion(core, "log", "0.3.1");
  await publishVersion(core, "auth", "2.0.0");

  const lockBefore = read(app, "atom.lock");
  const resolve = await runEka(app, ["resolve"]);
  assert.equal(resolve.code, 0, resolve.stderr);
  assert.equal(read(app, "atom.lock"), lockBefore, "kept entries still satisfy: nothing moves");

  const outdated = await runEkaJson(app, ["outdated"]);
  assert.equal(outdated.code, 0, outdated.stderr);
  assert.deepEqual(
    outdated.json.data.outdated.map((r: Record<string, string>) => [
      r["label"],
      r["locked"],
      r["compatible"],
      r["latest"],
    ]),
    [
      ["auth", "1.0.0", "1.2.0", "2.0.0"],
      ["log", "0.3.0", "0.3.1", "0.3.1"],
    ],
  );
  assert.equal(read(app, "atom.lock"), lockBefore, "outdated writes nothing");

  const update = await runEka(app, ["update", "auth"]);
  assert.equal(update.code, 0, update.stderr);
  assert.match(update.stdout, /auth \(\S+\) 1\.0\.0 → 1\.2\.0/);
  const after = read(app, "atom.lock");
  assert.match(after, new RegExp(`rev = "${atomCommit(core.remote, "auth", "1.2.0")}"`));
  assert.match(
    after,
    new RegExp(`rev = "${atomCommit(core.remote, "log", "0.3.0")}"`),
    "log did not move",
  );

  // Editing a requirement re-resolves just that entry; removing a dependency prunes it.
  write(app, "atom.toml", read(app, "atom.toml").replace('auth = "^1"', 'auth = "^2"'));
  const bumped = await runEka(app, ["resolve"]);
  assert.match(bumped.stdout, /auth \(\S+\) 1\.2\.0 → 2\.0\.0/);
  const tree = await runEkaJson(app, ["tree"]);
  assert.equal(tree.json.data.upToDate, true);
  assert.deepEqual(
    tree.json.data.sets[0].deps.map((d: Record<string, string>) => [
      d["name"],
      d["wants"],
      d["locked"],
    ]),
    [
      ["auth", "^2", "2.0.0"],
      ["log", "^0.3", "0.3.0"],
    ],
  );
  const removed = await runEka(app, ["remove", "log"]);
  assert.equal(removed.code, 0, removed.stderr);
  assert.doesNotMatch(read(app, "atom.toml"), /log =/);
  assert.doesNotMatch(read(app, "atom.lock"), /label = "log"/);
  assert.equal((await runEka(app, ["resolve", "--locked"])).code, 0);
});

test("--locked fails instead of writing; --offline resolves from the lock only", async (t) => {
  const core = await publishedSet(t, { auth: ["1.0.0", "1.1.0"] });
  const app = await consumer(t);
  assert.equal((await runEka(app, ["add", `${core.url}::auth@=1.0.0`])).code, 0);
  write(app, "atom.toml", read(app, "atom.toml").replace('"=1.0.0"', '"^1.1"'));
  const before = stamps(app, ["atom.toml", "atom.lock"]);
  const locked = await runEkaJson(app, ["resolve", "--locked"]);
  assert.equal(locked.json.error.code, "EKA_LOCK_OUT_OF_DATE");
  const offline = await runEkaJson(app, ["resolve", "--offline"]);
  assert.equal(offline.json.error.code, "EKA_OFFLINE");
  assert.deepEqual(stamps(app, ["atom.toml", "atom.lock"]), before);
  // A removal needs no network: offline prunes.
  write(app, "atom.toml", read(app, "atom.toml").replace(/\nauth = .*\n/, "\n"));
  const pruned = await runEka(app, ["resolve", "--offline"]);
  assert.equal(pruned.code, 0, pruned.stderr);
  assert.match(pruned.stdout, /- auth \(\S+\) 1\.0\.0/);
  assert.doesNotMatch(read(app, "atom.lock"), /auth/);
});
