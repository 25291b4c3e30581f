/**
 * The library's publish on real repositories, counting git processes through `openRepository`'s
 * `onSpawn`: planning and applying a publish starts the same processes whatever the number of
 * atoms (every object read goes through the one batch reader, every write through the batch
 * writer, one listing per side, one push, one ref transaction).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
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

async function repoWithAtoms(t: TestContext, n: number) {
  const base = await tempDir(t, "eka-remotes-");
  git(base, "init", "--quiet", "--bare", "remote.git");
  const remote = join(base, "remote.git");
  const repo = await tempRepo(t, { initialCommit: true });
  git(repo, "remote", "add", "origin", `file://${remote}`);
  await ekaInit(repo, "origin");
  const paths = Array.from({ length: n }, (_, i) => `atoms/a${i}`);
  const files: Record<string, string> = { "ekala.toml": ekalaToml(paths) };
  for (const [i, path] of paths.entries()) {
    files[`${path}/atom.toml`] = atomToml(`a${i}`, "1.0.0");
    files[`${path}/src/file.txt`] = `atom ${i}\n`;
  }
  writeFiles(repo, files);
  const source = commitAll(repo, `${n} atoms`);
  return { repo, remote, source, paths };
}

/** Publishes everything through the library; returns the git commands started (no arguments). */
async function publishCounting(repo: string): Promise<string[]> {
  const spawned: string[] = [];
  const backend = await openRepository(repo, {
    env: gitTestEnv,
    onSpawn: (args) =>
      spawned.push(
        args
          .filter((a) => !a.startsWith("-"))
          .slice(0, 1)
          .join(" "),
      ),
  });
  try {
    const report = collectingReport();
    const plan = await planPublish(backend, {}, report);
    assert.ok(plan.atoms.every((a) => a.action === "publish"));
    await applyPublish(backend, plan, report);
    assert.ok(report.events.some((e) => e.kind === "progress"));
  } finally {
    await backend.close();
  }
  // `git version` runs once per Node process (cached), so only for the first repository opened.
  return spawned.filter((c) => c !== "version").sort();
}

test("publishing starts the same git processes for 3 atoms and for 60", async (t) => {
  const small = await repoWithAtoms(t, 3);
  const large = await repoWithAtoms(t, 60);
  const few = await publishCounting(small.repo);
  const many = await publishCounting(large.repo);
  assert.deepEqual(many, few);
  t.diagnostic(`${few.length} git processes: ${few.join(", ")}`);
  assert.ok(few.length <= 16, few.join(", "));
  for (const [i, path] of large.paths.entries()) {
    if (i % 20 !== 0) continue;
    assertPublished(large.remote, large.repo, large.source, {
      label: `a${i}`,
      version: "1.0.0",
      path,
    });
  }
  fsckStrict(large.remote);
  fsckStrict(small.remote);
});
