/**
 * Runs the benchmark cases: every file in bench/cases/ (each exports `run(context)`), or those
 * named on the command line, and prints each case's table.
 *
 *   npm run bench                     all cases
 *   npm run bench -- b3               one case
 *   npm run bench -- b3 --runs 9      more runs per figure (default 5)
 *   npm run bench -- --json           results as JSON on stdout
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { cpus } from "node:os";
import { basename } from "node:path";
import type { BenchCase, BenchResult } from "./bench-result.ts";
import { formatResult, resultData } from "./format-result.ts";

const CASES = new URL("./cases/", import.meta.url);

function caseNames(): string[] {
  return readdirSync(CASES)
    .filter((file) => file.endsWith(".ts"))
    .map((file) => basename(file, ".ts"))
    .sort();
}

function fail(message: string): never {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(2);
}

function parseArgs(args: readonly string[]) {
  const known = caseNames();
  const names: string[] = [];
  let runs = 5;
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--json") json = true;
    else if (arg === "--runs") {
      runs = Number(args[++i]);
      if (!Number.isInteger(runs) || runs < 1) fail("--runs takes a whole number ≥ 1");
    } else if (arg.startsWith("-")) fail(`unknown option ${arg} (known: --runs N, --json)`);
    else if (!known.includes(arg))
      fail(`no case ${JSON.stringify(arg)} (cases: ${known.join(", ")})`);
    else names.push(arg);
  }
  return { names: names.length === 0 ? known : names, runs, json };
}

function versionOf(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: "utf8" });
  return result.status === 0 ? result.stdout.trim() : `${command}: not found`;
}

function machine(): string {
  const cpu = cpus();
  return [
    `node ${process.version}`,
    versionOf("git", ["--version"]),
    versionOf("b3sum", ["--version"]),
    `${cpu.length} CPUs (${cpu[0]?.model.trim() ?? "unknown"})`,
  ].join(", ");
}

async function main(): Promise<void> {
  const { names, runs, json } = parseArgs(process.argv.slice(2));
  const log = (message: string) => process.stderr.write(`${message}\n`);
  const results: BenchResult[] = [];
  if (!json) process.stdout.write(`eka benchmarks: ${machine()}\n\n`);
  for (const name of names) {
    const module = (await import(new URL(`${name}.ts`, CASES).href)) as Partial<BenchCase>;
    if (typeof module.run !== "function") fail(`bench/cases/${name}.ts does not export run()`);
    const result = await module.run({ runs, log });
    results.push(result);
    if (!json) process.stdout.write(`${formatResult(result, runs)}\n\n`);
  }
  if (json) {
    const data = { machine: machine(), runs, results: results.map(resultData) };
    process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
  }
}

await main();
