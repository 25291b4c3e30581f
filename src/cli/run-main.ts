/**
 * The command-line driver, for any list of commands: global flags, dispatch, output and exit
 * code. `main.ts` runs it with every command; `bin.ts` runs it with the one command named when
 * that command's module can be loaded alone (start-up time: loading every command loads most
 * of eka). The settings (and with them the configuration file's TOML parser) are loaded only
 * when a command runs or an error is shown: `--version` and `--help` load neither, and a
 * command module loads its library inside `run`.
 */
import { resolve } from "node:path";
import { EkaError, exitCodeFor } from "../core/errors.ts";
import type { Command, OptionSpec, ParsedArgs } from "./command.ts";
import { commandHelp, GLOBAL_OPTIONS, mainHelp } from "./help.ts";
import {
  asEkaError,
  CliReport,
  type OutputOptions,
  renderError,
  renderResult,
  type Sink,
} from "./render.ts";
import { VERSION } from "./version.ts";

// Taken from the process rather than imported: an ESM import of node:util builds a module
// facade over all of util's exports first (~2 ms of every command's start-up).
const { parseArgs } = process.getBuiltinModule("node:util");

export interface MainIo {
  readonly sink: Sink;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly stdoutIsTTY: boolean;
  readonly stderrIsTTY: boolean;
}

function toParseArgsOptions(options: Readonly<Record<string, OptionSpec>>) {
  const out: Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }> =
    {};
  for (const [name, spec] of Object.entries(options)) {
    out[name] = {
      type: spec.type,
      ...(spec.short === undefined ? {} : { short: spec.short }),
      ...(spec.multiple === undefined ? {} : { multiple: spec.multiple }),
    };
  }
  return out;
}

function usageError(message: string, command?: string): EkaError {
  return new EkaError("EKA_USAGE", message, {
    hint:
      command === undefined ? "run `eka --help` for the commands" : `run \`eka ${command} --help\``,
  });
}

/** Splits global flags that come before the command name (`-C DIR`, `--version`, `--help`). */
function splitGlobal(argv: readonly string[]) {
  let dir: string | undefined;
  let i = 0;
  let help = false;
  let version = false;
  let json = false;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "-C") {
      const next = argv[i + 1];
      if (next === undefined) throw usageError("-C needs a directory");
      dir = dir === undefined ? next : resolve(dir, next);
      i++;
    } else if (a === "-h" || a === "--help") help = true;
    else if (a === "-V" || a === "--version") version = true;
    else if (a === "--json") json = true;
    else break;
  }
  return { dir, help, version, json, rest: argv.slice(i) };
}

export async function runMain(
  argv: readonly string[],
  io: MainIo,
  COMMANDS: readonly Command<never>[],
): Promise<number> {
  const wantsJson = argv.includes("--json");
  // color and debug come from the settings, read before anything can print in colour (a
  // warning or an error); the report reads these options when it prints, and only then asks
  // whether stderr is a terminal.
  let colorSetting = false;
  let debugSetting = false;
  const options: OutputOptions = {
    json: wantsJson,
    quiet: argv.includes("--quiet") || argv.includes("-q"),
    get color() {
      return colorSetting && io.stderrIsTTY;
    },
    get tty() {
      return io.stderrIsTTY;
    },
    get debug() {
      return debugSetting;
    },
  };
  let configError: EkaError | null | undefined;
  const loadSettings = async (): Promise<EkaError | null> => {
    if (configError !== undefined) return configError;
    const { loadSettingsOrFallback } = await import("../config/index.ts");
    const loaded = loadSettingsOrFallback(io.env);
    colorSetting = loaded.settings.color.value;
    debugSetting = loaded.settings.debug.value;
    configError = loaded.error;
    return configError;
  };
  const report = new CliReport(options, io.sink);
  try {
    const global = splitGlobal(argv);
    const [name, ...rest] = global.rest;
    if (global.version) {
      renderResult([`eka ${VERSION}`], { version: VERSION }, report, options, io.sink);
      return 0;
    }
    if (name === undefined || (global.help && name === undefined)) {
      if (!global.help && name === undefined && !global.json) {
        io.sink.err(mainHelp(COMMANDS, VERSION));
        return 2;
      }
      io.sink.out(mainHelp(COMMANDS, VERSION));
      return 0;
    }
    if (name === "help") {
      const target = COMMANDS.find((c) => c.name === rest[0]);
      io.sink.out(target === undefined ? mainHelp(COMMANDS, VERSION) : commandHelp(target));
      return 0;
    }
    const command = COMMANDS.find((c) => c.name === name);
    if (command === undefined) {
      throw usageError(
        `unknown command \`${name}\`; commands are: ${COMMANDS.map((c) => c.name).join(", ")}`,
      );
    }
    if (global.help) {
      io.sink.out(commandHelp(command));
      return 0;
    }
    let parsed: ParsedArgs;
    try {
      parsed = parseArgs({
        args: rest,
        options: toParseArgsOptions({ ...command.options, ...GLOBAL_OPTIONS }),
        allowPositionals: true,
        strict: true,
      });
    } catch (error) {
      throw usageError(error instanceof Error ? error.message : String(error), command.name);
    }
    if (parsed.values["help"] === true) {
      io.sink.out(commandHelp(command));
      return 0;
    }
    // A broken configuration file fails every command, but not its help.
    const badConfig = await loadSettings();
    if (badConfig !== null) throw badConfig;
    const [min, max] = command.positionals;
    if (parsed.positionals.length < min || parsed.positionals.length > max) {
      throw usageError(
        parsed.positionals.length < min
          ? `missing argument; usage: ${command.usage}`
          : `unexpected argument \`${parsed.positionals[max]}\`; usage: ${command.usage}`,
        command.name,
      );
    }
    const cwd = global.dir === undefined ? io.cwd : resolve(io.cwd, global.dir);
    const data = await command.run({ cwd, report, env: io.env }, parsed);
    renderResult(await command.render(data), data, report, options, io.sink);
    return 0;
  } catch (error) {
    const eka = asEkaError(error);
    await loadSettings().catch(() => null);
    renderError(eka, report, options, io.sink);
    return exitCodeFor(eka.code);
  }
}
