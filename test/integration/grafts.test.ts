/**
 * Grafts and replace refs never fool ancestry: every git process eka starts runs with
 * `GIT_GRAFT_FILE=/dev/null` and `GIT_NO_REPLACE_OBJECTS=1` (src/git/git-runner.ts). Checked on
 * the one place that asks git itself about descent: `eka publish`, whose source commit must
 * descend from the init commit. A commit of unrelated history, made to look like a descendant by
 * a graft (`info/grafts`, or a graft file named by the user's `GIT_GRAFT_FILE`) or by a replace
 * ref, is refused with `EKA_NOT_DESCENDANT`, and nothing is written.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import { atomToml, commitAll, ekaInit, ekalaToml, refMap, writeFiles } from "../helpers/atoms.ts";
import { runEkaJson } from "../helpers/eka.ts";
import { git, gitTestEnv, tempDir, tempRepo } from "../helpers/git.ts";

interface Foreign {
  readonly repo: string;
  readonly init: string;
  /** A parentless commit holding the atoms, checked out on branch `foreign`. */
  readonly orphan: string;
}

/** A repository with an identity, then an orphan branch holding one atom. */
async function foreignHistory(t: TestContext): Promise<Foreign> {
  const repo = await tempRepo(t, { initialCommit: true });
  const init = await ekaInit(repo);
  git(repo, "checkout", "--quiet", "--orphan", "foreign");
  writeFiles(repo, {
    "ekala.toml": ekalaToml(["pkgs/button"]),
    "pkgs/button/atom.toml": atomToml("button", "1.0.0"),
    "pkgs/button/lib.nix": "{ }\n",
  });
  const orphan = commitAll(repo, "unrelated history");
  assert.equal(git(repo, "rev-list", "--count", orphan).trim(), "1", "a parentless commit");
  return { repo, init, orphan };
}

/** What plain git (grafts and replace refs honoured) says: is `init` an ancestor of `orphan`? */
function naiveIsAncestor(f: Foreign, env: NodeJS.ProcessEnv = {}): boolean {
  const result = spawnSync("git", ["merge-base", "--is-ancestor", f.init, f.orphan], {
    cwd: f.repo,
    env: { ...gitTestEnv, GIT_NO_REPLACE_OBJECTS: undefined, GIT_GRAFT_FILE: undefined, ...env },
    encoding: "utf8",
  });
  if (result.status !== 0 && result.status !== 1) throw new Error(result.stderr);
  return result.status === 0;
}

/** `eka publish` (to this repository) must refuse the orphan and write no atom ref. */
async function assertRefused(f: Foreign, env: NodeJS.ProcessEnv = {}): Promise<void> {
  const run = await runEkaJson(f.repo, ["publish"], env);
  assert.notEqual(run.code, 0, JSON.stringify(run.json));
  assert.equal(run.json.error.code, "EKA_NOT_DESCENDANT", JSON.stringify(run.json.error));
  assert.ok(run.json.error.message.includes(f.orphan), run.json.error.message);
  assert.ok(run.json.error.message.includes(f.init), run.json.error.message);
  assert.deepEqual(run.json.error.data, { source: f.orphan, init: f.init });
  assert.deepEqual([...refMap(f.repo, "refs/ekala/atoms/").keys()], [], "nothing published");
  assert.doesNotMatch(run.stderr, /grafts is deprecated/, "no advice printed by git");
}

test("publish refuses a source that descends from the init commit only through info/grafts", async (t) => {
  const f = await foreignHistory(t);
  assert.equal(naiveIsAncestor(f), false);
  writeFileSync(join(f.repo, ".git", "info", "grafts"), `${f.orphan} ${f.init}\n`);
  assert.equal(naiveIsAncestor(f), true, "git honouring grafts is fooled");
  await assertRefused(f);
  rmSync(join(f.repo, ".git", "info", "grafts")); // git fsck (after the test) would warn of it
});

test("publish refuses a graft file named by the caller's GIT_GRAFT_FILE", async (t) => {
  const f = await foreignHistory(t);
  const file = join(await tempDir(t, "eka-grafts-"), "grafts");
  writeFileSync(file, `${f.orphan} ${f.init}\n`);
  assert.equal(naiveIsAncestor(f, { GIT_GRAFT_FILE: file }), true, "git reading it is fooled");
  await assertRefused(f, { GIT_GRAFT_FILE: file });
});

test("publish refuses a source that descends from the init commit only through a replace ref", async (t) => {
  const f = await foreignHistory(t);
  git(f.repo, "replace", "--graft", f.orphan, f.init);
  assert.equal(naiveIsAncestor(f), true, "git honouring replace refs is fooled");
  await assertRefused(f, { GIT_NO_REPLACE_OBJECTS: undefined });
});

test("control: the same atom on a branch that really descends from the init commit publishes", async (t) => {
  const f = await foreignHistory(t);
  git(f.repo, "checkout", "--quiet", "--force", "main");
  git(f.repo, "checkout", "--quiet", f.orphan, "--", ".");
  const source = commitAll(f.repo, "the atom, on main");
  const run = await runEkaJson(f.repo, ["publish"]);
  assert.equal(run.code, 0, JSON.stringify(run.json));
  assert.equal(
    git(f.repo, "rev-parse", "--verify", "refs/ekala/origins/button/1.0.0").trim(),
    source,
  );
});
