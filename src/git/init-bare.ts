/**
 * Creating a bare repository (eka's cache repository, shared by evaluation, `eka fetch` and
 * `eka verify`) when it does not exist yet: `git init --bare` in a private directory next to it,
 * then one rename, so processes starting together never see (or make) half a repository; the one
 * that loses the rename drops its copy and uses the winner's. Nothing is run once it exists.
 */
import { mkdir, mkdtemp, rename, rm, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { EkaError } from "../core/errors.ts";
import { GitRunner, summarizeStderr } from "./git-runner.ts";

export interface InitBareOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly git?: string;
  /** `sha1` (default) or `sha256`. */
  readonly objectFormat?: "sha1" | "sha256";
}

const HINT = "check the permissions of eka's cache directory (EKA_CACHE_DIR, XDG_CACHE_HOME)";

async function isRepository(dir: string): Promise<boolean> {
  return (await stat(join(dir, "HEAD")).catch(() => null)) !== null;
}

/** Makes `dir` a bare repository unless it already is one; returns its absolute path. */
export async function ensureBareRepository(
  dir: string,
  options: InitBareOptions = {},
): Promise<string> {
  const path = resolve(dir);
  if (await isRepository(path)) return path;
  let staging: string;
  try {
    await mkdir(dirname(path), { recursive: true });
    staging = await mkdtemp(`${path}.new-`);
  } catch (error) {
    throw new EkaError("EKA_IO", `cannot create ${path}: ${String(error)}`, {
      where: path,
      cause: error,
      hint: HINT,
    });
  }
  try {
    const runner = new GitRunner({
      cwd: staging,
      ...(options.git === undefined ? {} : { git: options.git }),
      ...(options.env === undefined ? {} : { env: options.env }),
    });
    // No template: hooks and sample files have no place in a cache.
    const args = ["init", "--quiet", "--bare", "--template="];
    if (options.objectFormat !== undefined) args.push(`--object-format=${options.objectFormat}`);
    const result = await runner.run([...args, "--", staging]);
    if (result.code !== 0) {
      throw new EkaError(
        "EKA_IO",
        `cannot create the repository ${path}: ${summarizeStderr(result.stderr)}`,
        { where: path, hint: HINT },
      );
    }
    await rename(staging, path).catch(async (error: unknown) => {
      // Another process made it first (a rename onto a non-empty directory fails): use theirs.
      if (!(await isRepository(path))) {
        throw new EkaError("EKA_IO", `cannot create ${path}: ${String(error)}`, {
          where: path,
          cause: error,
          hint: HINT,
        });
      }
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return path;
}
