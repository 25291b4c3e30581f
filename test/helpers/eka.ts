/**
 * Test helpers for running the real CLI (bin/eka, a child process) and for proving that a failed
 * command changed nothing: `snapshot` captures every working-tree file, every ref, HEAD and the
 * index of a repository (or of a plain directory).
 */
import { execFile, execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const EKA = join(ROOT, "bin/eka");

export interface EkaRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function runEka(
  cwd: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<EkaRun> {
  return new Promise((done) => {
    execFile(
      EKA,
      [...args],
      {
        cwd,
        env: {
          ...process.env,
          NO_COLOR: "1",
          GIT_AUTHOR_NAME: "Test Author",
          GIT_AUTHOR_EMAIL: "author@example.com",
          GIT_COMMITTER_NAME: "Test Committer",
          GIT_COMMITTER_EMAIL: "committer@example.com",
          ...env,
        },
        encoding: "utf8",
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
        done({ code, stdout, stderr });
      },
    );
  });
}

/** Runs eka with --json and returns the parsed envelope plus the exit code. */
/** The `--json` envelope; `data` and `error` stay loosely typed: assertions check them. */
export interface EkaJson {
  readonly ok: boolean;
  // biome-ignore lint/suspicious/noExplicitAny: parsed CLI output, checked by each test's assertions
  readonly data?: any;
  // biome-ignore lint/suspicious/noExplicitAny: as above
  readonly error?: any;
  readonly warnings: readonly { code: string; message: string }[];
}

export async function runEkaJson(
  cwd: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{
  code: number;
  json: EkaJson;
  stderr: string;
}> {
  const run = await runEka(cwd, [...args, "--json"], env);
  let json: EkaJson;
  try {
    json = JSON.parse(run.stdout);
  } catch {
    throw new Error(`eka --json printed no JSON (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  }
  return { code: run.code, json, stderr: run.stderr };
}

function listFiles(dir: string, base: string, out: Map<string, string>): void {
  for (const name of readdirSync(dir).sort()) {
    if (name === ".git") continue;
    const full = join(dir, name);
    const rel = relative(base, full);
    const st = lstatSync(full);
    if (st.isSymbolicLink()) out.set(rel, `link:${readlinkSync(full)}`);
    else if (st.isDirectory()) {
      out.set(`${rel}/`, "dir");
      listFiles(full, base, out);
    } else {
      out.set(
        rel,
        `${st.mode & 0o777}:${createHash("sha256").update(readFileSync(full)).digest("hex")}`,
      );
    }
  }
}

const gitOut = (cwd: string, args: string[]) => {
  try {
    return execFileSync("git", args, {
      cwd,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
  } catch {
    return "<error>";
  }
};

/** Everything a command could change in `dir`: files, refs, HEAD, index, config. */
export function snapshot(dir: string): Record<string, unknown> {
  const files = new Map<string, string>();
  const bare = !existsSync(join(dir, ".git")) && existsSync(join(dir, "HEAD"));
  // A bare repository's state is its refs; its object store may gain unreferenced objects.
  if (existsSync(dir) && !bare) listFiles(dir, dir, files);
  const isRepo = bare || existsSync(join(dir, ".git"));
  return {
    files: Object.fromEntries(files),
    ...(isRepo
      ? {
          refs: gitOut(dir, ["for-each-ref", "--format=%(refname) %(objectname)"]),
          head:
            gitOut(dir, ["symbolic-ref", "-q", "HEAD"]) +
            gitOut(dir, ["rev-parse", "-q", "--verify", "HEAD"]),
          index: gitOut(dir, ["ls-files", "-s"]),
          config: gitOut(dir, ["config", "--local", "--list"]),
        }
      : {}),
  };
}
