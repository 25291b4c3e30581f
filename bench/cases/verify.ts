/**
 * `eka verify` over a graph of three levels and twenty atoms (three sets, each on its own bare
 * file:// remote; the fixture of test/integration/verify-graph.test.ts), through the library:
 *
 * - cold: an empty cache every run (three listings, three full-history fetches, every check);
 * - warm: the cache from the previous run (listings and fetches that transfer nothing new);
 * - offline: the warm cache, no listing, no fetch (the checks alone).
 *
 * The floor, measured in the same run: `git fetch` of every `refs/ekala/*` ref of the three
 * remotes into an empty bare repository (what the cold run must at least transfer, without any
 * checking), one fetch per remote as eka does.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { silentReport } from "../../src/core/index.ts";
import { verifyLockFile } from "../../src/verify/index.ts";
import { publishGraph } from "../../test/integration/verify-fixture.ts";
import type { BenchContext, BenchResult, Figure } from "../bench-result.ts";
import { speedRatio } from "../measure.ts";
import { benchGitEnv } from "../random-atom.ts";
import { runCommand } from "../run-command.ts";

async function timed(
  label: string,
  runs: number,
  prepare: () => void,
  run: () => Promise<unknown>,
): Promise<Figure> {
  const timesMs: number[] = [];
  for (let i = 0; i <= runs; i++) {
    prepare();
    const start = performance.now();
    await run();
    if (i > 0) timesMs.push(performance.now() - start);
  }
  return { label, timesMs };
}

export async function run(context: BenchContext): Promise<BenchResult> {
  const cleanups: (() => unknown)[] = [];
  const root = mkdtempSync(join(tmpdir(), "eka-bench-verify-"));
  try {
    context.log("verify: publishing a graph of 3 levels and 20 atoms…");
    const { root: lock, sets } = await publishGraph({
      after: (fn: () => unknown) => void cleanups.push(fn),
    } as never);
    writeFileSync(join(root, "atom.lock"), lock);
    const cacheDir = join(root, "cache");
    const verify = async (offline: boolean) => {
      const result = await verifyLockFile({ cwd: root, offline, cacheDir, report: silentReport });
      if (!result.ok || result.atoms !== 20) throw new Error("the bench graph did not verify");
    };
    context.log(`verify: timing cold, warm and offline (${context.runs} runs each)…`);
    const cold = await timed(
      "eka verify, cold (empty cache)",
      context.runs,
      () => rmSync(cacheDir, { recursive: true, force: true }),
      () => verify(false),
    );
    const warm = await timed(
      "eka verify, warm cache",
      context.runs,
      () => {},
      () => verify(false),
    );
    const offline = await timed(
      "eka verify --offline",
      context.runs,
      () => {},
      () => verify(true),
    );
    const floorRepo = join(root, "floor.git");
    const floor = await timed(
      "git fetch refs/ekala/* of the 3 remotes",
      context.runs,
      () => {
        rmSync(floorRepo, { recursive: true, force: true });
        execFileSync("git", ["init", "--quiet", "--bare", floorRepo], {
          cwd: root,
          env: benchGitEnv,
        });
      },
      async () => {
        for (const [i, set] of sets.entries()) {
          await runCommand(
            "git",
            ["fetch", "--quiet", "--no-tags", set.url, `+refs/ekala/*:refs/m${i}/*`],
            { cwd: floorRepo, env: benchGitEnv },
          );
        }
      },
    );
    return {
      title: "verify: a graph of 3 levels, 20 atoms, 3 sets on file:// remotes",
      setup:
        "every check of every atom (b3 recomputed, history walked), one listing and one fetch per mirror per level; " +
        "floor: one plain git fetch of all refs/ekala/* per remote into an empty repository",
      figures: [cold, warm, offline, floor],
      ratios: [
        { label: "eka verify cold / git fetch floor", value: speedRatio(cold, floor) },
        { label: "eka verify warm / cold", value: speedRatio(warm, cold) },
        { label: "eka verify --offline / cold", value: speedRatio(offline, cold) },
      ],
    };
  } finally {
    for (const fn of cleanups.reverse()) await fn();
    rmSync(root, { recursive: true, force: true });
  }
}
