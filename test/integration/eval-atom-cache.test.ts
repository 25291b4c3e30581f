/**
 * The atom cache (src/fetch/atom-cache.ts) on real repositories: mirrors tried in order with
 * one fetch per mirror for all the atoms needed from it, nothing fetched once present, and
 * `"::"` atoms made from HEAD byte for byte as `eka publish` would write them.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import {
  atomId,
  EkaError,
  type Lock,
  type LockedAtom,
  parseB3Digest,
  parseGitOid,
  parseLabel,
  parseSetId,
  parseTag,
  parseVersion,
} from "../../src/core/index.ts";
import { collectingReport } from "../../src/core/report.ts";
import { cacheLockedAtoms } from "../../src/fetch/index.ts";
import {
  atomToml,
  commitAll,
  ekaInit,
  ekalaToml,
  expectedAtomCommit,
  refMap,
  writeFiles,
} from "../helpers/atoms.ts";
import { runEka, runEkaJson } from "../helpers/eka.ts";
import { git, tempDir, tempRepo } from "../helpers/git.ts";

function locked(remote: string, setId: string, label: string, version: string): LockedAtom {
  const refs = refMap(remote);
  const rev = refs.get(`refs/ekala/atoms/${label}/${version}`);
  const content = [...refs.keys()]
    .find((r) => r.startsWith(`refs/ekala/content/${label}/${version}/`))
    ?.split("/")
    .pop();
  assert.ok(rev !== undefined && content !== undefined);
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

test("mirrors in order, one fetch per mirror for all atoms, nothing fetched once cached", async (t) => {
  const base = await tempDir(t, "eka-remotes-");
  git(base, "init", "--quiet", "--bare", "good.git");
  const repo = await tempRepo(t, { initialCommit: true });
  const good = join(base, "good.git");
  const setId = await ekaInit(repo, `file://${good}`);
  writeFiles(repo, {
    "ekala.toml": ekalaToml(["a", "b", "c"]),
    "a/atom.toml": atomToml("a", "1.0.0"),
    "b/atom.toml": atomToml("b", "2.0.0"),
    "c/atom.toml": atomToml("c", "3.0.0"),
  });
  commitAll(repo, "atoms");
  const published = await runEka(repo, ["publish", "--remote", `file://${good}`]);
  assert.equal(published.code, 0, published.stderr);
  const lock: Lock = {
    version: 1,
    sets: [
      {
        id: parseSetId(setId),
        name: parseTag("s"),
        mirrors: [`file://${join(base, "missing.git")}`, `file://${good}`],
      },
    ],
    deps: [locked(good, setId, "a", "1.0.0"), locked(good, setId, "b", "2.0.0")],
  };
  const cacheDir = await tempDir(t, "eka-cache-");
  const report = collectingReport();
  const first = await cacheLockedAtoms(lock, { cacheDir, report });
  assert.equal(first.fetched, 2);
  assert.equal(
    first.fetches,
    2,
    "one failed fetch from the first mirror, one for both atoms from the second",
  );
  const warnings = report.events.filter((e) => e.kind === "warn");
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!.message, /missing\.git failed/);
  const cache = join(cacheDir, "git");
  const refs = refMap(cache);
  assert.equal(
    refs.get("refs/ekala/atoms/a/1.0.0"),
    lock.deps[0]!.type === "atom" ? lock.deps[0]!.rev : "",
  );
  assert.equal(
    refs.get("refs/ekala/atoms/b/2.0.0"),
    lock.deps[1]!.type === "atom" ? lock.deps[1]!.rev : "",
  );
  assert.equal(refs.has("refs/ekala/atoms/c/3.0.0"), false, "only what the lock names");
  // Cached: no fetch at all, even with every mirror gone.
  const offline = await cacheLockedAtoms(
    { ...lock, sets: [{ ...lock.sets[0]!, mirrors: [`file://${join(base, "gone.git")}`] }] },
    { cacheDir, report },
  );
  assert.equal(offline.fetches, 0);
  assert.equal(offline.fetched, 0);
  // Several evaluations at once on a new cache: each ends with the atoms present.
  const shared = await tempDir(t, "eka-cache-");
  const together = await Promise.all(
    [1, 2, 3, 4].map(() =>
      cacheLockedAtoms(lock, { cacheDir: shared, report: collectingReport() }),
    ),
  );
  for (const r of together) assert.equal(r.atoms.length, 2);
  assert.equal(
    refMap(join(shared, "git")).get("refs/ekala/atoms/a/1.0.0"),
    (lock.deps[0] as LockedAtom).rev,
  );
  // A rev no mirror serves is an error naming the atom and the mirrors tried.
  const wrong: LockedAtom = { ...(lock.deps[0] as LockedAtom), rev: parseGitOid("1".repeat(40)) };
  await assert.rejects(
    cacheLockedAtoms({ ...lock, deps: [wrong] }, { cacheDir, report }),
    (e: unknown) =>
      e instanceof EkaError &&
      e.code === "EKA_FETCH_FAILED" &&
      /a@1\.0\.0 \(commit 1{40}\) from set s \(tried .*missing\.git, .*good\.git\)/.test(e.message),
  );
});

test('"::" atoms are made from HEAD, byte for byte the commit eka publish would write', async (t) => {
  const repo = await tempRepo(t, { initialCommit: true });
  await ekaInit(repo);
  writeFiles(repo, {
    "ekala.toml": ekalaToml(["pkgs/button", "pkgs/app"]),
    "pkgs/button/atom.toml": atomToml("button", "0.1.0"),
    "pkgs/button/mod.nix": '{ Label = "button"; }\n',
    "pkgs/app/atom.toml": atomToml("app", "0.1.0"),
    "pkgs/app/mod.nix": "{ }\n",
    "pkgs/app/Hello.nix": '"app uses " + deps.local.button.label\n',
  });
  const source = commitAll(repo, "atoms");
  const app = join(repo, "pkgs/app");
  const added = await runEka(app, ["add", "::button", "--set", "local"]);
  assert.equal(added.code, 0, added.stderr);
  commitAll(repo, "lock");
  const env = {
    EKA_CACHE_DIR: await tempDir(t, "eka-cache-"),
    XDG_CACHE_HOME: await tempDir(t, "eka-xdg-"),
  };
  const run = await runEkaJson(app, ["eval", "-A", "hello"], env);
  assert.equal(run.code, 0, JSON.stringify(run.json.error));
  assert.equal(run.json.data.value, "app uses button");
  assert.deepEqual(run.json.warnings, [], "no warning: the atom was simply not published here");
  const cache = join(env.EKA_CACHE_DIR, "git");
  const rev = refMap(cache).get("refs/ekala/atoms/button/0.1.0");
  assert.ok(rev !== undefined);
  assert.equal(
    git(cache, "cat-file", "commit", rev),
    expectedAtomCommit(repo, source, { label: "button", version: "0.1.0", path: "pkgs/button" }),
  );
  // HEAD moves on without `eka resolve`: the lock no longer names what HEAD holds.
  writeFileSync(join(repo, "pkgs/button/mod.nix"), '{ Label = "changed"; }\n');
  commitAll(repo, "change the button");
  const stale = await runEkaJson(app, ["eval", "-A", "hello"], {
    ...env,
    EKA_CACHE_DIR: await tempDir(t, "eka-cache-"),
  });
  assert.notEqual(stale.code, 0);
  assert.equal(stale.json.error.code, "EKA_FETCH_FAILED");
  assert.match(stale.json.error.hint, /run `eka resolve`/);
});
