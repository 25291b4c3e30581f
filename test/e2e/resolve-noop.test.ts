/**
 * The no-op `eka resolve` fast path (src/cli/fast-resolve.ts): it answers only for a
 * manifest/lock pair that the full check found up to date before (the stamp), byte for byte.
 * Which modules a run loaded is recorded by a module hook (NODE_OPTIONS --import), so each test
 * knows which path answered: the fast path loads exactly three of eka's files.
 */
import assert from "node:assert/strict";
import { symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { FAST_FILES } from "../../src/cli/fast-resolve.ts";
import { VERSION } from "../../src/cli/version.ts";
import { ATOM_MANIFEST_FILE, LOCK_FILE } from "../../src/core/index.ts";
import { JOURNAL } from "../../src/resolve/index.ts";
import { STAMP_VERSION } from "../../src/resolve/up-to-date-stamp.ts";
import { type EkaRun, runEka } from "../helpers/eka.ts";
import { type CleanupContext, tempDir } from "../helpers/git.ts";
import { ownFiles, runEkaTraced } from "../helpers/traced-eka.ts";
import { consumer, publishedSet, read, stamps, write } from "./resolve-fixtures.ts";

const FAST = ["src/cli/bin.ts", "src/cli/fast-resolve.ts", "src/resolve/up-to-date-stamp.ts"];

interface Traced extends EkaRun {
  /** eka's own source files the run loaded, relative to the repository root. */
  readonly modules: readonly string[];
}

/** Runs eka with a module hook that lists what it loaded; `env` holds XDG_CACHE_HOME. */
async function traced(
  t: CleanupContext,
  cwd: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<Traced> {
  const run = await runEkaTraced(await tempDir(t, "eka-trace-"), cwd, args, env);
  return { ...run, modules: ownFiles(run.modules) };
}

/** A PATH holding only the Node running this test (bin/eka may need it), so no git is found. */
async function pathWithoutGit(t: CleanupContext): Promise<string> {
  const dir = await tempDir(t, "eka-nogit-");
  symlinkSync(process.execPath, join(dir, "node"));
  return dir;
}

async function cacheEnv(t: CleanupContext): Promise<NodeJS.ProcessEnv> {
  return { XDG_CACHE_HOME: await tempDir(t, "eka-cache-") };
}

/** A consumer with two locked dependencies on one set; its pair recorded by `eka add`. */
async function lockedApp(t: CleanupContext, env: NodeJS.ProcessEnv) {
  const core = await publishedSet(t, { auth: ["1.0.0", "1.1.0"], log: ["0.3.0"] });
  const app = await consumer(t);
  const added = await runEka(
    app,
    ["add", `${core.url}::auth@^1.0.0`, `${core.url}::log`, "--set", "core"],
    env,
  );
  assert.equal(added.code, 0, added.stderr);
  return { core, app };
}

test("the fast path's file names and version are core's, resolve's and the CLI's", () => {
  assert.deepEqual(FAST_FILES, { manifest: ATOM_MANIFEST_FILE, lock: LOCK_FILE, journal: JOURNAL });
  assert.equal(STAMP_VERSION, VERSION);
});

test("a no-op resolve after add loads three modules, runs no git, prints what the full check prints", async (t) => {
  const env = await cacheEnv(t);
  const { app } = await lockedApp(t, env);
  const before = stamps(app, [ATOM_MANIFEST_FILE, LOCK_FILE]);
  const noGit = { ...env, PATH: await pathWithoutGit(t) };

  const fast = await traced(t, app, ["resolve"], noGit);
  assert.equal(fast.code, 0, fast.stderr);
  assert.deepEqual(fast.modules, FAST);
  assert.equal(fast.stdout, "atom.lock is up to date (2 dependencies)\n");
  const fastJson = await traced(t, app, ["resolve", "--locked", "--offline", "--json"], noGit);
  assert.equal(fastJson.code, 0, fastJson.stderr);
  assert.deepEqual(fastJson.modules, FAST);
  const quiet = await traced(t, app, ["resolve", "-q"], noGit);
  assert.deepEqual([quiet.code, quiet.stdout, quiet.modules], [0, "", FAST]);

  // Without a stamp (another cache) the full check answers, the same, also without git.
  const fresh = { ...(await cacheEnv(t)), PATH: noGit["PATH"] };
  const full = await traced(t, app, ["resolve"], fresh);
  assert.equal(full.code, 0, full.stderr);
  assert.ok(full.modules.length > FAST.length, full.modules.join(" "));
  assert.equal(full.stdout, fast.stdout);
  const fullJson = await traced(t, app, ["resolve", "--locked", "--offline", "--json"], {
    ...(await cacheEnv(t)),
    PATH: noGit["PATH"],
  });
  assert.ok(fullJson.modules.length > FAST.length);
  assert.equal(fullJson.stdout, fastJson.stdout);
  assert.equal(JSON.parse(fastJson.stdout).data.dir, app);
  // ... and records the pair, so that the next run in that cache is fast.
  const next = await traced(t, app, ["resolve"], fresh);
  assert.deepEqual([next.code, next.modules], [0, FAST]);
  // Through a subdirectory: the same atom, the same answer.
  const sub = join(app, "sub");
  (await import("node:fs")).mkdirSync(sub);
  const below = await traced(t, sub, ["resolve"], noGit);
  assert.deepEqual([below.code, below.modules, below.stdout], [0, FAST, fast.stdout]);

  assert.deepEqual(stamps(app, [ATOM_MANIFEST_FILE, LOCK_FILE]), before);
});

test("any edit of the manifest or the lock is checked in full; a pair that is not up to date is never recorded", async (t) => {
  const env = await cacheEnv(t);
  const { core, app } = await lockedApp(t, env);
  const manifest = read(app, ATOM_MANIFEST_FILE);
  const lock = read(app, LOCK_FILE);
  assert.match(manifest, /auth = "\^1\.0\.0"/);
  assert.match(lock, /version = "1\.1\.0"/);
  const link = join(await tempDir(t, "eka-link-"), "core.git");
  symlinkSync(core.remote, link);

  interface Case {
    readonly name: string;
    readonly manifest?: (text: string) => string;
    readonly lock?: (text: string) => string;
    /** The error code of `eka resolve --locked`, or null when the edited pair is up to date. */
    readonly code: string | null;
  }
  const cases: Case[] = [
    {
      name: "requirement the locked version no longer satisfies",
      manifest: (m) => m.replace('auth = "^1.0.0"', 'auth = "=1.0.0"'),
      code: "EKA_LOCK_OUT_OF_DATE",
    },
    {
      name: "requirement still satisfied",
      manifest: (m) => m.replace('auth = "^1.0.0"', 'auth = "^1.1"'),
      code: null,
    },
    {
      name: "dependency added",
      manifest: (m) => m.replace(/(log = "[^"]*"\n)/, '$1extra = "^1"\n'),
      code: "EKA_LOCK_OUT_OF_DATE",
    },
    {
      name: "dependency removed",
      manifest: (m) => m.replace(/log = "[^"]*"\n/, ""),
      code: "EKA_LOCK_OUT_OF_DATE",
    },
    {
      name: "mirror changed",
      manifest: (m) => m.replace(core.url, `file://${link}`),
      code: "EKA_LOCK_OUT_OF_DATE",
    },
    {
      name: "set renamed",
      manifest: (m) => m.replaceAll(/\bcore\b(?= =|\])/g, "other"),
      code: "EKA_LOCK_OUT_OF_DATE",
    },
    { name: "comment added", manifest: (m) => `# a comment\n${m}`, code: null },
    { name: "invalid TOML", manifest: (m) => `${m}\n[deps.from\n`, code: "EKA_TOML_SYNTAX" },
    {
      name: "unknown key",
      manifest: (m) => m.replace("[package]\n", "[package]\nlabels = 1\n"),
      code: "EKA_MANIFEST_INVALID",
    },
    {
      name: "lock: atom id edited",
      lock: (l) => l.replace(/id = "(.)/, (_, c: string) => `id = "${c === "a" ? "b" : "a"}`),
      code: "EKA_LOCK_INVALID",
    },
    {
      name: "lock: locked version edited",
      lock: (l) => l.replace('version = "1.1.0"', 'version = "1.0.0"'),
      code: null,
    },
    { name: "lock: not canonical", lock: (l) => `${l}\n`, code: "EKA_LOCK_OUT_OF_DATE" },
    { name: "lock: removed", lock: () => "", code: "EKA_LOCK_INVALID" },
  ];
  for (const c of cases) {
    const m = c.manifest?.(manifest) ?? manifest;
    const l = c.lock?.(lock) ?? lock;
    assert.ok(m !== manifest || l !== lock, `${c.name}: the edit changes nothing`);
    write(app, ATOM_MANIFEST_FILE, m);
    write(app, LOCK_FILE, l);
    for (const round of [1, 2]) {
      const run = await traced(t, app, ["resolve", "--locked", "--json"], env);
      const what = `${c.name}, run ${round}: ${run.stdout}${run.stderr}`;
      if (c.code === null) {
        assert.equal(run.code, 0, what);
        // The full check the first time, which records the pair; the stamp the second.
        if (round === 1) assert.ok(run.modules.length > FAST.length, what);
        else assert.deepEqual(run.modules, FAST, what);
      } else {
        assert.notEqual(run.code, 0, what);
        assert.equal(JSON.parse(run.stdout).error.code, c.code, what);
        assert.ok(run.modules.length > FAST.length, what);
      }
    }
    write(app, ATOM_MANIFEST_FILE, manifest);
    write(app, LOCK_FILE, lock);
  }
  // The original pair's stamp was replaced by the last up-to-date edit: checked in full again.
  const back = await traced(t, app, ["resolve"], env);
  assert.equal(back.code, 0, back.stderr);
  assert.ok(back.modules.length > FAST.length);
});

test("an interrupted update (journal) is repaired by the full path, never answered by the stamp", async (t) => {
  const env = await cacheEnv(t);
  const { app } = await lockedApp(t, env);
  const fast = await traced(t, app, ["resolve"], env);
  assert.deepEqual(fast.modules, FAST);
  writeFileSync(join(app, JOURNAL), "not a journal\n");
  const run = await traced(t, app, ["resolve"], env);
  assert.ok(run.modules.length > FAST.length, run.modules.join(" "));
});
