/**
 * Running the user's ssh the way git does (connect.c), so that a listing reaches the same host
 * with the same keys, options and wrappers as `git fetch` would:
 *
 * - The command: `GIT_SSH_COMMAND`, else `core.sshCommand` (both run by the shell, arguments
 *   appended as `"$@"`), else `GIT_SSH` (run as is, no shell), else `ssh`.
 * - The variant (which options the program understands): `GIT_SSH_VARIANT`, else `ssh.variant`,
 *   else guessed from the program's name (`ssh`, `plink`, `tortoiseplink`); any other name is
 *   `auto`, which git (and this client) settles by running `<command> -G <host>`: OpenSSH when
 *   it succeeds, `simple` when not.
 * - The arguments: OpenSSH gets `-o SendEnv=GIT_PROTOCOL` (with `GIT_PROTOCOL=version=2` in its
 *   environment, so the server side speaks v2) and `-p <port>`; plink/putty `-P <port>`,
 *   tortoiseplink `-batch`; `simple` gets no options at all (a port is then an error in git: this
 *   client falls back to `git ls-remote`, which reports it). Then `[user@]host` and the remote
 *   command `git-upload-pack '<path>'`, quoted as git quotes it.
 */
import { NotV2Error } from "./listing-errors.ts";
import type { HostPath } from "./url-parts.ts";

export type SshVariant = "auto" | "simple" | "ssh" | "plink" | "putty" | "tortoiseplink";

/** What git's configuration says about ssh (null when unset). */
export interface SshConfig {
  readonly sshCommand: string | null;
  readonly variant: string | null;
}

export interface SshProgram {
  /** The command: a shell snippet when `shell`, else a program to execute. */
  readonly command: string;
  readonly shell: boolean;
  readonly variant: SshVariant;
}

/** git's override_ssh_variant: any value it does not know means OpenSSH. */
function variantNamed(name: string): SshVariant {
  switch (name) {
    case "auto":
    case "simple":
    case "plink":
    case "putty":
    case "tortoiseplink":
      return name;
    default:
      return "ssh";
  }
}

/** git's determine_ssh_variant on the program's base name. */
function variantOfProgram(program: string): SshVariant {
  const base = (program.split(/[\\/]/).pop() ?? "").toLowerCase();
  if (base === "ssh" || base === "ssh.exe") return "ssh";
  if (base === "plink" || base === "plink.exe") return "plink";
  if (base === "tortoiseplink" || base === "tortoiseplink.exe") return "tortoiseplink";
  return "auto";
}

/**
 * Splits a command line into words as git's split_cmdline does: blanks separate words, single
 * quotes keep everything, double quotes keep everything but a backslash-escaped character.
 * Null when a quote is left open.
 */
export function splitCommandLine(line: string): string[] | null {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote === null && /\s/.test(c)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
      continue;
    }
    inWord = true;
    if (quote === null && (c === "'" || c === '"')) quote = c;
    else if (quote === c) quote = null;
    else if (c === "\\" && quote !== "'") {
      i++;
      if (i >= line.length) return null;
      word += line[i]!;
    } else word += c;
  }
  if (quote !== null) return null;
  if (inWord) words.push(word);
  return words;
}

/** The ssh program to run, from the environment and git's configuration (see the module doc). */
export function sshProgram(env: NodeJS.ProcessEnv, config: SshConfig): SshProgram {
  const shellCommand = env["GIT_SSH_COMMAND"] ?? config.sshCommand;
  const override = env["GIT_SSH_VARIANT"] ?? config.variant;
  if (shellCommand !== undefined && shellCommand !== null) {
    if (shellCommand.trim() === "") throw new NotV2Error("an empty ssh command");
    const words = splitCommandLine(shellCommand);
    const guessed = words === null || words.length === 0 ? "auto" : variantOfProgram(words[0]!);
    return {
      command: shellCommand,
      shell: true,
      variant: override === undefined || override === null ? guessed : variantNamed(override),
    };
  }
  const program = env["GIT_SSH"] || "ssh";
  return {
    command: program,
    shell: false,
    variant:
      override === undefined || override === null
        ? variantOfProgram(program)
        : variantNamed(override),
  };
}

/** git's sq_quote: single quotes, with `'` and `!` taken out of them (`'\''`, `'\!'`). */
export function shellQuote(text: string): string {
  return `'${text.replace(/['!]/g, (c) => `'\\${c}'`)}'`;
}

/** The remote command that starts upload-pack on the server for `path`. */
export function uploadPackCommand(path: string): string {
  return `git-upload-pack ${shellQuote(path)}`;
}

/** `[user@]host` as ssh takes it. */
export function sshDestination(target: HostPath): string {
  return target.user === null ? target.host : `${target.user}@${target.host}`;
}

/** The options for `variant` (not `auto`), before the destination. */
export function sshOptions(variant: Exclude<SshVariant, "auto">, port: string | null): string[] {
  const args: string[] = [];
  if (variant === "ssh") args.push("-o", "SendEnv=GIT_PROTOCOL");
  if (variant === "tortoiseplink") args.push("-batch");
  if (port !== null) {
    if (variant === "simple") throw new NotV2Error("ssh variant 'simple' cannot set a port");
    args.push(variant === "ssh" ? "-p" : "-P", port);
  }
  return args;
}

/** The full argument list after the program: options, destination, remote command. */
export function sshArguments(
  variant: Exclude<SshVariant, "auto">,
  target: HostPath,
  remoteCommand: string,
): string[] {
  const destination = sshDestination(target);
  if (destination.startsWith("-")) throw new NotV2Error("an option-like ssh destination");
  return [...sshOptions(variant, target.port), destination, remoteCommand];
}

/** The probe git runs to settle `auto`: `<program> -G <options as OpenSSH> <destination>`. */
export function sshProbeArguments(target: HostPath): string[] {
  return ["-G", ...sshOptions("ssh", target.port), sshDestination(target)];
}

/** `[file, args]` to spawn `program` with `args` (through `sh -c` for a shell command). */
export function sshSpawnLine(program: SshProgram, args: readonly string[]): [string, string[]] {
  if (!program.shell) return [program.command, [...args]];
  return ["sh", ["-c", `${program.command} "$@"`, program.command, ...args]];
}
