/**
 * Creating a bare repository (eka's cache repository) when it does not exist yet. One
 * `git init --bare` the first time; nothing afterwards. Safe when two eka processes race to
 * create it: `git init` on an existing repository only reinitialises it.
 */
import { mkdir, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { EkaError } from "../core/errors.ts";
import { GitRunner, gitFailed } from "./git-runner.ts";

export interface InitBareOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly git?: string;
  /** `sha1` (default) or `sha256`. */
  readonly objectFormat?: "sha1" | "sha256";
}

/** Makes `dir` a bare repository unless it already is one; returns its absolute path. */
export async function ensureBareRepository(
  dir: string,
  options: InitBareOptions = {},
): Promise<string> {
  const path = resolve(dir);
  if ((await stat(join(path, "HEAD")).catch(() => null)) !== null) return path;
  try {
    await mkdir(path, { recursive: true });
  } catch (error) {
    throw new EkaError("EKA_IO", `cannot create ${path}: ${String(error)}`, {
      where: path,
      cause: error,
      hint: "check the permissions of eka's cache directory (EKA_CACHE_DIR, XDG_CACHE_HOME)",
    });
  }
  const runner = new GitRunner({
    cwd: path,
    ...(options.git === undefined ? {} : { git: options.git }),
    ...(options.env === undefined ? {} : { env: options.env }),
  });
  const args = ["init", "--quiet", "--bare"];
  if (options.objectFormat !== undefined) args.push(`--object-format=${options.objectFormat}`);
  const result = await runner.run([...args, "--", path]);
  if (result.code !== 0) throw gitFailed(["init", "--bare"], result, { where: path });
  return path;
}
