/**
 * Cold `eka resolve` against npm, cargo, Go modules and `nix flake lock` doing the same job on
 * the same repositories: K dependencies (K = 1, 10, 50), each in its own repository with 1,000
 * published versions (bench/peer-repos.ts), reached over file:// and over a loopback
 * `git http-backend`. Each run starts from empty caches (fresh HOME, tool caches, Nix store) and
 * talks to nothing but the repositories; each tool's lock is checked to hold the highest version
 * of every dependency. The aim (issue 4): eka ≥ 5× faster than each of them; printed, not asserted.
 *
 *   npm run bench -- resolve-peers                  (K and tools from the environment, below)
 *   node bench/cases/resolve-peers.ts --k 1,10 --tools npm,cargo --transports file --runs 3
 *
 * Environment (for `npm run bench`): EKA_BENCH_PEERS_K=1,10,50, EKA_BENCH_PEERS_TOOLS=npm,go,
 * EKA_BENCH_PEERS_TRANSPORTS=file,http. Tools missing here are reported with the reason; a tool
 * that fails prints its stderr's tail and the others still run. Install them with
 * scripts/setup-bench.sh.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startGitHttpBackend } from "../../test/helpers/git-http-backend.ts";
import type { BenchContext, BenchResult, Figure, Ratio } from "../bench-result.ts";
import { formatResult } from "../format-result.ts";
import { median } from "../measure.ts";
import { depName, HIGHEST, makePeerRepos, VERSIONS } from "../peer-repos.ts";
import { PEER_TOOLS, type PeerJob, type PeerTool, type Transport } from "../peer-tools.ts";
import { benchGitEnv } from "../random-atom.ts";

/** eka cold resolve must be at least this many times faster than each other tool. */
const TARGET = 5;
const DEFAULT_K = [1, 10, 50];
const EKA = new URL("../../bin/eka", import.meta.url).pathname;
const TRANSPORTS: readonly Transport[] = ["file", "http"];

export interface PeerOptions {
  readonly ks: readonly number[];
  readonly tools: readonly string[];
  readonly transports: readonly Transport[];
}

function list(text: string | undefined): string[] | null {
  if (text === undefined || text.trim() === "") return null;
  return text
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "");
}

function options(
  k: string | undefined,
  tools: string | undefined,
  transports: string | undefined,
): PeerOptions {
  const ks = (list(k) ?? DEFAULT_K.map(String)).map(Number);
  if (ks.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`bad K list: ${k}`);
  const known = PEER_TOOLS.map((t) => t.name);
  const names = list(tools) ?? known;
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length > 0) throw new Error(`unknown tools ${unknown} (known: ${known.join(", ")})`);
  const ts = (list(transports) ?? TRANSPORTS) as Transport[];
  if (ts.some((t) => !TRANSPORTS.includes(t)))
    throw new Error(`bad transports: ${transports} (known: file, http)`);
  return { ks: [...new Set(ks)].sort((a, b) => a - b), tools: names, transports: ts };
}

/** Runs a command to its end; resolves with null, or the tail of its stderr when it failed. */
function runTool(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv) {
  return new Promise<string | null>((resolve) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString("utf8")).slice(-4000);
    });
    child.on("error", (error) => resolve(error.message));
    child.on("close", (code, signal) => {
      if (code === 0) resolve(null);
      else resolve(`exit ${code ?? signal}: ${tail(stderr)}`);
    });
  });
}

const tail = (text: string) => text.trim().split("\n").slice(-6).join(" ⏎ ").slice(-600);

interface Cell {
  readonly figure?: Figure;
  readonly failure?: string;
}

const ms = (value: number) =>
  value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${value.toFixed(0)} ms`;

/** One cold run in a fresh directory: its wall time, or why it failed or locked the wrong versions. */
async function coldRun(
  tool: PeerTool,
  job: PeerJob,
  work: string,
): Promise<{ ms: number } | { failure: string }> {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const { command, args, cwd, env } = tool.prepare(work, job);
  const start = performance.now();
  const failure = await runTool(command, args, cwd, env);
  const elapsed = performance.now() - start;
  const wrong = failure ?? tool.check(work, job);
  rmSync(work, { recursive: true, force: true });
  return wrong === null ? { ms: elapsed } : { failure: wrong };
}

/** The figure of `runs` cold runs of `tool` on `job`, or the first failure. */
async function coldRuns(
  tool: PeerTool,
  job: PeerJob,
  scratch: string,
  runs: number,
): Promise<Cell> {
  const timesMs: number[] = [];
  for (let n = 1; n <= runs; n++) {
    const result = await coldRun(
      tool,
      job,
      join(scratch, `${tool.name}-${job.k}-${job.transport}-${n}`),
    );
    if ("failure" in result) return { failure: result.failure };
    timesMs.push(result.ms);
  }
  return { figure: { label: `${tool.name}, K = ${job.k}, ${job.transport}://`, timesMs } };
}

