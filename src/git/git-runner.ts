/**
 * How eka starts git: one place that builds the command line and environment of every git
 * process, counts them, runs one-shot commands and turns failures into `EkaError`s.
 *
 * Every process gets the transport allow-list (`protocol.allow=never` plus file, git, ssh, http,
 * https; the same list in `GIT_ALLOW_PROTOCOL`), `GIT_PROTOCOL_FROM_USER=0`,
 * `GIT_TERMINAL_PROMPT=0` (never wait for a password on a terminal), `GIT_NO_REPLACE_OBJECTS=1`
 * and `GIT_GRAFT_FILE=/dev/null` (objects are what they hash to: neither a replace ref nor a
 * graft, in `info/grafts` or in a file the caller's environment names, can fake a commit's
 * parents, so ancestry answers such as `merge-base --is-ancestor` cannot be fooled; with
 * `advice.graftFileDeprecated=false`, as git advises against grafts whenever it reads the
 * file), and `LC_ALL=C` (messages and porcelain output are parsed).
 * Callers put `--` (or `--end-of-options`) before any value that comes from outside.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { EkaError, type ErrorCode } from "../core/errors.ts";
import { redactText } from "./transport.ts";

const ALLOWED_PROTOCOLS = ["file", "git", "ssh", "http", "https"] as const;

/** `-c` options that come before the subcommand of every git process. */
export const PROTOCOL_CONFIG: readonly string[] = [
  "-c",
  "protocol.allow=never",
  ...ALLOWED_PROTOCOLS.flatMap((p) => ["-c", `protocol.${p}.allow=always`]),
  // git reads GIT_GRAFT_FILE (an empty /dev/null) and would print its deprecation advice.
  "-c",
  "advice.graftFileDeprecated=false",
];

/** Variables that point git at another repository: dropped, then set from what was opened. */
const REPOSITORY_VARIABLES = ["GIT_DIR", "GIT_WORK_TREE", "GIT_COMMON_DIR", "GIT_PREFIX"];

export interface GitRunnerOptions {
  /** The git executable (default `git`, found on PATH). */
  readonly git?: string;
  /** The environment git starts from (default: this process's). */
  readonly env?: NodeJS.ProcessEnv;
  /** Working directory of every process. */
  readonly cwd: string;
  /** When set, `GIT_DIR` (and `GIT_WORK_TREE`) are fixed instead of discovered from `cwd`. */
  readonly gitDir?: string;
  readonly workTree?: string | null;
  /** Called with the arguments (after the `-c` options) of every process started. */
  readonly onSpawn?: (args: readonly string[]) => void;
}

export interface RunOptions {
  /** Bytes written to stdin (stdin is closed either way). */
  readonly input?: string | Uint8Array;
  /** Kill the process after this many milliseconds. */
  readonly timeoutMs?: number;
}

export interface RunResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: Buffer;
  readonly stderr: string;
  readonly timedOut: boolean;
}

const STDERR_LIMIT = 64 * 1024;

/** A counter of processes, shared by the runners of one repository. */
export interface SpawnCounter {
  count: number;
}

export class GitRunner {
  readonly #git: string;
  readonly #env: NodeJS.ProcessEnv;
  readonly #cwd: string;
  readonly #onSpawn: ((args: readonly string[]) => void) | undefined;
  readonly #counter: SpawnCounter;

  constructor(options: GitRunnerOptions, counter: SpawnCounter = { count: 0 }) {
    this.#git = options.git ?? "git";
    this.#cwd = options.cwd;
    this.#onSpawn = options.onSpawn;
    this.#counter = counter;
    const env: NodeJS.ProcessEnv = { ...(options.env ?? process.env) };
    for (const name of REPOSITORY_VARIABLES) delete env[name];
    if (options.gitDir !== undefined) env["GIT_DIR"] = options.gitDir;
    if (options.workTree !== undefined && options.workTree !== null) {
      env["GIT_WORK_TREE"] = options.workTree;
    }
    env["GIT_TERMINAL_PROMPT"] = "0";
    env["GIT_NO_REPLACE_OBJECTS"] = "1";
    env["GIT_GRAFT_FILE"] = "/dev/null";
    env["GIT_PROTOCOL_FROM_USER"] = "0";
    env["GIT_ALLOW_PROTOCOL"] = ALLOWED_PROTOCOLS.join(":");
    env["LC_ALL"] = "C";
    this.#env = env;
  }

