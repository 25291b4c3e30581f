/**
 * What a benchmark case returns: figures (timed runs of one thing) and ratios between them. A case
 * is a file in bench/cases/ exporting `run(context)`; bench/run.ts runs them and prints tables.
 */

/** The timed runs of one thing ("eka b3TreeDigest", "b3sum --num-threads 1"). */
export interface Figure {
  readonly label: string;
  /** Wall-clock time of each measured run, in milliseconds. */
  readonly timesMs: readonly number[];
  /** Bytes handled by one run, when a throughput makes sense. */
  readonly bytes?: number;
}

/** A ratio of two figures (as throughputs: above 1 means the first is faster). */
export interface Ratio {
  readonly label: string;
  readonly value: number;
  /** The value the project aims for, when there is one (printed, never asserted). */
  readonly target?: number;
}

export interface BenchResult {
  readonly title: string;
  /** What was measured on what, in a sentence or two. */
  readonly setup: string;
  readonly figures: readonly Figure[];
  readonly ratios: readonly Ratio[];
}

export interface BenchContext {
  /** Measured runs per figure (after one warm-up run). */
  readonly runs: number;
  /** Progress for the person waiting (stderr). */
  log(message: string): void;
}

/** A benchmark case module: bench/cases/<name>.ts. */
export interface BenchCase {
  run(context: BenchContext): Promise<BenchResult>;
}
