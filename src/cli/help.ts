/** `--help` text for eka and for each command. */
import type { Command, OptionSpec } from "./command.ts";

export const GLOBAL_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  json: { type: "boolean", description: "print the result as JSON on stdout" },
  quiet: { type: "boolean", short: "q", description: "print only errors" },
  help: { type: "boolean", short: "h", description: "show this help" },
};

function optionLines(options: Readonly<Record<string, OptionSpec>>): string[] {
  const rows = Object.entries(options).map(([name, spec]) => {
    const short = spec.short === undefined ? "    " : `-${spec.short}, `;
    const value = spec.type === "string" ? ` ${spec.value ?? "VALUE"}` : "";
    return [`${short}--${name}${value}`, spec.description] as const;
  });
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`);
}

export function commandHelp(command: Command<unknown>): string {
  return [
    `eka ${command.name}: ${command.summary}`,
    "",
    `Usage: ${command.usage}`,
    "",
    command.description,
    "",
    "Options:",
    ...optionLines({ ...command.options, ...GLOBAL_OPTIONS }),
    "",
    "Examples:",
    ...command.examples.map((e) => `  ${e}`),
    "",
  ].join("\n");
}

export function mainHelp(commands: readonly Command<unknown>[], version: string): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    `eka ${version}: a decentralized, git-native package manager for source code`,
    "",
    "Usage: eka [-C DIR] <command> [options] [args]",
    "",
    "Commands:",
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Global options:",
    "  -C DIR         run as if eka was started in DIR",
    "  -h, --help     show help (eka <command> --help for a command)",
    "  -V, --version  print the version",
    "",
    "Examples:",
    "  eka init --remote origin",
    "  eka new pkgs/button",
    "  eka status --json",
    "",
  ].join("\n");
}
