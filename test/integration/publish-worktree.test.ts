/**
 * Publishing from a checkout whose files are settled (so the b3 digest reads the files git
 * vouches for instead of their blobs): the content refs still hold the digests of the source
 * commit's trees, computed independently, including for an atom whose working tree holds a file
 * changed behind git's back (same size, modification time put back) and one left untouched.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { collectingReport } from "../../src/core/index.ts";
import { openRepository } from "../../src/git/index.ts";
import { applyPublish, planPublish } from "../../src/publish/index.ts";
import {
  assertPublished,
  atomToml,
  commitAll,
  ekaInit,
  ekalaToml,
  writeFiles,
} from "../helpers/atoms.ts";
import { fsckStrict, git, gitTestEnv, tempDir, tempRepo } from "../helpers/git.ts";

test("publish from a settled checkout: content refs hold the source trees' digests", async (t) => {
  const base = await tempDir(t, "eka-remotes-");
  git(base, "init", "--quiet", "--bare", "remote.git");
  const remote = join(base, "remote.git");
  const repo = await tempRepo(t, { initialCommit: true });
  git(repo, "remote", "add", "origin", `file://${remote}`);
  await ekaInit(repo, "origin");
  const paths = ["atoms/big", "atoms/changed", "atoms/plain"];
  writeFiles(repo, {
    "ekala.toml": ekalaToml(paths),
    "atoms/big/atom.toml": atomToml("big", "1.0.0"),
    "atoms/big/run.sh": { exec: "#!/bin/sh\n" },
    "atoms/big/link": { link: "run.sh" },
    "atoms/changed/atom.toml": atomToml("changed", "1.0.0"),
    "atoms/changed/data.txt": "committed\n".repeat(10_000), // over 64 KiB: read from disk if clean
    "atoms/plain/atom.toml": atomToml("plain", "1.0.0"),
    "atoms/plain/src/x.txt": "x\n",
  });
  writeFileSync(join(repo, "atoms/big/blob.bin"), randomBytes(17 * 1024 * 1024));
  const source = commitAll(repo, "three atoms");
  const data = join(repo, "atoms/changed/data.txt");
  const { atime, mtime } = statSync(data);
  writeFileSync(data, `C${"committed\n".repeat(10_000).slice(1)}`);
  utimesSync(data, atime, mtime);
  await sleep(2200);

  const spawned: string[] = [];
  const backend = await openRepository(repo, {
    env: gitTestEnv,
    onSpawn: (args) => spawned.push(args.find((a) => !a.startsWith("-")) ?? ""),
  });
  try {
    const report = collectingReport();
    const plan = await planPublish(backend, {}, report);
    assert.ok(plan.atoms.every((a) => a.action === "publish"));
    assert.ok(
      report.events.some((e) => e.code === "EKA_WORKTREE_DIFFERS"),
      "the changed file is noticed",
    );
    await applyPublish(backend, plan, report);
  } finally {
    await backend.close();
  }
  assert.ok(spawned.includes("check-attr"), "the working tree was considered");
  for (const [i, path] of paths.entries()) {
    const label = ["big", "changed", "plain"][i]!;
    assertPublished(remote, repo, source, { label, version: "1.0.0", path });
    assertPublished(repo, repo, source, { label, version: "1.0.0", path });
  }
  fsckStrict(remote);
});