function table(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) =>
    row
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join("   ")
      .trimEnd(),
  );
}

export async function runPeers(context: BenchContext, opts: PeerOptions): Promise<BenchResult> {
  const tools = PEER_TOOLS.filter((t) => t.name === "eka" || opts.tools.includes(t.name));
  const missing = new Map<string, string>();
  const versions: string[] = [];
  for (const tool of tools) {
    const probe = tool.probe();
    if ("missing" in probe) missing.set(tool.name, probe.missing);
    else
      versions.push(
        `${tool.name} ${probe.version.replace(/^(eka|cargo|nix \(Nix\)|go version go)\s*/, "")}`,
      );
  }
  // tmpfs when there is one: the fixtures and every tool's fresh caches, off a shared disk.
  const base = existsSync("/dev/shm") ? "/dev/shm" : tmpdir();
  const root = mkdtempSync(join(base, "eka-bench-peers-"));
  const reposDir = join(root, "repos");
  const scratch = join(root, "work");
  mkdirSync(reposDir);
  mkdirSync(scratch);
  const max = Math.max(...opts.ks);
  const http = opts.transports.includes("http")
    ? await startGitHttpBackend(null, reposDir, { env: benchGitEnv })
    : null;
  try {
    context.log(`resolve-peers: building ${max} repositories with ${VERSIONS} versions each…`);
    const started = performance.now();
    const dirs = await makePeerRepos(reposDir, max);
    context.log(`resolve-peers: built in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    const highest = await Promise.all(
      dirs.map(
        (dir) =>
          new Promise<string>((resolve, reject) => {
            const child = spawn("git", ["rev-parse", `refs/tags/v${HIGHEST}^{commit}`], {
              cwd: dir,
              env: benchGitEnv,
            });
            let out = "";
            child.stdout.on("data", (chunk: Buffer) => {
              out += chunk.toString("utf8");
            });
            child.on("close", (code) =>
              code === 0 ? resolve(out.trim()) : reject(new Error(`rev-parse in ${dir}`)),
            );
          }),
      ),
    );
    const figures: Figure[] = [];
    const ratios: Ratio[] = [];
    const failures = [...missing].map(([name, why]) => `${name}: missing (${why})`);
    const matrix: string[][] = [["", ...tools.map((t) => t.name)]];
    const warmed = new Set<string>();
    for (const transport of opts.transports) {
      for (const k of opts.ks) {
        const job: PeerJob = {
          k,
          transport,
          base: transport === "file" ? `file://${reposDir}/` : `${http!.origin}/`,
          repoUrl: (i) =>
            transport === "file" ? `file://${dirs[i]}` : `${http!.origin}/${depName(i)}`,
          highestCommit: (i) => highest[i]!,
        };
        const cells = new Map<string, Cell>();
        for (const tool of tools) {
          const why = missing.get(tool.name);
          if (why !== undefined) {
            cells.set(tool.name, { failure: `missing: ${why}` });
            continue;
          }
          context.log(
            `resolve-peers: ${tool.name}, K = ${k}, ${transport}:// (${context.runs} runs)…`,
          );
          const key = `${tool.name} ${transport}`;
          if (!warmed.has(key)) {
            // One unmeasured K = 1 run first: the program and its libraries in the page cache.
            warmed.add(key);
            await coldRun(tool, { ...job, k: 1 }, join(scratch, `${tool.name}-warm`));
          }
          const cell = await coldRuns(tool, job, scratch, context.runs);
          cells.set(tool.name, cell);
          if (cell.figure !== undefined) figures.push(cell.figure);
          else {
            failures.push(`${tool.name}, K = ${k}, ${transport}://: ${cell.failure}`);
            context.log(`resolve-peers: ${tool.name} failed: ${cell.failure}`);
          }
        }
        const ekaFigure = cells.get("eka")?.figure;
        const row = [`K = ${k}, ${transport}://`];
        for (const tool of tools) {
          const cell = cells.get(tool.name)!;
          if (cell.figure === undefined) {
            row.push(cell.failure?.startsWith("missing") ? "missing" : "failed");
            continue;
          }
          const time = median(cell.figure);
          if (tool.name === "eka" || ekaFigure === undefined) {
            row.push(ms(time));
            continue;
          }
          const value = time / median(ekaFigure);
          row.push(`${ms(time)} (${value.toFixed(1)}×)`);
          ratios.push({
            label: `${tool.name} ÷ eka, K = ${k}, ${transport}:// (median times)`,
            value,
            target: TARGET,
          });
        }
        matrix.push(row);
      }
    }
    // What no resolution can go below: eka's start-up alone, and Node's.
    const startup: Figure[] = [];
    for (const [label, command, args] of [
      ["eka start-up alone (bin/eka --version)", EKA, ["--version"]],
      ["node -e 0", process.execPath, ["-e", "0"]],
    ] as const) {
      const timesMs: number[] = [];
      for (let n = 0; n <= context.runs; n++) {
        const start = performance.now();
        const failure = await runTool(command, args, scratch, process.env);
        if (failure !== null) throw new Error(`${label}: ${failure}`);
        if (n > 0) timesMs.push(performance.now() - start);
      }
      startup.push({ label, timesMs });
    }
    figures.push(...startup);
    const met = ratios.filter((r) => r.value >= TARGET).length;
    const notes = tools.map((t) => `  ${t.name}: ${t.note}`);
    const setup = [
      `each run from empty caches (fresh HOME, XDG_CACHE_HOME and tool caches), ${max > 1 ? `d0 … d${max - 1}` : "d0"} ` +
        `on tmpfs, http:// = a loopback git http-backend in this process; every lock checked to hold ${HIGHEST} ` +
        `(the highest) for every dependency. ${versions.join(", ")}.`,
      ...notes,
      "",
      `  median wall time per cold run (N = ${context.runs}, after one unmeasured K = 1 run per tool and transport), ` +
        `and tool ÷ eka; the aim is ≥ ${TARGET}× (${met} of ${ratios.length} met):`,
      ...table(matrix).map((line) => `    ${line}`),
      `  (medians of the start-up alone: ${startup.map((f) => `${f.label} ${ms(median(f))}`).join(", ")})`,
      ...(failures.length > 0
        ? ["", "  failed or missing:", ...failures.map((f) => `    ${f}`)]
        : []),
    ].join("\n");
    return {
      title: `resolve-peers: cold eka resolve vs npm, cargo, Go modules and nix flake lock, K dependencies with ${VERSIONS} versions each`,
      setup,
      figures,
      ratios,
    };
  } finally {
    await http?.close();
    rmSync(root, { recursive: true, force: true });
  }
}

