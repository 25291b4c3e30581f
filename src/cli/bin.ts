/** Process entry point (bin/eka runs this file): wires main() to the real process. */
import { main } from "./main.ts";
import type { Sink } from "./render.ts";

const sink: Sink = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
});
const code = await main(process.argv.slice(2), {
  sink,
  env: process.env,
  cwd: process.cwd(),
  stdoutIsTTY: process.stdout.isTTY === true,
  stderrIsTTY: process.stderr.isTTY === true,
});
process.exitCode = code;
