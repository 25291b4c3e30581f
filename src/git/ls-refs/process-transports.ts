/**
 * The transports that start one process: a local path or `file://` (git's own `upload-pack`,
 * as git does for local remotes) and ssh (the user's ssh running `git-upload-pack` on the
 * server). Both speak v2 on the process's stdin/stdout; `GIT_PROTOCOL=version=2` in the
 * environment is what asks upload-pack (locally, or through ssh's `SendEnv`) for v2.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { NotV2Error } from "./listing-errors.ts";
import {
  type SshProgram,
  sshArguments,
  sshProbeArguments,
  sshSpawnLine,
  uploadPackCommand,
} from "./ssh-command.ts";
import { lsRefsOverStream, PipelineRefused, processConnection } from "./stream-session.ts";
import { filePath, type HostPath, parseHostUrl, parseScpLike } from "./url-parts.ts";
import type { ListedRef, ListOptions } from "./v2-protocol.ts";

/** Starts git with `args` (the `-c` protocol options, environment with GIT_PROTOCOL set). */
export type SpawnGit = (args: readonly string[]) => ChildProcess;

async function overProcess(
  start: () => ChildProcess,
  prefixes: readonly string[],
  signal: AbortSignal,
  options: ListOptions,
): Promise<ListedRef[]> {
  const session = async (pipelined: boolean) => {
    // Past the deadline (an ssh probe can outlast it) no process is started: the listing has
    // already failed with its timeout, and nobody would read this one.
    if (signal.aborted) throw new Error("the listing's time limit passed before it started");
    const connection = processConnection(start());
    const abort = () => connection.destroy();
    signal.addEventListener("abort", abort, { once: true });
    try {
      return await lsRefsOverStream(connection, prefixes, pipelined, options);
    } finally {
      signal.removeEventListener("abort", abort);
    }
  };
  try {
    return await session(true);
  } catch (error) {
    if (!(error instanceof PipelineRefused) || signal.aborted) throw error;
    return session(false);
  }
}

/** The repository path of a local path or `file://` URL (option-like paths are refused). */
export function localRepositoryPath(url: string, kind: "local" | "file"): string {
  const path = kind === "file" ? filePath(url) : url;
  if (path.startsWith("-")) throw new NotV2Error(`an option-like path: ${path}`);
  return path;
}

export function lsRefsOverLocal(
  spawnGit: SpawnGit,
  path: string,
  prefixes: readonly string[],
  signal: AbortSignal,
  options: ListOptions = {},
): Promise<ListedRef[]> {
  return overProcess(() => spawnGit(["upload-pack", "--", path]), prefixes, signal, options);
}

/** Where an ssh URL (`ssh://…` or scp-like) points. */
export function sshTarget(url: string): HostPath {
  return /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(url) ? parseHostUrl(url) : parseScpLike(url);
}

export interface SshContext {
  readonly program: SshProgram;
  /** The environment of ssh: the user's, with GIT_PROTOCOL=version=2. */
  readonly env: NodeJS.ProcessEnv;
  /** Settles the `auto` variant (git's `ssh -G` probe), cached by the caller. */
  readonly probe: (target: HostPath) => Promise<boolean>;
}

/**
 * Runs git's `auto` probe: whether `<program> -G …` exits 0 (then it is OpenSSH). A probe cut
 * short by `signal` rejects rather than answer "not OpenSSH": its answer would be a guess.
 */
export function probeOpenSsh(
  program: SshProgram,
  env: NodeJS.ProcessEnv,
  target: HostPath,
  signal: AbortSignal,
): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const [file, args] = sshSpawnLine(program, sshProbeArguments(target));
    const settle = (answer: boolean) => {
      if (signal.aborted) reject(new Error("the ssh probe was stopped by the time limit"));
      else resolve(answer);
    };
    const child = spawn(file, args, { env, stdio: "ignore", signal });
    child.once("error", () => settle(false));
    child.once("close", (code) => settle(code === 0));
  });
}

export async function lsRefsOverSsh(
  context: SshContext,
  url: string,
  prefixes: readonly string[],
  signal: AbortSignal,
  options: ListOptions = {},
): Promise<ListedRef[]> {
  const target = sshTarget(url);
  let variant = context.program.variant;
  while (variant === "auto") {
    try {
      variant = (await context.probe(target)) ? "ssh" : "simple";
    } catch (error) {
      // Another listing's time limit stopped the shared probe: probe again, within this one's.
      if (signal.aborted) throw error;
    }
  }
  const args = sshArguments(variant, target, uploadPackCommand(target.path));
  const [file, argv] = sshSpawnLine(context.program, args);
  const start = () =>
    spawn(file, argv, { env: context.env, stdio: ["pipe", "pipe", "pipe"], windowsHide: true });
  return overProcess(start, prefixes, signal, options);
}