export function run(context: BenchContext): Promise<BenchResult> {
  const env = process.env;
  return runPeers(
    context,
    options(
      env["EKA_BENCH_PEERS_K"],
      env["EKA_BENCH_PEERS_TOOLS"],
      env["EKA_BENCH_PEERS_TRANSPORTS"],
    ),
  );
}

/** `node bench/cases/resolve-peers.ts [--k 1,10] [--tools npm,cargo] [--transports file] [--runs 3]` */
async function main(args: readonly string[]): Promise<void> {
  const flags = new Map<string, string>();
  for (let i = 0; i < args.length; i += 2) {
    const flag = args[i]!;
    const value = args[i + 1];
    if (!["--k", "--tools", "--transports", "--runs"].includes(flag) || value === undefined) {
      process.stderr.write(
        "usage: node bench/cases/resolve-peers.ts [--k 1,10,50] [--tools npm,cargo,go,nix] [--transports file,http] [--runs 3]\n",
      );
      process.exit(2);
    }
    flags.set(flag, value);
  }
  const runs = Number(flags.get("--runs") ?? 3);
  if (!Number.isInteger(runs) || runs < 1) throw new Error("--runs takes a whole number ≥ 1");
  const log = (message: string) => process.stderr.write(`${message}\n`);
  const opts = options(flags.get("--k"), flags.get("--tools"), flags.get("--transports"));
  const result = await runPeers({ runs, log }, opts);
  process.stdout.write(`${formatResult(result, runs)}\n`);
}

if (import.meta.main) await main(process.argv.slice(2));
