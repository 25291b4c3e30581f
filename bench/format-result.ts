/** A case's result as a plain-text table, and as plain data for `--json`. */
import type { BenchResult, Figure } from "./bench-result.ts";
import { best, median, throughput } from "./measure.ts";

const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 0)} ms`;

function mbs(figure: Figure): string {
  const value = throughput(figure);
  return value === null ? "" : `${value.toFixed(0)} MB/s`;
}

function table(rows: readonly (readonly string[])[], right: ReadonlySet<number>): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) =>
    row
      .map((cell, i) => (right.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join("   ")
      .trimEnd(),
  );
}

export function formatResult(result: BenchResult, runs: number): string {
  const lines = [result.title, `  ${result.setup}`, ""];
  const figures = [
    ["", "best", "median", "throughput (best)"],
    ...result.figures.map((f) => [f.label, ms(best(f)), ms(median(f)), mbs(f)]),
  ];
  lines.push(...table(figures, new Set([1, 2, 3])).map((line) => `  ${line}`));
  lines.push(`  (${runs} runs each after a warm-up run; MB = 10^6 bytes)`, "");
  const ratios = [
    ["ratio (speed, best runs)", "value", "target"],
    ...result.ratios.map((r) => [
      r.label,
      r.value.toFixed(2),
      r.target === undefined
        ? ""
        : `≥ ${r.target.toFixed(2)} ${r.value >= r.target ? "met" : "NOT met"}`,
    ]),
  ];
  lines.push(...table(ratios, new Set([1])).map((line) => `  ${line}`));
  return lines.join("\n");
}

/** The result with each figure's best, median and throughput worked out. */
export function resultData(result: BenchResult): Record<string, unknown> {
  return {
    ...result,
    figures: result.figures.map((f) => ({
      ...f,
      bestMs: best(f),
      medianMs: median(f),
      mbPerSecond: throughput(f),
    })),
  };
}
