/**
 * A command that has answered ends the process (src/cli/bin.ts): work nobody waits for any more
 * does not hold eka until the listing limit (60 s), and no process it started outlives it. The
 * case: `eka outdated` and `eka resolve` over two sets, one whose only mirror is a real repository that serves no
 * set (an error), the other's mirror a loopback server that accepts and never answers — listed
 * over eka's own git:// client (a socket), or over http:// through `git ls-remote` (a git and its
 * git-remote-http waiting on the server). The failing mirror is held back (a `git` on PATH that
 * waits before its upload-pack) until the silent server has a connection, so the hanging listing
 * is always under way when the error is known. Leftover processes are found by a mark in their
 * environment (/proc). Also: what eka writes reaches a pipe that is read late, whole.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmodSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Socket } from "node:net";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { exitCodeFor } from "../../src/core/index.ts";
import { EKA, runEka } from "../helpers/eka.ts";
import { tempDir, tempRepo } from "../helpers/git.ts";
import { consumer } from "./resolve-fixtures.ts";

/** The listing limit (MIRROR_TIMEOUT_MS) is 60 s; a run that waited for it ends past this. */
const FAR_BELOW_LIMIT_MS = 20_000;

/** A loopback server that accepts connections and never answers; cut when the test ends. */
async function silentServer(t: TestContext, onConnection: () => void) {
  const open = new Set<Socket>();
  let accepted = 0;
  const server = createServer((socket) => {
    accepted++;
    open.add(socket);
    socket.on("close", () => open.delete(socket));
    socket.on("error", () => {});
    socket.resume(); // read and drop what comes, so that the client's end is seen
    onConnection();
  });
  const port = await new Promise<number>((resolve) => {
    server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port));
  });
  t.after(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  );
  return { port, accepted: () => accepted, open: () => open.size };
}

/** A `git` on PATH that, for an upload-pack, waits until `gate` exists, then runs the real git. */
async function gatedGit(t: TestContext, gate: string): Promise<NodeJS.ProcessEnv> {
  const bin = await tempDir(t, "eka-gated-git-");
  const real = execFileSync("sh", ["-c", "command -v git"], { encoding: "utf8" }).trim();
  writeFileSync(
    join(bin, "git"),
    [
      "#!/bin/sh",
      'case " $* " in *" upload-pack "*)',
      `  while [ ! -e '${gate}' ]; do sleep 0.05; done ;;`,
      "esac",
      `exec '${real}' "$@"`,
      "",
    ].join("\n"),
  );
  chmodSync(join(bin, "git"), 0o755);
  return { PATH: `${bin}:${process.env["PATH"] ?? ""}` };
}

/** Running processes whose environment holds `mark` (pid and command line). */
function marked(mark: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // A zombie's environment reads empty: only living processes match.
      if (!readFileSync(`/proc/${entry}/environ`, "latin1").includes(mark)) continue;
      const command = readFileSync(`/proc/${entry}/cmdline`, "latin1").replaceAll("\0", " ");
      found.push(`${entry}: ${command.trim()}`);
    } catch {
      // gone meanwhile, or not ours
    }
  }
  return found;
}

/** Polls `check` until it holds or `ms` have passed; returns whether it held. */
async function eventually(check: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  for (;;) {
    if (check()) return true;
    if (Date.now() > until) return false;
    await sleep(50);
  }
}

const CASES = ["outdated", "resolve"].flatMap((command) =>
  (["git://, eka's own client", "http://, through git ls-remote"] as const).map((via) => ({
    command,
    via,
  })),
);

