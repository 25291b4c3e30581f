/**
 * Process entry point (bin/eka runs this file): wires main() to the real process.
 *
 * Start-up time matters (a no-op `eka resolve` should cost little more than `node -e 0`): Node's
 * compile cache keeps the type-stripped, compiled modules between runs; a no-op resolve is
 * answered by `fast-resolve.ts` before anything else is loaded; `eka <command>` loads that
 * command's module only (`LEAN`), and `eka --version` none. Every command module loads its
 * library inside `run`, so `--help` loads no library module, and stdout is written without
 * setting up a stream (test/e2e/cli-startup.test.ts names the files each of these loads).
 */
import type { Command } from "./command.ts";
import type { Sink } from "./render.ts";

// Taken from the process rather than imported: an ESM import of node:fs builds a module facade
// over all of fs's exports first (~2 ms), which `--version` and `--help` otherwise never need.
const { writeSync } = process.getBuiltinModule("node:fs");
const { enableCompileCache } = process.getBuiltinModule("node:module");

enableCompileCache?.();

/** stdout as a stream, once a write could not go straight to the descriptor (then kept, in order). */
let stdoutStream: NodeJS.WriteStream | undefined;

function streamOut(): NodeJS.WriteStream {
  if (stdoutStream === undefined) {
    stdoutStream = process.stdout;
    stdoutStream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE") process.exit(0);
    });
  }
  return stdoutStream;
}

/**
 * Writes to file descriptor 1 directly: `process.stdout` costs a stream (and for a pipe a
 * socket) set up before the first byte, which most runs print once. A descriptor that would
 * block (EAGAIN: non-blocking, shared with a parent) gets the rest through the stream; a reader
 * gone (EPIPE) ends eka quietly, as before.
 */
function writeOut(text: string): void {
  if (stdoutStream !== undefined) {
    stdoutStream.write(text);
    return;
  }
  const bytes = Buffer.from(text, "utf8");
  let at = 0;
  try {
    while (at < bytes.length) at += writeSync(1, bytes, at);
    return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EPIPE") process.exit(0);
    if (code !== "EAGAIN") throw error;
  }
  streamOut().write(bytes.subarray(at));
}

const sink: Sink = {
  out: writeOut,
  err: (text) => process.stderr.write(text),
};
/**
 * Every command by name: `eka <name>` loads only its module (and what it uses); `main.ts`,
 * with every command, answers the rest (`eka --help`, `eka help <name>`, an unknown name).
 * test/e2e/cli-startup.test.ts checks that each of `main.ts`'s commands is here.
 */
const LEAN: Readonly<Record<string, () => Promise<Command<unknown>>>> = {
  init: async () => (await import("./commands/init.ts")).initCommand,
  new: async () => (await import("./commands/new.ts")).newCommand,
  status: async () => (await import("./commands/status.ts")).statusCommand,
  publish: async () => (await import("./commands/publish.ts")).publishCommand,
  list: async () => (await import("./commands/list.ts")).listCommand,
  add: async () => (await import("./commands/add.ts")).addCommand,
  resolve: async () => (await import("./commands/resolve.ts")).resolveCommand,
  update: async () => (await import("./commands/update.ts")).updateCommand,
  remove: async () => (await import("./commands/remove.ts")).removeCommand,
  tree: async () => (await import("./commands/tree.ts")).treeCommand,
  outdated: async () => (await import("./commands/outdated.ts")).outdatedCommand,
  config: async () => (await import("./commands/config.ts")).configCommand,
  eval: async () => (await import("./commands/eval.ts")).evalCommand,
  build: async () => (await import("./commands/build.ts")).buildCommand,
  fetch: async () => (await import("./commands/fetch.ts")).fetchCommand,
  verify: async () => (await import("./commands/verify.ts")).verifyCommand,
  cache: async () => (await import("./commands/cache.ts")).cacheCommand,
};

/** `eka --version` (`-V`, with `--json` or not): answered without the command table. */
function isVersionOnly(args: readonly string[]): boolean {
  return (
    args.some((a) => a === "--version" || a === "-V") &&
    args.every((a) => a === "--version" || a === "-V" || a === "--json")
  );
}

/** The command named after the global flags (`eka -C dir --json resolve`), as run-main reads it. */
function commandName(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "-C") i++;
    else if (!["-h", "--help", "-V", "--version", "--json"].includes(a)) return a;
  }
  return undefined;
}

const argv = process.argv.slice(2);
const fast =
  argv[0] === "resolve"
    ? (await import("./fast-resolve.ts")).fastResolve(argv, process.cwd(), sink)
    : null;
if (fast !== null) process.exitCode = fast;
else {
  const io = {
    sink,
    env: process.env,
    cwd: process.cwd(),
    // Asked only when needed (each creates its stream).
    get stdoutIsTTY() {
      return streamOut().isTTY === true;
    },
    get stderrIsTTY() {
      return process.stderr.isTTY === true;
    },
  };
  const name = commandName(argv);
  const lean = name !== undefined && Object.hasOwn(LEAN, name) ? LEAN[name] : undefined;
  if (isVersionOnly(argv)) {
    const { runMain } = await import("./run-main.ts");
    process.exitCode = await runMain(argv, io, []);
  } else if (lean !== undefined) {
    const [{ runMain }, command] = await Promise.all([import("./run-main.ts"), lean()]);
    process.exitCode = await runMain(argv, io, [command as Command<never>]);
  } else {
    const { main } = await import("./main.ts");
    process.exitCode = await main(argv, io);
  }
}
