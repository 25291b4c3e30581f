/**
 * Publishing N atoms from one commit (N = 10, 100, 1000) to a fresh bare file:// remote, through
 * the library (`planPublish` + `applyPublish`, git processes counted with `openRepository`'s
 * `onSpawn`), against the physical floor measured in the same run: a plain
 * `git push --atomic <oid>:<ref>…` of the same 4N refs (same objects) to another fresh bare
 * remote.
 *
 * Before each timed run (not timed): a new bare remote holding only `refs/ekala/init`, and this
 * repository's published refs removed, so every run does the same work.
 * `EKA_BENCH_PUBLISH_SIZES=10,100` changes the atom counts.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { collectingReport } from "../../src/core/index.ts";
import { openRepository } from "../../src/git/index.ts";
import { applyPublish, planPublish } from "../../src/publish/index.ts";
import { initRepository } from "../../src/workspace/index.ts";
import type { BenchContext, BenchResult, Figure, Ratio } from "../bench-result.ts";
import { speedRatio } from "../measure.ts";
import { benchGitEnv } from "../random-atom.ts";
import { runCommand } from "../run-command.ts";

/** The issue's aim: publishing takes at most twice a plain atomic push of the same refs. */
const TARGET = 0.5;

function git(dir: string, ...args: string[]): string {
  const result = spawnSync("git", args, { cwd: dir, env: benchGitEnv, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`git ${args.join(" ")} failed: ${result.stderr}`);
  return result.stdout;
}

/** A repository with an identity and `n` small atoms in one commit on `main`. */
async function makeSet(root: string, n: number): Promise<string> {
  const dir = join(root, `source-${n}`);
  mkdirSync(dir);
  git(dir, "init", "--quiet", "--initial-branch=main");
  git(dir, "config", "user.name", "Bench");
  git(dir, "config", "user.email", "bench@example.com");
  writeFileSync(join(dir, "README.md"), "# bench\n");
  git(dir, "add", "README.md");
  git(dir, "commit", "--quiet", "-m", "first");
  await initRepository({ dir, report: collectingReport() });
  const paths: string[] = [];
  for (let i = 0; i < n; i++) {
    const path = `atoms/a${i}`;
    paths.push(path);
    mkdirSync(join(dir, path, "src"), { recursive: true });
    writeFileSync(join(dir, path, "atom.toml"), `[package]\nlabel = "a${i}"\nversion = "1.0.0"\n`);
    writeFileSync(join(dir, path, "src", "lib.nix"), `{ }: ${i}\n`);
    writeFileSync(join(dir, path, "README.md"), `atom ${i}\n`);
  }
  writeFileSync(
    join(dir, "ekala.toml"),
    `[set]\npackages = [\n${paths.map((p) => `  "${p}",\n`).join("")}]\n`,
  );
  git(dir, "add", "--all");
  git(dir, "commit", "--quiet", "-m", `${n} atoms`);
  return dir;
}

/** A new bare remote holding only the set's identity. */
function freshRemote(root: string, source: string, name: string): string {
  const remote = join(root, name);
  rmSync(remote, { recursive: true, force: true });
  git(root, "init", "--quiet", "--bare", remote);
  git(source, "push", "--quiet", `file://${remote}`, "refs/ekala/init:refs/ekala/init");
  return remote;
}

const PUBLISHED = ["atoms", "manifests", "origins", "content"].map((k) => `refs/ekala/${k}/`);

function forgetPublished(source: string): void {
  const refs = git(source, "for-each-ref", "--format=delete %(refname)", ...PUBLISHED);
  const result = spawnSync("git", ["update-ref", "--stdin"], {
    cwd: source,
    env: benchGitEnv,
    input: refs,
  });
  if (result.status !== 0) throw new Error(`update-ref failed: ${result.stderr}`);
}

/** One publish through the library; returns the git processes it started. */
async function publishOnce(source: string, remote: string): Promise<number> {
  let spawned = 0;
  const repo = await openRepository(source, { env: benchGitEnv, onSpawn: () => spawned++ });
  try {
    const report = collectingReport();
    const plan = await planPublish(repo, { remote: `file://${remote}` }, report);
    if (!plan.atoms.every((a) => a.action === "publish")) throw new Error("unexpected plan");
    await applyPublish(repo, plan, report);
  } finally {
    await repo.close();
  }
  return spawned;
}

/** Times `run` after `prepare` (untimed), once to warm up and then `runs` times. */
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
  const sizes = (process.env["EKA_BENCH_PUBLISH_SIZES"] ?? "10,100,1000")
    .split(",")
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);
  const root = mkdtempSync(join(tmpdir(), "eka-bench-publish-"));
  try {
    const figures: Figure[] = [];
    const ratios: Ratio[] = [];
    const processes: string[] = [];
    for (const n of sizes) {
      context.log(`publish: building a repository with ${n} atoms…`);
      const source = await makeSet(root, n);
      context.log(`publish: timing ${n} atoms (${context.runs} runs each, after a warm-up)…`);
      const counts = new Set<number>();
      let remote = "";
      const eka = await timed(
        `eka publish, ${n} atoms`,
        context.runs,
        () => {
          forgetPublished(source);
          remote = freshRemote(root, source, `eka-${n}.git`);
        },
        async () => counts.add(await publishOnce(source, remote)),
      );
      // The floor: the same refs (now in this repository), same objects, one atomic push, with
      // refspecs in the form eka gives git (`<oid>:<ref>`: `<ref>:<ref>` makes git match every
      // source name against every local ref, quadratic in the number of refs).
      const refspecs = git(
        source,
        "for-each-ref",
        "--format=%(objectname):%(refname)",
        ...PUBLISHED,
      )
        .split("\n")
        .filter((l) => l !== "");
      if (refspecs.length !== 4 * n) throw new Error(`expected ${4 * n} refs`);
      let plain = "";
      const push = await timed(
        `git push --atomic, ${refspecs.length} refs`,
        context.runs,
        () => {
          // As for eka's runs: this repository without the published refs (the objects stay).
          forgetPublished(source);
          plain = freshRemote(root, source, `plain-${n}.git`);
        },
        () =>
          runCommand("git", ["push", "--quiet", "--atomic", `file://${plain}`, ...refspecs], {
            cwd: source,
            env: benchGitEnv,
          }),
      );
      figures.push(eka, push);
      ratios.push({
        label: `eka / git push --atomic, ${n} atoms`,
        value: speedRatio(eka, push),
        target: TARGET,
      });
      processes.push(`${n} atoms: ${[...counts].join("/")}`);
      rmSync(source, { recursive: true, force: true });
    }
    return {
      title: "publish: N atoms from one commit, one atomic push",
      setup:
        `each atom: atom.toml and two small files; fresh bare file:// remote per run. ` +
        `git processes started per publish (counted with openRepository onSpawn; git push's own helpers not counted): ` +
        processes.join(", "),
      figures,
      ratios,
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
