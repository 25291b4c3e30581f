/**
 * A loopback `git daemon` for tests whose transport matters: serves every repository under a base
 * directory over git:// on 127.0.0.1 (a free port), pushes included. Started before the test
 * body, stopped (and waited for) when the test ends.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { connect, createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import type { CleanupContext } from "./git.ts";
import { gitTestEnv } from "./git.ts";

export interface GitDaemon {
  readonly port: number;
  /** The git:// URL of the repository at `path` (relative to the base directory). */
  url(path: string): string;
}

/** A port nobody listens on right now (the daemon may still lose it to a race: then retry). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => {
        if (address === null || typeof address === "string") reject(new Error("no port"));
        else resolve(address.port);
      });
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on("error", () => resolve(false));
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

/** Starts `git daemon --export-all --enable=receive-pack --base-path=<base>` on 127.0.0.1. */
export async function startGitDaemon(t: CleanupContext, base: string): Promise<GitDaemon> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    let stderr = "";
    const child = spawn(
      "git",
      [
        "daemon",
        "--reuseaddr",
        "--listen=127.0.0.1",
        `--port=${port}`,
        "--export-all",
        "--enable=receive-pack",
        "--informative-errors",
        `--base-path=${base}`,
        base,
      ],
      { env: gitTestEnv, stdio: ["ignore", "ignore", "pipe"] },
    );
    child.stderr!.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    const deadline = Date.now() + 10_000;
    let up = false;
    while (Date.now() < deadline && child.exitCode === null) {
      if (await accepts(port)) {
        up = true;
        break;
      }
      await sleep(25);
    }
    if (up) {
      t.after(() => stop(child));
      return { port, url: (path) => `git://127.0.0.1:${port}/${path.replace(/^\/+/, "")}` };
    }
    await stop(child);
    if (attempt >= 5) throw new Error(`git daemon did not start on port ${port}: ${stderr}`);
  }
}
