/** Timing helpers for benchmark cases: repeated runs of one thing, and stats over them. */
import type { Figure } from "./bench-result.ts";

/** Runs `fn` once to warm caches, then `runs` times, timing each run. */
export async function measure(
  label: string,
  runs: number,
  fn: () => Promise<unknown>,
  bytes?: number,
): Promise<Figure> {
  await fn();
  const timesMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    timesMs.push(performance.now() - start);
  }
  return bytes === undefined ? { label, timesMs } : { label, timesMs, bytes };
}

export function best(figure: Figure): number {
  return Math.min(...figure.timesMs);
}

export function median(figure: Figure): number {
  const sorted = [...figure.timesMs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Throughput of the best run in MB/s (10^6 bytes), or null without a byte count. */
export function throughput(figure: Figure): number | null {
  return figure.bytes === undefined ? null : figure.bytes / 1e6 / (best(figure) / 1000);
}

/** `a`'s speed over `b`'s, best runs (same work: the inverse ratio of their times). */
export function speedRatio(a: Figure, b: Figure): number {
  return best(b) / best(a);
}
