/**
 * `eka resolve` with K dependencies (K = 1, 10, 50), each an atom in its own repository with
 * 1,000 published versions, served over file://, against the physical floor measured in the
 * same run: a minimal Node program (bench/ls-refs-floor.mjs) that starts and makes the same
 * protocol-v2 ref listings (`ls-refs` with the same ref prefixes) concurrently, timed as a whole
 * process like eka. And a no-op `eka resolve` (lock up to date) against `node -e 0`.
 *
 * The repositories are made directly (not with 1,000 `eka publish` runs): each has a real
 * identity (`eka init`'s init commit), one atom, and for every version the reproducible atom
 * commit `eka publish` would write (same bytes, hashed and written in one batch) with its atom
 * and content refs. `EKA_BENCH_RESOLVE_SIZES=1,10` changes K.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  collectingReport,
  formatAtomCommit,
  type GitOid,
  type Label,
  parseVersion,
} from "../../src/core/index.ts";
import { atomsPrefix, contentPrefix, INIT_REF, openRepository } from "../../src/git/index.ts";
import { b3TreeDigest } from "../../src/hash/index.ts";
import { initRepository } from "../../src/workspace/index.ts";
import type { BenchContext, BenchResult, Figure, Ratio } from "../bench-result.ts";
import { speedRatio } from "../measure.ts";
import { benchGitEnv } from "../random-atom.ts";
import { runCommand } from "../run-command.ts";

const VERSIONS = 1000;
const LABEL = "lib" as Label;
const ROOT = new URL("../..", import.meta.url).pathname;
const EKA = join(ROOT, "bin/eka");
const NODE = process.execPath;
/** The issue's aims: cold resolve ≤ 1.3× the floor; a no-op within 60 ms of `node -e 0`. */
const COLD_TARGET = 1 / 1.3;

function git(dir: string, args: readonly string[], input?: string): string {
  const result = spawnSync("git", args, { cwd: dir, env: benchGitEnv, encoding: "utf8", input });
  if (result.status !== 0) throw new Error(`git ${args.join(" ")} failed: ${result.stderr}`);
  return result.stdout;
}

/** A repository serving one atom with VERSIONS published versions; returns its directory. */
async function makeSet(root: string, i: number): Promise<string> {
  const dir = join(root, `set-${i}`);
  mkdirSync(join(dir, "pkgs/lib"), { recursive: true });
  git(dir, ["init", "--quiet", "--initial-branch=main"]);
  writeFileSync(join(dir, "ekala.toml"), '[set]\npackages = ["pkgs/lib"]\n');
  writeFileSync(join(dir, "pkgs/lib/atom.toml"), '[package]\nlabel = "lib"\nversion = "0.0.0"\n');
  writeFileSync(join(dir, "pkgs/lib/lib.nix"), `{ }: ${i}\n`);
  git(dir, ["add", "--all"]);
  git(dir, ["commit", "--quiet", "-m", "lib"]);
  await initRepository({ dir, report: collectingReport() });
  const repo = await openRepository(dir, { env: benchGitEnv });
  try {
    const tree = git(dir, ["rev-parse", "HEAD:pkgs/lib"]).trim() as GitOid;
    const content = await b3TreeDigest(repo, tree);
    const commits = join(root, `commits-${i}`);
    mkdirSync(commits);
    const versions = Array.from({ length: VERSIONS }, (_, n) =>
      parseVersion(`${Math.floor(n / 100)}.${n % 100}.0`),
    );
    const files = versions.map((version) => {
      const file = join(commits, version);
      writeFileSync(
        file,
        formatAtomCommit({ tree, path: "pkgs/lib", content, label: LABEL, version }),
      );
      return file;
    });
    const oids = git(
      dir,
      ["hash-object", "-t", "commit", "-w", "--stdin-paths"],
      `${files.join("\n")}\n`,
    )
      .trim()
      .split("\n");
    const updates = versions.flatMap((v, n) => [
      `create ${atomsPrefix(LABEL)}${v} ${oids[n]}`,
      `create ${contentPrefix(LABEL)}${v}/${content} ${oids[n]}`,
    ]);
    git(dir, ["update-ref", "--stdin"], `${updates.join("\n")}\n`);
    rmSync(commits, { recursive: true });
  } finally {
    await repo.close();
  }
  return dir;
}