  /** Processes started so far (one-shot and long-lived). */
  get spawnCount(): number {
    return this.#counter.count;
  }

  /** A runner for the opened repository, sharing this one's counter and options. */
  forRepository(options: Omit<GitRunnerOptions, "git" | "env" | "onSpawn">): GitRunner {
    return new GitRunner(
      {
        ...options,
        git: this.#git,
        env: this.#env,
        ...(this.#onSpawn === undefined ? {} : { onSpawn: this.#onSpawn }),
      },
      this.#counter,
    );
  }

  /** Starts a git process with piped stdio (for the long-lived batch processes). */
  spawn(args: readonly string[]): ChildProcess {
    this.#counter.count++;
    this.#onSpawn?.(args);
    return spawn(this.#git, [...PROTOCOL_CONFIG, ...args], {
      cwd: this.#cwd,
      env: this.#env,
      stdio: ["pipe", "pipe", "pipe"],
      windowsHide: true,
    });
  }

  /** Runs git to completion. Never rejects for a non-zero exit: the caller reads `code`. */
  run(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      const child = this.spawn(args);
      const out: Buffer[] = [];
      let stderr = "";
      let timedOut = false;
      const timer =
        options.timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              timedOut = true;
              child.kill("SIGKILL");
            }, options.timeoutMs);
      child.stdout!.on("data", (chunk: Buffer) => out.push(chunk));
      child.stderr!.on("data", (chunk: Buffer) => {
        if (stderr.length < STDERR_LIMIT) stderr += chunk.toString("utf8");
      });
      child.stdin!.on("error", () => {}); // EPIPE when git exits early: its exit code says why
      child.on("error", (error) => {
        clearTimeout(timer);
        reject(spawnFailed(this.#git, error));
      });
      const finish = (code: number | null, signal: NodeJS.Signals | null): void => {
        clearTimeout(timer);
        resolve({ code, signal, stdout: Buffer.concat(out), stderr, timedOut });
      };
      child.on("close", finish);
      // A killed git may leave a helper (ssh, git-remote-http) holding the pipes open: do not
      // wait for them to close after a timeout.
      child.on("exit", (code, signal) => {
        if (!timedOut) return;
        child.stdout!.destroy();
        child.stderr!.destroy();
        finish(code, signal);
      });
      child.stdin!.end(options.input ?? "");
    });
  }

  /** Runs git and returns stdout; any exit but 0 is `EKA_GIT_FAILED` with git's message. */
  async output(args: readonly string[], options: RunOptions = {}): Promise<string> {
    const result = await this.run(args, options);
    if (result.code !== 0) throw gitFailed(args, result);
    return result.stdout.toString("utf8");
  }
}

export function spawnFailed(git: string, error: Error): EkaError {
  return new EkaError("EKA_GIT_FAILED", `could not run ${git}: ${error.message}`, {
    cause: error,
    hint: "install git (2.30 or newer) and make sure it is on PATH",
  });
}

/** The first lines of git's stderr, credentials redacted, for a one-line message. */
export function summarizeStderr(stderr: string): string {
  const lines = redactText(stderr)
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("hint:"));
  const shown = lines.slice(0, 4).join("; ");
  return shown === "" ? "(no message)" : shown;
}

/** The error for a git command that failed; `stderr` in the data, credentials redacted. */
export function gitFailed(
  args: readonly string[],
  result: Pick<RunResult, "code" | "signal" | "stderr" | "timedOut">,
  init: { code?: ErrorCode; message?: string; hint?: string; where?: string } = {},
): EkaError {
  const command = `git ${redactText(args.join(" "))}`;
  const status = result.timedOut
    ? "timed out"
    : result.signal !== null
      ? `killed by ${result.signal}`
      : `exit ${result.code}`;
  const prefix = init.message ?? `git ${args[0] ?? ""} failed`;
  return new EkaError(
    init.code ?? "EKA_GIT_FAILED",
    `${prefix}: ${summarizeStderr(result.stderr)}`,
    {
      ...(init.hint === undefined ? {} : { hint: init.hint }),
      ...(init.where === undefined ? {} : { where: init.where }),
      data: { command, status, stderr: redactText(result.stderr) },
    },
  );
}