for (const { command, via } of CASES) {
  test(`eka ${command} fails with its error while another mirror's listing hangs (${via}); no process it started is left`, {
    timeout: 120_000,
  }, async (t) => {
    const scratch = await tempDir(t, "eka-exit-");
    const gate = join(scratch, "listing-under-way");
    const silent = await silentServer(t, () => writeFileSync(gate, ""));
    const notASet = await tempRepo(t, { bare: true });
    const hanging = via.startsWith("git")
      ? `git://127.0.0.1:${silent.port}/atoms.git`
      : `http://127.0.0.1:${silent.port}/atoms.git`;
    const app = await consumer(
      t,
      [
        "",
        "[package.sets]",
        `broken = ["file://${notASet}"]`,
        `silent = ["${hanging}"]`,
        "",
        "[deps.from.broken]",
        'auth = "^1"',
        "",
        "[deps.from.silent]",
        'log = "^1"',
        "",
      ].join("\n"),
    );
    const mark = `eka-exit-on-finish-${process.pid}-${Date.now()}`;
    const env = {
      ...(await gatedGit(t, gate)),
      EKA_TEST_MARK: mark,
      // An http setting eka's own client leaves to git: the listing goes through git ls-remote.
      ...(via.startsWith("http") ? { GIT_HTTP_USER_AGENT: "eka-exit-test" } : {}),
    };

    const started = Date.now();
    const run = await runEka(app, [command], env);
    const elapsed = Date.now() - started;

    assert.equal(run.code, exitCodeFor("EKA_REMOTE_UNREACHABLE"), run.stderr);
    assert.match(run.stderr, /error\[EKA_REMOTE_UNREACHABLE\]: no mirror of set broken answered/);
    assert.ok(run.stderr.includes(`${notASet}`) && /serves no set/.test(run.stderr), run.stderr);
    assert.equal(silent.accepted(), 1, "the silent mirror's listing was under way");
    assert.ok(
      elapsed < FAR_BELOW_LIMIT_MS,
      `eka ended ${elapsed} ms after it started: it waited for the listing limit`,
    );
    // Nothing of eka's is left: no process, and no connection to the silent server.
    assert.ok(
      await eventually(() => marked(mark).length === 0, 5_000),
      `left running: ${marked(mark).join("; ")}`,
    );
    assert.ok(await eventually(() => silent.open() === 0, 5_000), "a connection is still open");
  });
}

/**
 * Runs eka with `args`, stdout and stderr into one pipe (a kernel pipe: it holds 64 KiB) that is
 * read only from `lateMs` on, so a longer answer waits in eka until then. As when eka shares its
 * output with a parent that uses it too, the pipe is non-blocking (the parent, a Node process,
 * sets it up as its own stdout once eka has started): eka's writes to stdout then wait in a
 * stream as well. Returns eka's exit code and all that came through the pipe.
 */
function readLate(dir: string, args: readonly string[], lateMs: number) {
  const codeFile = join(dir, "code");
  const launcher = [
    'const child = require("node:child_process").spawn(process.argv[1], process.argv.slice(2), { stdio: "inherit" });',
    "process.stdout;",
    `child.on("exit", (code) => require("node:fs").writeFileSync(${JSON.stringify(codeFile)}, String(code)));`,
  ].join("\n");
  const output = execFileSync(
    "sh",
    [
      "-c",
      `{ "$0" -e '${launcher}' "$@" 2>&1; } | { sleep ${lateMs / 1000}; cat; }`,
      process.execPath,
      EKA,
      ...args,
    ],
    { cwd: dir, env: { ...process.env, NO_COLOR: "1" }, encoding: "utf8", maxBuffer: 1 << 24 },
  );
  return { code: Number(readFileSync(codeFile, "utf8")), output };
}

test("what eka writes reaches a pipe read late, whole, before it exits (stdout and stderr)", async (t) => {
  const dir = await tempDir(t, "eka-exit-pipe-");
  // An unknown command named by 120,000 characters: its error is more than the pipe holds.
  const name = `x${"y".repeat(120_000)}z`;
  // The error on stderr.
  const plain = readLate(dir, [name], 500);
  assert.equal(plain.code, exitCodeFor("EKA_USAGE"));
  assert.ok(
    plain.output.startsWith("error[EKA_USAGE]: unknown command `x"),
    plain.output.slice(0, 80),
  );
  assert.ok(plain.output.includes(`\`${name}\``), `stderr cut short: ${plain.output.length} bytes`);
  assert.match(plain.output, /hint: run `eka --help` for the commands\n$/);
  // The --json envelope on stdout.
  const json = readLate(dir, ["--json", name], 500);
  assert.equal(json.code, exitCodeFor("EKA_USAGE"));
  const envelope = JSON.parse(json.output);
  assert.equal(envelope.error.code, "EKA_USAGE");
  assert.ok(envelope.error.message.includes(`\`${name}\``));
});
