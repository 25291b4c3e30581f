/**
 * Process entry point (bin/eka runs this file): wires main() to the real process.
 *
 * Start-up time matters (a no-op `eka resolve` should cost little more than `node -e 0`): Node's
 * compile cache keeps the type-stripped, compiled modules between runs, and a no-op resolve is
 * answered by `fast-resolve.ts` before `main` and every command are loaded.
 */
import { enableCompileCache } from "node:module";
import type { Sink } from "./render.ts";

enableCompileCache?.();

const sink: Sink = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
});
const argv = process.argv.slice(2);
const fast =
  argv[0] === "resolve"
    ? (await import("./fast-resolve.ts")).fastResolve(argv, process.cwd(), sink)
    : null;
if (fast !== null) process.exitCode = fast;
else {
  const { main } = await import("./main.ts");
  process.exitCode = await main(argv, {
    sink,
    env: process.env,
    cwd: process.cwd(),
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
  });
}
