/**
 * Reading the configuration a ref listing needs (remote-config.ts): one `git config` process.
 * A lister reads it on its first `resolve`; a command sure to list can start the read earlier
 * (`startRemoteConfig`) and hand it to the lister (`openMirrorLister`'s `remoteConfig`), so
 * that git runs while the command loads.
 */
import { resolve } from "node:path";
import { GitRunner, gitFailed } from "../git-runner.ts";
import {
  EMPTY_REMOTE_CONFIG,
  parseRemoteConfig,
  REMOTE_CONFIG_PATTERN,
  type RemoteConfig,
} from "./remote-config.ts";

/** The read, with the runner given (its directory and environment decide what git reads). */
export async function readRemoteConfig(runner: GitRunner): Promise<RemoteConfig> {
  // Exit 1: no key matched. Outside a repository, only the user's and system's files count.
  const result = await runner.run(["config", "-z", "--get-regexp", REMOTE_CONFIG_PATTERN]);
  if (result.code === 1 && result.stdout.length === 0) return EMPTY_REMOTE_CONFIG;
  if (result.code !== 0) throw gitFailed(["config", "--get-regexp"], result);
  return parseRemoteConfig(result.stdout.toString("utf8"));
}

/** A started read of what a lister opened in `dir` with the process's environment would read. */
export interface StartedRemoteConfig {
  /** `dir`, resolved. */
  readonly dir: string;
  readonly config: Promise<RemoteConfig>;
}

/** Starts the read now (the process's environment, git from PATH); a failure is the lister's. */
export function startRemoteConfig(dir: string): StartedRemoteConfig {
  const cwd = resolve(dir);
  const config = readRemoteConfig(new GitRunner({ cwd, env: process.env }));
  config.catch(() => {});
  return { dir: cwd, config };
}
