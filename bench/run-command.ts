/** Running another program for a benchmark: wait for it, fail loudly, optionally read its output. */
import { spawn } from "node:child_process";

export interface CommandOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Written to stdin, which is then closed. */
  readonly input?: string;
  /**
   * Where stdout goes: `/dev/null` (the default: the program writes straight to it), or a pipe
   * that Node reads and drops (`pipe`: what a Node consumer of the program pays at least).
   */
  readonly stdout?: "null" | "pipe";
}

/** Runs the program to its end; resolves with the number of stdout bytes read (0 for null). */
export function runCommand(
  command: string,
  args: readonly string[],
  options: CommandOptions = {},
): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["pipe", options.stdout === "pipe" ? "pipe" : "ignore", "pipe"],
    });
    let bytes = 0;
    let stderr = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      bytes += chunk.length;
    });
    child.stderr!.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve(bytes);
      else
        reject(new Error(`${command} ${args.slice(0, 3).join(" ")} failed (${code}): ${stderr}`));
    });
    child.stdin!.end(options.input ?? "");
  });
}
