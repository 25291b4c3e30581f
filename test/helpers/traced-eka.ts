/**
 * Runs the real CLI with a module hook (NODE_OPTIONS --import) that logs every module the run
 * loads, so a test can say which code answered: files are counted and named, never timed.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { type EkaRun, ROOT, runEka } from "./eka.ts";

export interface TracedRun extends EkaRun {
  /** Every module loaded, in order: files relative to the repository root, builtins as URLs. */
  readonly modules: readonly string[];
}

/** Runs eka in `cwd`; `scratch` (a temporary directory) holds the hook and its log. */
export async function runEkaTraced(
  scratch: string,
  cwd: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<TracedRun> {
  const log = join(scratch, "modules.log");
  const hook = join(scratch, "hook.mjs");
  writeFileSync(
    hook,
    [
      'import { registerHooks } from "node:module";',
      'import { appendFileSync } from "node:fs";',
      "registerHooks({ load(url, context, next) {",
      `  appendFileSync(${JSON.stringify(log)}, url + "\\n");`,
      "  return next(url, context);",
      "} });",
      "",
    ].join("\n"),
  );
  const run = await runEka(cwd, args, { NODE_OPTIONS: `--import=${hook}`, ...env });
  const modules = existsSync(log)
    ? readFileSync(log, "utf8")
        .split("\n")
        .filter((line) => line !== "")
        .map((url) => (url.startsWith("file:") ? relative(ROOT, fileURLToPath(url)) : url))
    : [];
  return { ...run, modules };
}

/** eka's own source files among `modules` (no builtins, nothing outside the repository). */
export function ownFiles(modules: readonly string[]): string[] {
  return modules.filter((m) => !m.startsWith("..") && !m.startsWith("/") && !/^[a-z]+:/.test(m));
}