function consumer(root: string, k: number, sets: readonly string[]): string {
  const dir = join(root, `app-${k}`);
  mkdirSync(dir);
  git(dir, ["init", "--quiet", "--initial-branch=main"]);
  const lines = ['[package]\nlabel = "app"\nversion = "0.1.0"\n\n[package.sets]'];
  for (const [n, set] of sets.slice(0, k).entries()) lines.push(`s${n} = "file://${set}"`);
  for (let n = 0; n < k; n++) lines.push(`\n[deps.from.s${n}]\nlib = "^${n % 10}"`);
  writeFileSync(join(dir, "atom.toml"), `${lines.join("\n")}\n`);
  return dir;
}

async function timed(
  label: string,
  runs: number,
  prepare: () => void,
  run: () => Promise<unknown>,
) {
  const timesMs: number[] = [];
  for (let i = 0; i <= runs; i++) {
    prepare();
    const start = performance.now();
    await run();
    if (i > 0) timesMs.push(performance.now() - start);
  }
  return { label, timesMs } satisfies Figure;
}

export async function run(context: BenchContext): Promise<BenchResult> {
  const sizes = (process.env["EKA_BENCH_RESOLVE_SIZES"] ?? "1,10,50")
    .split(",")
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);
  const root = mkdtempSync(join(tmpdir(), "eka-bench-resolve-"));
  const env = { ...benchGitEnv, XDG_CACHE_HOME: join(root, "cache") };
  try {
    const max = Math.max(...sizes);
    context.log(`resolve: building ${max} repositories with ${VERSIONS} versions each…`);
    const sets: string[] = [];
    for (let i = 0; i < max; i++) sets.push(await makeSet(root, i));
    const figures: Figure[] = [];
    const ratios: Ratio[] = [];
    for (const k of sizes) {
      context.log(`resolve: K = ${k} (${context.runs} runs each, after a warm-up)…`);
      const app = consumer(root, k, sets);
      const lock = join(app, "atom.lock");
      const cold = await timed(
        `eka resolve (cold), K = ${k}`,
        context.runs,
        () => rmSync(lock, { force: true }),
        () => runCommand(EKA, ["resolve"], { cwd: app, env }),
      );
      const listings = join(root, `listings-${k}.json`);
      const prefixes = [INIT_REF, atomsPrefix(LABEL), contentPrefix(LABEL)];
      writeFileSync(listings, JSON.stringify(sets.slice(0, k).map((dir) => ({ dir, prefixes }))));
      const floor = await timed(
        `floor: node + ${k} concurrent v2 ls-refs`,
        context.runs,
        () => {},
        () => runCommand(NODE, [join(ROOT, "bench/ls-refs-floor.mjs"), listings], { env }),
      );
      const noop = await timed(
        `eka resolve (no-op), K = ${k}`,
        context.runs,
        () => {},
        () => runCommand(EKA, ["resolve"], { cwd: app, env }),
      );
      figures.push(cold, floor, noop);
      ratios.push({
        label: `eka cold resolve / floor, K = ${k}`,
        value: speedRatio(cold, floor),
        target: COLD_TARGET,
      });
    }
    const node = await timed(
      "node -e 0",
      context.runs,
      () => {},
      () => runCommand(NODE, ["-e", "0"], { env }),
    );
    figures.push(node);
    const noops = figures.filter((f) => f.label.startsWith("eka resolve (no-op)"));
    for (const f of noops) {
      ratios.push({ label: `${f.label} / node -e 0`, value: speedRatio(f, node) });
    }
    return {
      title: `resolve: K dependencies, each in its own repository with ${VERSIONS} versions (file://)`,
      setup:
        "cold: atom.lock removed before each run, eka run as a whole process (bin/eka); floor: " +
        "bench/ls-refs-floor.mjs, one git upload-pack per repository speaking protocol v2 with the same ref prefixes; " +
        `no-op: atom.lock up to date. No-op minus node -e 0, best runs: ${noops
          .map((f) => `${(Math.min(...f.timesMs) - Math.min(...node.timesMs)).toFixed(0)} ms`)
          .join(", ")} (aim: within 60 ms)`,
      figures,
      ratios,
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
