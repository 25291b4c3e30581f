/**
 * `eka resolve` with K dependencies (K = 1, 10, 50), each an atom in its own repository with
 * 1,000 published versions, served over file:// and over http:// (a loopback `git http-backend`),
 * against the physical floor measured in the same run: a minimal Node program
 * (bench/ls-refs-floor.mjs) that starts and makes the same protocol-v2 ref listings (`ls-refs`
 * with the same ref prefixes, peeled) concurrently, timed as a whole process like eka. And a
 * no-op `eka resolve` (lock up to date) against `node -e 0`.
 *
 * The repositories are made directly (not with 1,000 `eka publish` runs): each has a real
 * identity (`eka init`'s init commit), one atom, and for every version the reproducible atom
 * commit `eka publish` would write (same bytes, hashed and written in one batch) with its atom
 * and content refs. `EKA_BENCH_RESOLVE_SIZES=1,10` changes K, `EKA_BENCH_RESOLVE_TRANSPORTS=http` the
 * transports.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Label, parseVersion } from "../../src/core/index.ts";
import { atomsPrefix, contentPrefix, INIT_REF } from "../../src/git/index.ts";
import { startGitHttpBackend } from "../../test/helpers/git-http-backend.ts";
import { publishVersions } from "../atom-versions.ts";
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
export async function makeSet(root: string, i: number): Promise<string> {
  const dir = join(root, `set-${i}`);
  mkdirSync(join(dir, "pkgs/lib"), { recursive: true });
  git(dir, ["init", "--quiet", "--initial-branch=main"]);
  writeFileSync(join(dir, "ekala.toml"), '[set]\npackages = ["pkgs/lib"]\n');
  writeFileSync(join(dir, "pkgs/lib/atom.toml"), '[package]\nlabel = "lib"\nversion = "0.0.0"\n');
  writeFileSync(join(dir, "pkgs/lib/lib.nix"), `{ }: ${i}\n`);
  git(dir, ["add", "--all"]);
  git(dir, ["commit", "--quiet", "-m", "lib"]);
  const versions = Array.from({ length: VERSIONS }, (_, n) =>
    parseVersion(`${Math.floor(n / 100)}.${n % 100}.0`),
  );
  await publishVersions(dir, "pkgs/lib", LABEL, versions);
  return dir;
}

/** A project depending on `lib` from each of the first `k` of `urls` (one set each). */
export function consumer(root: string, name: string, k: number, urls: readonly string[]): string {
  const dir = join(root, name);
  mkdirSync(dir);
  git(dir, ["init", "--quiet", "--initial-branch=main"]);
  const lines = ['[package]\nlabel = "app"\nversion = "0.1.0"\n\n[package.sets]'];
  for (const [n, url] of urls.slice(0, k).entries()) lines.push(`s${n} = "${url}"`);
  for (let n = 0; n < k; n++) lines.push(`\n[deps.from.s${n}]\nlib = "^${n % 10}"`);
  writeFileSync(join(dir, "atom.toml"), `${lines.join("\n")}\n`);
  return dir;
}

/**
 * Runs of several commands, interleaved (one of each, in turn, `runs` times after a warm-up
 * round), so that a machine busy with other work weighs on each of them alike.
 */
async function interleaved(
  runs: number,
  commands: readonly { label: string; prepare?: () => void; run: () => Promise<unknown> }[],
): Promise<Figure[]> {
  const times = commands.map(() => [] as number[]);
  for (let i = 0; i <= runs; i++) {
    for (const [n, command] of commands.entries()) {
      command.prepare?.();
      const start = performance.now();
      await command.run();
      if (i > 0) times[n]!.push(performance.now() - start);
    }
  }
  return commands.map((command, n) => ({ label: command.label, timesMs: times[n]! }));
}

