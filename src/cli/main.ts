/**
 * eka's command-line entry point: global flags, dispatch to a command, output and exit code.
 * Commands are thin (see command.ts); all behaviour lives in the library.
 */
import type { Command } from "./command.ts";
import { addCommand } from "./commands/add.ts";
import { buildCommand } from "./commands/build.ts";
import { cacheCommand } from "./commands/cache.ts";
import { configCommand } from "./commands/config.ts";
import { evalCommand } from "./commands/eval.ts";
import { fetchCommand } from "./commands/fetch.ts";
import { initCommand } from "./commands/init.ts";
import { listCommand } from "./commands/list.ts";
import { newCommand } from "./commands/new.ts";
import { outdatedCommand } from "./commands/outdated.ts";
import { publishCommand } from "./commands/publish.ts";
import { removeCommand } from "./commands/remove.ts";
import { resolveCommand } from "./commands/resolve.ts";
import { statusCommand } from "./commands/status.ts";
import { treeCommand } from "./commands/tree.ts";
import { updateCommand } from "./commands/update.ts";
import { verifyCommand } from "./commands/verify.ts";
import { type MainIo, runMain } from "./run-main.ts";

export const COMMANDS: readonly Command<never>[] = [
  initCommand,
  newCommand,
  statusCommand,
  publishCommand,
  listCommand,
  addCommand,
  resolveCommand,
  updateCommand,
  removeCommand,
  treeCommand,
  outdatedCommand,
  configCommand,
  evalCommand,
  buildCommand,
  fetchCommand,
  verifyCommand,
  cacheCommand,
] as unknown as readonly Command<never>[];

export type { MainIo } from "./run-main.ts";

/** Runs eka with every command. */
export function main(argv: readonly string[], io: MainIo): Promise<number> {
  return runMain(argv, io, COMMANDS);
}
