/**
 * The shape every CLI command has: flags described once (for parsing and for `--help`), a `run`
 * that calls the library and returns plain data, and a `render` that turns that data into text.
 * `--json` prints the data itself, so `run` must return JSON-friendly values.
 */
import type { Report } from "../core/report.ts";

export interface OptionSpec {
  readonly type: "string" | "boolean";
  readonly short?: string;
  readonly multiple?: boolean;
  /** Placeholder shown in help for string options (`NAME|URL`). */
  readonly value?: string;
  readonly description: string;
}

export interface CommandContext {
  /** Directory the command runs in (the process cwd, or `-C DIR`). */
  readonly cwd: string;
  readonly report: Report;
  readonly env: NodeJS.ProcessEnv;
}

export interface ParsedArgs {
  readonly values: Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;
  readonly positionals: readonly string[];
}

export interface Command<T = unknown> {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  /** Paragraphs shown by `--help` after the usage line. */
  readonly description: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** Positional arguments: [min, max] (max Infinity for variadic). */
  readonly positionals: readonly [number, number];
  readonly examples: readonly string[];
  run(ctx: CommandContext, args: ParsedArgs): Promise<T>;
  /** May be async: a command that needs its library to print loads it here. */
  render(result: T): string[] | Promise<string[]>;
}

/** Type-safe helper so each command file infers its result type. */
export function defineCommand<T>(command: Command<T>): Command<T> {
  return command;
}

export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const v = args.values[name];
  return typeof v === "string" ? v : undefined;
}

export function flag(args: ParsedArgs, name: string): boolean {
  return args.values[name] === true;
}