export async function run(context: BenchContext): Promise<BenchResult> {
  const sizes = (process.env["EKA_BENCH_RESOLVE_SIZES"] ?? "1,10,50")
    .split(",")
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);
  const transports = (process.env["EKA_BENCH_RESOLVE_TRANSPORTS"] ?? "file,http")
    .split(",")
    .filter((t) => t === "file" || t === "http");
  const root = mkdtempSync(join(tmpdir(), "eka-bench-resolve-"));
  const env = { ...benchGitEnv, XDG_CACHE_HOME: join(root, "cache") };
  const server = await startGitHttpBackend(null, root, { env: benchGitEnv });
  try {
    const max = Math.max(...sizes);
    context.log(`resolve: building ${max} repositories with ${VERSIONS} versions each…`);
    const sets: string[] = [];
    for (let i = 0; i < max; i++) sets.push(await makeSet(root, i));
    const figures: Figure[] = [];
    const ratios: Ratio[] = [];
    const prefixes = [INIT_REF, atomsPrefix(LABEL), contentPrefix(LABEL)];
    for (const transport of transports) {
      const urls = sets.map((dir) =>
        transport === "file" ? `file://${dir}` : server.url(dir.slice(root.length + 1)),
      );
      for (const k of sizes) {
        context.log(
          `resolve: ${transport}://, K = ${k} (${context.runs} runs each, after a warm-up)…`,
        );
        const app = consumer(root, `app-${transport}-${k}`, k, urls);
        const lock = join(app, "atom.lock");
        const listings = join(root, `listings-${transport}-${k}.json`);
        const entries = sets
          .slice(0, k)
          .map((dir, n) => (transport === "file" ? { dir, prefixes } : { url: urls[n], prefixes }));
        writeFileSync(listings, JSON.stringify(entries));
        const [cold, floor] = await interleaved(context.runs, [
          {
            label: `eka resolve (cold), ${transport}://, K = ${k}`,
            prepare: () => rmSync(lock, { force: true }),
            run: () => runCommand(EKA, ["resolve"], { cwd: app, env }),
          },
          {
            label: `floor: node + ${k} concurrent v2 ls-refs, ${transport}://`,
            run: () => runCommand(NODE, [join(ROOT, "bench/ls-refs-floor.mjs"), listings], { env }),
          },
        ]);
        figures.push(cold!, floor!);
        ratios.push({
          label: `eka cold resolve / floor, ${transport}://, K = ${k}`,
          value: speedRatio(cold!, floor!),
          target: COLD_TARGET,
        });
        if (transport !== transports[0]) continue;
        const [noop] = await interleaved(context.runs, [
          {
            label: `eka resolve (no-op), K = ${k}`,
            run: () => runCommand(EKA, ["resolve"], { cwd: app, env }),
          },
        ]);
        figures.push(noop!);
      }
    }
    const [node] = await interleaved(context.runs, [
      { label: "node -e 0", run: () => runCommand(NODE, ["-e", "0"], { env }) },
    ]);
    figures.push(node!);
    const noops = figures.filter((f) => f.label.startsWith("eka resolve (no-op)"));
    for (const f of noops) {
      ratios.push({ label: `${f.label} / node -e 0`, value: speedRatio(f, node!) });
    }
    return {
      title: `resolve: K dependencies, each in its own repository with ${VERSIONS} versions (${transports.map((t) => `${t}://`).join(", ")})`,
      setup:
        "cold: atom.lock removed before each run, eka run as a whole process (bin/eka); floor: " +
        "bench/ls-refs-floor.mjs, the same v2 ls-refs requests (ref-prefix and peel) from a minimal Node program, " +
        "one git upload-pack per repository for file://, GET info/refs + POST git-upload-pack for http:// " +
        "(loopback git http-backend, served by this process); cold and floor runs interleaved; " +
        `no-op: atom.lock up to date. No-op minus node -e 0, best runs: ${noops
          .map((f) => `${(Math.min(...f.timesMs) - Math.min(...node!.timesMs)).toFixed(0)} ms`)
          .join(", ")} (aim: within 60 ms)`,
      figures,
      ratios,
    };
  } finally {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  }
}
