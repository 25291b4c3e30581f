// Smoke test of the peer benchmark's fixture (bench/peer-repos.ts, bench/peer-tools.ts): one
// repository holds 1,000 atom versions and 1,000 release tags whose files name the right
// version, and eka, set up as the benchmark sets it up, locks the highest one.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { HIGHEST, makePeerRepos, VERSIONS } from "../../bench/peer-repos.ts";
import { eka, type PeerJob } from "../../bench/peer-tools.ts";
import { git, tempDir } from "../helpers/git.ts";

test("the peer fixture publishes every version to eka and as tags, and eka locks the highest", async (t) => {
  const root = await tempDir(t, "eka-peer-fixture-");
  const [dir] = await makePeerRepos(join(root, "repos"), 1);
  assert.ok(dir !== undefined);
  const refs = git(dir, "for-each-ref", "--format=%(refname)").trim().split("\n");
  const tags = refs.filter((r) => r.startsWith("refs/tags/v1."));
  const atoms = refs.filter((r) => r.startsWith("refs/ekala/atoms/d0/1."));
  assert.equal(tags.length, VERSIONS);
  assert.equal(atoms.length, VERSIONS);
  assert.ok(refs.includes("refs/ekala/init"));
  for (const version of ["1.0.0", "1.517.0", HIGHEST]) {
    const pkg = JSON.parse(git(dir, "show", `v${version}:package.json`));
    assert.deepEqual([pkg.name, pkg.version], ["d0", version]);
    assert.match(git(dir, "show", `v${version}:Cargo.toml`), new RegExp(`version = "${version}"`));
    assert.equal(
      git(dir, "show", `v${version}:go.mod`).split("\n")[0],
      "module example.test/d0.git",
    );
    assert.match(git(dir, "show", `v${version}:flake.nix`), /outputs = _: \{ \};/);
  }
  assert.equal(git(dir, "fsck", "--strict", "--no-progress").trim(), "");

  const job: PeerJob = {
    k: 1,
    transport: "file",
    base: `file://${join(root, "repos")}/`,
    repoUrl: () => `file://${dir}`,
    highestCommit: () => git(dir, "rev-parse", `v${HIGHEST}^{commit}`).trim(),
  };
  const work = join(root, "work");
  mkdirSync(work);
  const { command, args, cwd, env } = eka.prepare(work, job);
  const result = spawnSync(command, args, { cwd, env, encoding: "utf8" });
  assert.equal(result.status, 0, result.stderr);
  assert.equal(eka.check(work, job), null);
  assert.equal(eka.check(work, { ...job, k: 2 }), `atom.lock has 1 of 2 deps at ${HIGHEST}`);
});
