/**
 * Everything the CLI prints goes through here: results as text or `--json`, warnings and
 * progress on stderr (progress only on a TTY), and errors as `error[EKA_CODE]: what (where)`
 * followed by a hint line.
 */
import { EkaError, formatLocation } from "../core/errors.ts";
import type { Report } from "../core/report.ts";

export interface OutputOptions {
  readonly json: boolean;
  readonly quiet: boolean;
  readonly color: boolean;
  readonly tty: boolean;
  /** Print stack traces of unexpected failures (EKA_DEBUG). */
  readonly debug: boolean;
}

export interface Sink {
  out(text: string): void;
  err(text: string): void;
}

interface Warning {
  readonly code: string;
  readonly message: string;
}

const paint = (on: boolean, code: string, text: string) =>
  on ? `\u001b[${code}m${text}\u001b[0m` : text;

/** A `Report` that renders to the terminal, and remembers warnings for `--json`. */
export class CliReport implements Report {
  readonly warnings: Warning[] = [];
  readonly messages: string[] = [];
  #progressShown = false;
  readonly #options: OutputOptions;
  readonly #sink: Sink;

  constructor(options: OutputOptions, sink: Sink) {
    this.#options = options;
    this.#sink = sink;
  }

  info(message: string): void {
    this.messages.push(message);
    if (this.#options.json || this.#options.quiet) return;
    this.#clearProgress();
    this.#sink.err(`${message}\n`);
  }

  warn(code: string, message: string): void {
    this.warnings.push({ code, message });
    if (this.#options.json) return;
    this.#clearProgress();
    this.#sink.err(`${paint(this.#options.color, "33", `warning[${code}]`)}: ${message}\n`);
  }

  progress(task: string, done: number, total?: number): void {
    if (!this.#options.tty || this.#options.json || this.#options.quiet) return;
    const count = total === undefined ? `${done}` : `${done}/${total}`;
    this.#sink.err(`\r\u001b[2K${task} ${count}`);
    this.#progressShown = true;
  }

  /** Erases a progress line so the next line starts clean. */
  finish(): void {
    this.#clearProgress();
  }

  #clearProgress(): void {
    if (!this.#progressShown) return;
    this.#sink.err("\r\u001b[2K");
    this.#progressShown = false;
  }
}

export function renderResult(
  lines: readonly string[],
  data: unknown,
  report: CliReport,
  options: OutputOptions,
  sink: Sink,
): void {
  report.finish();
  if (options.json) {
    sink.out(`${JSON.stringify({ ok: true, data, warnings: report.warnings }, null, 2)}\n`);
    return;
  }
  if (options.quiet) return;
  if (lines.length > 0) sink.out(`${lines.join("\n")}\n`);
}

/** Converts anything thrown into an EkaError (unexpected failures become EKA_INTERNAL). */
export function asEkaError(error: unknown): EkaError {
  if (error instanceof EkaError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new EkaError("EKA_INTERNAL", `unexpected failure: ${message}`, {
    cause: error,
    hint: "this is a bug in eka; please report it with the command you ran",
  });
}

export function errorLines(error: EkaError, color: boolean): string[] {
  const head = (code: string) => paint(color, "1;31", `error[${code}]`);
  const hint = (text: string) => `  ${paint(color, "36", "hint")}: ${text}`;
  const lines: string[] = [];
  const where = error.where === undefined ? "" : ` (${error.where})`;
  lines.push(`${head(error.code)}: ${error.message}${where}`);
  // A single diagnostic already named in the headline is not repeated.
  const [only] = error.diagnostics;
  const restated =
    error.diagnostics.length === 1 && only !== undefined && error.where === formatLocation(only);
  if (!restated) {
    for (const d of error.diagnostics) {
      lines.push(`  ${formatLocation(d)}: ${d.message}`);
      if (d.hint !== undefined && d.hint !== error.hint) {
        lines.push(`    ${paint(color, "36", "hint")}: ${d.hint}`);
      }
    }
  }
  const finalHint = error.hint ?? (restated ? only?.hint : undefined);
  if (finalHint !== undefined) lines.push(hint(finalHint));
  return lines;
}

export function renderError(
  error: EkaError,
  report: CliReport,
  options: OutputOptions,
  sink: Sink,
): void {
  report.finish();
  if (options.json) {
    sink.out(
      `${JSON.stringify({ ok: false, error: error.toJSON(), warnings: report.warnings }, null, 2)}\n`,
    );
    return;
  }
  sink.err(`${errorLines(error, options.color).join("\n")}\n`);
  if (options.debug && error.code === "EKA_INTERNAL" && error.cause instanceof Error) {
    sink.err(`${error.cause.stack ?? ""}\n`);
  }
}
