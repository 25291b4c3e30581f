/**
 * Process entry point (bin/eka runs this file): wires main() to the real process.
 *
 * Start-up time matters (a no-op `eka resolve` should cost little more than `node -e 0`): Node's
 * compile cache keeps the type-stripped, compiled modules between runs; a no-op resolve is
 * answered by `fast-resolve.ts` before anything else is loaded; `eka <command>` loads that
 * command's module only (`LEAN`), and `eka --version` none. Every command module loads its
 * library inside `run`, so `--help` loads no library module, and stdout is written without
 * setting up a stream (test/e2e/cli-startup.test.ts names the files each of these loads).
 *
 * A command that has answered ends the process (`finish`): once its exit code is known and what
 * it wrote has reached stdout and stderr, eka exits with that code. Work nobody waits for any
 * more cannot keep it alive: a mirror's listing still pending after another failed (a server
 * that accepts and never answers holds a socket or a git process up to the listing limit), a
 * speculative listing, a process's pipes. The processes eka started that are still running, and
 * theirs, are asked to end (SIGTERM) first, so none outlives it waiting on the network. Only the
 * process entry does this: `main()` called in-process (tests, other users of the library)
 * returns as before.
 */
import type { Command } from "./command.ts";
import type { Sink } from "./render.ts";

// Taken from the process rather than imported: an ESM import of node:fs builds a module facade
// over all of fs's exports first (~2 ms), which `--version` and `--help` otherwise never need.
const { readdirSync, readFileSync, writeSync } = process.getBuiltinModule("node:fs");
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

/** `process.stderr`, once something asked for it (creating it costs a stream). */
let stderrStream: NodeJS.WriteStream | undefined;

function streamErr(): NodeJS.WriteStream {
  stderrStream ??= process.stderr;
  return stderrStream;
}

const sink: Sink = {
  out: writeOut,
  err: (text) => streamErr().write(text),
};

/** Resolves once everything written to `stream` so far has been handed to the system. */
function drained(stream: NodeJS.WriteStream): Promise<void> {
  // Writes complete in order: an empty one's callback comes after every earlier write's.
  return new Promise((done) => {
    stream.write("", () => done());
  });
}

/** The processes `pid` started, as Linux lists them (/proc; each thread keeps its own list). */
function listedChildren(pid: number): number[] {
  const out: number[] = [];
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    const listed = readFileSync(`/proc/${pid}/task/${task}/children`, "utf8");
    for (const child of listed.split(" ")) if (child !== "") out.push(Number(child));
  }
  return out;
}

/** Every process's children, from each one's parent (/proc/<pid>/stat: a kernel without lists). */
function scannedChildren(): Map<number, number[]> {
  const byParent = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // `pid (name) state ppid …`: the name may hold spaces and parentheses.
      const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      byParent.set(parent, [...(byParent.get(parent) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  return byParent;
}

/** Every process below this one, parents before their children; none where there is no /proc. */
function descendants(): number[] {
  let scanned: Map<number, number[]> | undefined;
  const childrenOf = (pid: number): number[] => {
    if (scanned !== undefined) return scanned.get(pid) ?? [];
    try {
      return listedChildren(pid);
    } catch {
      if (pid !== process.pid) return []; // gone meanwhile
    }
    try {
      scanned = scannedChildren();
    } catch {
      scanned = new Map(); // no /proc
    }
    return scanned.get(pid) ?? [];
  };
  const found: number[] = [];
  for (let level = childrenOf(process.pid); level.length > 0; level = level.flatMap(childrenOf)) {
    found.push(...level);
  }
  return found;
}

/**
 * Asks every process eka started, and every process they started, to end (SIGTERM: git removes
 * its lock files). A local git would end by itself once eka is gone (its stdin reaches EOF, its
 * next write fails), but one waiting on the network (git ls-remote and its git-remote-http, ssh)
 * waits as long as the server stays silent. All are found before any is signalled: one that
 * ends hands its own children to init. Only when a child is still running (a process handle is
 * active), and only where /proc tells (Linux); elsewhere such a process ends with its connection.
 */
function endChildren(): void {
  if (!process.getActiveResourcesInfo().includes("ProcessWrap")) return;
  for (const pid of descendants()) {
    try {
      process.kill(pid, "SIGTERM");
    } catch {
      // gone already
    }
  }
}

/**
 * Ends the process with `code` (never returns) once stdout and stderr have taken everything
 * written to them: stderr is the one `process.stderr`, whoever wrote to it.
 */
async function finish(code: number): Promise<never> {
  const streams = [stdoutStream, stderrStream].filter((s) => s !== undefined);
  await Promise.all(streams.map(drained));
  endChildren();
  process.exit(code);
}
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
if (fast !== null) await finish(fast);
const io = {
  sink,
  env: process.env,
  cwd: process.cwd(),
  // Asked only when needed (each creates its stream).
  get stdoutIsTTY() {
    return streamOut().isTTY === true;
  },
  get stderrIsTTY() {
    return streamErr().isTTY === true;
  },
};
const name = commandName(argv);
const lean = name !== undefined && Object.hasOwn(LEAN, name) ? LEAN[name] : undefined;
if (isVersionOnly(argv)) {
  const { runMain } = await import("./run-main.ts");
  await finish(await runMain(argv, io, []));
} else if (lean !== undefined) {
  const [{ runMain }, command] = await Promise.all([import("./run-main.ts"), lean()]);
  await finish(await runMain(argv, io, [command as Command<never>]));
} else {
  const { main } = await import("./main.ts");
  await finish(await main(argv, io));
}
