/**
 * The protocol-v2 ls-refs client against real git servers: `git upload-pack` (local path and
 * file://), a loopback `git daemon` (git://), a loopback `git http-backend` (http://) and ssh (a
 * fake ssh that runs upload-pack locally). It returns what `git ls-remote` returns for the same
 * prefixes, and the server sends only the refs under them (its GIT_TRACE_PACKET shows it).
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import { createServer, type Server, type Socket } from "node:net";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import { type EkaError, isEkaError } from "../../src/core/index.ts";
import {
  type ListingEvent,
  type MirrorRef,
  openMirrorLister,
  parseLsRemote,
} from "../../src/git/index.ts";
import { gitTestEnv, tempDir, tempRepo } from "../helpers/git.ts";
import { startGitDaemon } from "../helpers/git-daemon.ts";
import { startGitHttpBackend } from "../helpers/git-http-backend.ts";
import { startHttpServer } from "../helpers/http-server.ts";

function git(cwd: string, args: readonly string[], input?: string): string {
  const result = spawnSync("git", args, { cwd, env: gitTestEnv, encoding: "utf8", input });
  assert.equal(result.status, 0, `git ${args.join(" ")}: ${result.stderr}`);
  return result.stdout;
}

const PREFIXES = ["refs/ekala/init", "refs/ekala/atoms/lib/", "refs/ekala/content/lib/"];
const NOISE = 300;

/**
 * A bare repository with what a set's listing needs (init, atoms and content of `lib`, one atom
 * ref an annotated tag) and many refs outside the prefixes: branches, tags, another label whose
 * name starts like `lib`, and a ref whose tail looks like a wanted one.
 */
async function fixture(t: TestContext): Promise<string> {
  const dir = await tempRepo(t, { bare: true });
  const tree = git(dir, ["mktree"], "").trim();
  const commit = (message: string) => git(dir, ["commit-tree", tree, "-m", message]).trim();
  const init = commit("init");
  const updates = [`create refs/ekala/init ${init}`, `create refs/heads/main ${init}`];
  for (let i = 0; i < 5; i++) {
    const c = commit(`lib 0.${i}.0`);
    updates.push(`create refs/ekala/atoms/lib/0.${i}.0 ${c}`);
    updates.push(`create refs/ekala/content/lib/0.${i}.0/${"ab".repeat(32)} ${c}`);
  }
  for (let i = 0; i < NOISE; i++) {
    updates.push(`create refs/heads/noise-${i} ${init}`);
    updates.push(`create refs/ekala/atoms/library/0.0.${i} ${init}`);
  }
  updates.push(`create refs/noise/refs/ekala/init ${init}`);
  git(dir, ["update-ref", "--stdin"], `${updates.join("\n")}\n`);
  git(dir, ["tag", "-a", "-m", "an annotated tag", "noise-tag", init]);
  const tag = git(dir, ["rev-parse", "refs/tags/noise-tag"]).trim();
  git(dir, ["update-ref", "refs/ekala/atoms/lib/9.9.9", tag]);
  return dir;
}

/**
 * `git ls-remote <url> <prefix>*…`, kept to the refs starting with a prefix. Asynchronous: the
 * test's servers run in this process.
 */
async function lsRemote(
  url: string,
  prefixes: readonly string[],
  env = gitTestEnv,
): Promise<MirrorRef[]> {
  return parseLsRemote(await lsRemoteText(url, prefixes, env), prefixes, url);
}

/** What `git ls-remote [flags] <url> <prefix>*…` prints. */
async function lsRemoteText(
  url: string,
  prefixes: readonly string[],
  env = gitTestEnv,
  flags: readonly string[] = [],
): Promise<string> {
  const patterns = prefixes.map((p) => `${p}*`);
  const child = spawn("git", ["ls-remote", ...flags, url, ...patterns], { env });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString("utf8");
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const code = await new Promise((resolve) => child.on("close", resolve));
  assert.equal(code, 0, stderr);
  return stdout;
}

async function listWithEka(
  url: string,
  prefixes: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number; symrefs?: boolean } = {},
): Promise<{ refs: MirrorRef[]; events: ListingEvent[]; spawned: string[][] }> {
  const events: ListingEvent[] = [];
  const spawned: string[][] = [];
  const lister = await openMirrorLister(options.cwd ?? "/", {
    env: options.env ?? gitTestEnv,
    onListing: (event) => events.push(event),
    onSpawn: (args) => spawned.push([...args]),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
  const listOptions = options.symrefs === undefined ? {} : { symrefs: options.symrefs };
  const refs = await lister.list(await lister.resolve(url), prefixes, listOptions);
  return { refs, events, spawned };
}

/** The refs a packet trace shows the server (upload-pack) sending: `<oid> <ref>` lines. */
function sentRefs(trace: string): string[] {
  const refs: string[] = [];
  for (const line of trace.split("\n")) {
    const match = /upload-pack> ([0-9a-f]{40}) (\S+)/.exec(line);
    if (match !== null) refs.push(match[2]!);
  }
  return refs;
}

function assertOnlyPrefixed(trace: string, prefixes: readonly string[], expected: number): void {
  const sent = sentRefs(trace);
  assert.equal(sent.length, expected, `the server sent ${sent.length} refs`);
  for (const ref of sent) {
    assert.ok(
      prefixes.some((p) => ref.startsWith(p)),
      `the server sent ${ref}, outside the prefixes`,
    );
  }
  assert.doesNotMatch(trace, /noise-|library|refs\/noise\//);
}

test("file:// and a local path: what git ls-remote returns, one upload-pack, only prefixed refs sent", async (t) => {
  const repo = await fixture(t);
  const expected = await lsRemote(`file://${repo}`, PREFIXES);
  assert.equal(expected.length, 12); // init, 5 atoms, 5 contents, the annotated tag
  assert.ok(expected.some((r) => r.peeled !== null));
  const trace = join(await tempDir(t), "trace");
  for (const url of [`file://${repo}`, repo]) {
    const env = { ...gitTestEnv, GIT_TRACE_PACKET: trace };
    writeFileSync(trace, "");
    const { refs, events, spawned } = await listWithEka(url, PREFIXES, { env });
    assert.deepEqual(refs, expected, url);
    assert.deepEqual(
      events.map((e) => e.via),
      ["v2"],
    );
    // One git config (for the whole lister) and one upload-pack: no ls-remote, no git remote.
    assert.deepEqual(
      spawned.map((args) => args.find((a) => !a.startsWith("-"))),
      ["config", "upload-pack"],
    );
    assertOnlyPrefixed(readFileSync(trace, "utf8"), PREFIXES, expected.length);
  }
  // No prefix: every ref, HEAD included, as ls-remote lists them.
  const all = await listWithEka(`file://${repo}`, []);
  assert.deepEqual(all.refs, await lsRemote(`file://${repo}`, []));
  assert.ok(all.refs.length > 2 * NOISE);
});

/**
 * A bare repository whose HEAD points at `trunk`, a branch at the commit of `main` and `other`
 * too (the commit cannot tell them apart), and a symbolic branch `alias` pointing at `main`.
 */
async function symrefFixture(t: TestContext): Promise<string> {
  const dir = await tempRepo(t, { bare: true });
  const tree = git(dir, ["mktree"], "").trim();
  const commit = git(dir, ["commit-tree", tree, "-m", "init"]).trim();
  const updates = ["main", "other", "trunk"].map((b) => `create refs/heads/${b} ${commit}`);
  git(dir, ["update-ref", "--stdin"], `${updates.join("\n")}\n`);
  git(dir, ["symbolic-ref", "HEAD", "refs/heads/trunk"]);
  git(dir, ["symbolic-ref", "refs/heads/alias", "refs/heads/main"]);
  return dir;
}

const HEAD_PREFIXES = ["HEAD", "refs/heads/"];

test("symrefs: HEAD's target is what git ls-remote --symref says, over file://, git://, http:// and the ls-remote fallback", async (t) => {
  const repo = await symrefFixture(t);
  const base = join(repo, "..");
  const name = repo.slice(base.length + 1);
  const daemon = await startGitDaemon(t, base);
  const server = await startGitHttpBackend(t, base, { env: gitTestEnv });
  const config = join(await tempDir(t), "gitconfig");
  // http.proxy (for other hosts): git ls-remote lists; the v2 client does not.
  writeFileSync(config, "[http]\n\tproxy = http://127.0.0.1:1\n");
  const proxied = { ...gitTestEnv, GIT_CONFIG_GLOBAL: config, no_proxy: "127.0.0.1" };
  const cases: [string, string, NodeJS.ProcessEnv, ListingEvent["via"]][] = [
    ["file://", `file://${repo}`, gitTestEnv, "v2"],
    ["git://", daemon.url(name), gitTestEnv, "v2"],
    ["http://", server.url(name), gitTestEnv, "v2"],
    ["git ls-remote", server.url(name), proxied, "ls-remote"],
  ];
  for (const [what, url, env, via] of cases) {
    const text = await lsRemoteText(url, HEAD_PREFIXES, env, ["--symref"]);
    assert.match(text, /^ref: refs\/heads\/trunk\tHEAD$/m, `${what}: ${text}`);
    const { refs, events } = await listWithEka(url, HEAD_PREFIXES, { env, symrefs: true });
    assert.deepEqual(
      events.map((e) => e.via),
      [via],
      what,
    );
    assert.deepEqual(refs, parseLsRemote(text, HEAD_PREFIXES, url), what);
    const head = refs.find((r) => r.ref === "HEAD");
    assert.equal(head?.symref, "refs/heads/trunk", what);
    assert.deepEqual(
      refs.filter((r) => r.symref !== undefined).map((r) => [r.ref, r.symref]),
      [
        ["HEAD", "refs/heads/trunk"],
        ["refs/heads/alias", "refs/heads/main"],
      ],
      what,
    );

    // An ordinary listing asks for no symrefs and gets no symref keys.
    const plain = await listWithEka(url, HEAD_PREFIXES, { env });
    assert.deepEqual(plain.refs, await lsRemote(url, HEAD_PREFIXES, env), what);
    assert.ok(
      plain.refs.every((r) => !("symref" in r)),
      what,
    );
  }
});

test("a SHA-256 repository: the pipelined request is refused, the listing is made again with its object format", async (t) => {
  const repo = await tempRepo(t, { bare: true, objectFormat: "sha256" });
  const tree = git(repo, ["mktree"], "").trim();
  const commit = git(repo, ["commit-tree", tree, "-m", "init"]).trim();
  git(repo, ["update-ref", "refs/ekala/init", commit]);
  git(repo, ["update-ref", "refs/heads/main", commit]);
  const base = join(repo, "..");
  const daemon = await startGitDaemon(t, base);
  for (const url of [`file://${repo}`, daemon.url(repo.slice(base.length + 1))]) {
    const expected = await lsRemote(url, PREFIXES);
    assert.equal(expected.length, 1);
    assert.equal(expected[0]!.oid.length, 64);
    const { refs, events, spawned } = await listWithEka(url, PREFIXES);
    assert.deepEqual(refs, expected, url);
    assert.deepEqual(
      events.map((e) => e.via),
      ["v2"],
    );
    if (url.startsWith("file:")) {
      assert.deepEqual(
        spawned.map((args) => args.find((a) => !a.startsWith("-"))),
        ["config", "upload-pack", "upload-pack"],
      );
    }
  }
});

/**
 * Listens on a loopback port for this test; when it ends, open connections are cut and the
 * server closed. Returns the port.
 */
async function listenForTest(t: TestContext, server: Server | HttpServer): Promise<number> {
  const sockets = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  const port = await new Promise<number>((resolve) => {
    server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port));
  });
  t.after(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  return port;
}

/** A git:// server for one test: `git daemon --inetd` per connection, with `env`. */
async function inetdDaemon(t: TestContext, base: string, env: NodeJS.ProcessEnv) {
  const server = createServer((socket) => {
    const child = spawn(
      "git",
      ["daemon", "--inetd", "--export-all", "--informative-errors", `--base-path=${base}`, base],
      { env, stdio: ["pipe", "pipe", "ignore"] },
    );
    socket.pipe(child.stdin);
    child.stdout.pipe(socket);
    child.stdin.on("error", () => {});
    socket.on("error", () => child.kill());
  });
  return listenForTest(t, server);
}

test("git:// (git daemon): what git ls-remote returns, no process started, only prefixed refs sent", async (t) => {
  const repo = await fixture(t);
  const base = join(repo, "..");
  const name = repo.slice(base.length + 1);
  const daemon = await startGitDaemon(t, base);
  const url = daemon.url(name);
  const expected = await lsRemote(url, PREFIXES);
  const { refs, events, spawned } = await listWithEka(url, PREFIXES);
  assert.deepEqual(refs, expected);
  assert.deepEqual(
    events.map((e) => e.via),
    ["v2"],
  );
  assert.deepEqual(
    spawned.map((args) => args.find((a) => !a.startsWith("-"))),
    ["config"],
  );

  const trace = join(await tempDir(t), "trace");
  writeFileSync(trace, "");
  const port = await inetdDaemon(t, base, { ...gitTestEnv, GIT_TRACE_PACKET: trace });
  const traced = await listWithEka(`git://127.0.0.1:${port}/${name}`, PREFIXES);
  assert.deepEqual(traced.refs, expected);
  assertOnlyPrefixed(readFileSync(trace, "utf8"), PREFIXES, expected.length);

  const missing = await listWithEka(daemon.url("no-such-repo"), PREFIXES).then(
    () => null,
    (error: unknown) => error,
  );
  assert.ok(isEkaError(missing) && missing.code === "EKA_REMOTE_UNREACHABLE", String(missing));
  assert.match(missing.message, /no-such-repo/);
});

test("http:// (git http-backend): what git ls-remote returns, v2 over GET + POST, only prefixed refs sent", async (t) => {
  const repo = await fixture(t);
  const base = join(repo, "..");
  const name = repo.slice(base.length + 1);
  const trace = join(await tempDir(t), "trace");
  writeFileSync(trace, "");
  const server = await startGitHttpBackend(t, base, {
    env: { ...gitTestEnv, GIT_TRACE_PACKET: trace },
  });
  const url = server.url(name);
  const expected = await lsRemote(url, PREFIXES);
  writeFileSync(trace, "");
  server.requests.length = 0;
  const { refs, events, spawned } = await listWithEka(url, PREFIXES);
  await server.idle();
  assert.deepEqual(refs, expected);
  assert.deepEqual(
    events.map((e) => e.via),
    ["v2"],
  );
  assert.deepEqual(
    spawned.map((args) => args.find((a) => !a.startsWith("-"))),
    ["config"],
  );
  assert.deepEqual(
    server.requests.map((r) => [r.method, r.status, r.gitProtocol]),
    [
      ["GET", 200, "version=2"],
      ["POST", 200, "version=2"],
    ],
  );
  assertOnlyPrefixed(readFileSync(trace, "utf8"), PREFIXES, expected.length);
  // The reply's bytes: 12 ref lines of at most ~140 bytes, not the hundreds outside the prefixes.
  assert.ok(server.requests[1]!.bytes < 2000, `${server.requests[1]!.bytes} bytes`);

  const missing = await listWithEka(server.url("no-such-repo"), PREFIXES).then(
    () => null,
    (error: unknown) => error,
  );
  assert.ok(isEkaError(missing) && missing.code === "EKA_REMOTE_UNREACHABLE", String(missing));
  assert.equal((missing.data as { reason?: string }).reason, "not-found");
});

test("http(s) settings git honours and this client does not (http.proxy) go to git ls-remote", async (t) => {
  const repo = await fixture(t);
  const base = join(repo, "..");
  const server = await startGitHttpBackend(t, base, { env: gitTestEnv });
  const config = join(await tempDir(t), "gitconfig");
  // A proxy for other hosts only: git (curl) still connects to 127.0.0.1 directly.
  writeFileSync(config, "[http]\n\tproxy = http://127.0.0.1:1\n[http]\n\tsslVerify = true\n");
  const env = { ...gitTestEnv, GIT_CONFIG_GLOBAL: config, no_proxy: "127.0.0.1" };
  const url = server.url(repo.slice(base.length + 1));
  const { refs, events } = await listWithEka(url, PREFIXES, { env });
  assert.deepEqual(refs, await lsRemote(url, PREFIXES));
  assert.deepEqual(
    events.map((e) => [e.via, e.reason]),
    [["ls-remote", "http.proxy is set (git ls-remote honours it)"]],
  );
});

test("ssh: GIT_SSH_COMMAND or core.sshCommand runs with git's arguments, after insteadOf", async (t) => {
  const repo = await fixture(t);
  const dir = await tempDir(t);
  const log = join(dir, "ssh.log");
  const fakeSsh = join(dir, "fake-ssh");
  // Logs its arguments; answers git's `-G` probe as OpenSSH; runs the remote command locally.
  writeFileSync(
    fakeSsh,
    `#!/bin/sh\nprintf '%s\\n' "$@" >> '${log}'\necho "GIT_PROTOCOL=$GIT_PROTOCOL" >> '${log}'\necho --- >> '${log}'\n` +
      `[ "$1" = -G ] && exit 0\nfor last; do :; done\nexec sh -c "$last"\n`,
  );
  chmodSync(fakeSsh, 0o755);
  const config = join(dir, "gitconfig");
  writeFileSync(config, '[url "ssh://git@example.test:2222/"]\n\tinsteadOf = mirror:\n');
  const env = { ...gitTestEnv, GIT_CONFIG_GLOBAL: config, GIT_SSH_COMMAND: fakeSsh };
  const url = `mirror:${repo.slice(1)}`;
  const expected = await lsRemote(url, PREFIXES, env);
  writeFileSync(log, "");
  const { refs, events } = await listWithEka(url, PREFIXES, { env });
  assert.deepEqual(refs, expected);
  assert.deepEqual(
    events.map((e) => e.via),
    ["v2"],
  );
  const calls = readFileSync(log, "utf8")
    .split("---\n")
    .filter((c) => c !== "")
    .map((c) => c.trim().split("\n"));
  assert.deepEqual(calls, [
    [
      "-G",
      "-o",
      "SendEnv=GIT_PROTOCOL",
      "-p",
      "2222",
      "git@example.test",
      "GIT_PROTOCOL=version=2",
    ],
    [
      "-o",
      "SendEnv=GIT_PROTOCOL",
      "-p",
      "2222",
      "git@example.test",
      `git-upload-pack '${repo}'`,
      "GIT_PROTOCOL=version=2",
    ],
  ]);

  // core.sshCommand (no GIT_SSH_COMMAND), scp-like URL, variant from ssh.variant (no probe).
  writeFileSync(config, `[core]\n\tsshCommand = ${fakeSsh}\n[ssh]\n\tvariant = ssh\n`);
  const scpEnv = { ...gitTestEnv, GIT_CONFIG_GLOBAL: config };
  writeFileSync(log, "");
  const scp = await listWithEka(`someone@example.test:${repo}`, PREFIXES, { env: scpEnv });
  assert.deepEqual(scp.refs, expected);
  const scpCalls = readFileSync(log, "utf8")
    .split("---\n")
    .filter((c) => c !== "");
  assert.equal(scpCalls.length, 1);
  assert.deepEqual(scpCalls[0]!.trim().split("\n").slice(0, -1), [
    "-o",
    "SendEnv=GIT_PROTOCOL",
    "someone@example.test",
    `git-upload-pack '${repo}'`,
  ]);
});

test("a remote name resolves through the one git config read, insteadOf applied", async (t) => {
  const repo = await fixture(t);
  const project = await tempRepo(t);
  git(project, ["config", "url.file://.insteadOf", "local-mirror:"]);
  git(project, ["remote", "add", "upstream", `local-mirror:${repo}`]);
  const { refs, spawned } = await listWithEka("upstream", PREFIXES, { cwd: project });
  assert.deepEqual(refs, await lsRemote(`file://${repo}`, PREFIXES));
  assert.deepEqual(
    spawned.map((args) => args.find((a) => !a.startsWith("-"))),
    ["config", "upload-pack"],
  );
  const lister = await openMirrorLister(project, { env: gitTestEnv });
  const remote = await lister.resolve("upstream");
  assert.deepEqual(remote, { name: "upstream", url: `file://${repo}`, display: `file://${repo}` });
  await assert.rejects(lister.resolve("ext::sh -c true"), { code: "EKA_TRANSPORT_REFUSED" });
  git(project, ["config", "url.ext::sh -c true #.insteadOf", "evil:"]);
  const again = await openMirrorLister(project, { env: gitTestEnv });
  await assert.rejects(again.resolve("evil:x"), { code: "EKA_TRANSPORT_REFUSED" });
});

test("a server that accepts and never answers fails within the time limit, naming the URL", {
  timeout: 20_000,
}, async (t) => {
  const silent = createServer((socket) => {
    socket.on("error", () => {});
  });
  const port = await listenForTest(t, silent);
  const http = await startHttpServer(t);
  http.route("/repo/info/refs", { hang: "headers" });
  for (const url of [
    `git://127.0.0.1:${port}/repo`,
    `http://user:hunter2@${http.origin.slice(7)}/repo`,
  ]) {
    const error = await listWithEka(url, PREFIXES, { timeoutMs: 500 }).then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(isEkaError(error), String(error));
    assert.equal(error.code, "EKA_REMOTE_UNREACHABLE");
    assert.deepEqual(error.data, { reason: "timeout", timeoutMs: 500 });
    assert.match(error.message, /within 500 ms/);
    assert.doesNotMatch(error.message, /hunter2|user@/);
    assert.match(error.message, /127\.0\.0\.1:\d+\/repo/);
  }
});

test("http credentials come from git credential: the stored ones are used; a wrong password is a clear, redacted error", async (t) => {
  const repo = await fixture(t);
  const base = join(repo, "..");
  const name = repo.slice(base.length + 1);
  const server = await startGitHttpBackend(t, base, {
    env: gitTestEnv,
    basicAuth: { username: "alice", password: "s3cret" },
  });
  const home = await tempDir(t);
  const store = join(home, "credentials");
  const config = join(home, "gitconfig");
  writeFileSync(config, `[credential]\n\thelper = store --file=${store}\n`);
  const env = { ...gitTestEnv, HOME: home, GIT_CONFIG_GLOBAL: config };
  const url = server.url(name);
  const host = server.origin.slice("http://".length);

  writeFileSync(store, `http://alice:s3cret@${host}\n`);
  const expected = await lsRemote(url, PREFIXES, env);
  server.requests.length = 0;
  const { refs, events } = await listWithEka(url, PREFIXES, { env });
  await server.idle();
  assert.deepEqual(refs, expected);
  assert.deepEqual(
    events.map((e) => e.via),
    ["v2"],
  );
  assert.deepEqual(
    server.requests.map((r) => [r.method, r.status, r.username]),
    [
      ["GET", 401, null],
      ["GET", 200, "alice"],
      ["POST", 200, "alice"],
    ],
  );

  writeFileSync(store, `http://alice:wrong-password@${host}\n`);
  const error = await listWithEka(url, PREFIXES, { env }).then(
    () => null,
    (e: unknown) => e,
  );
  assert.ok(isEkaError(error), String(error));
  assert.equal(error.code, "EKA_REMOTE_UNREACHABLE");
  assert.equal((error.data as { reason?: string }).reason, "auth");
  assert.match(error.message, /authentication failed/);
  assert.ok(error.message.includes(url), error.message);
  assert.doesNotMatch(JSON.stringify({ ...error, message: error.message }), /wrong-password/);
  // The refused credential was rejected: the store helper erased it.
  assert.doesNotMatch(readFileSync(store, "utf8"), /wrong-password/);

  // Credentials in the URL are used as is, and never appear in a message.
  const inUrl = `http://alice:bad-in-url@${host}/${name}`;
  const urlError = await listWithEka(inUrl, PREFIXES, { env }).then(
    () => null,
    (e: unknown) => e,
  );
  assert.ok(isEkaError(urlError), String(urlError));
  assert.doesNotMatch(urlError.message, /bad-in-url|alice/);
  assert.match(urlError.message, new RegExp(`http://${host}/${name}`));

  // A server that asks for credentials on the command only (not on the advertisement).
  const postOnly = await startGitHttpBackend(t, base, {
    env: gitTestEnv,
    basicAuth: { username: "alice", password: "s3cret", postOnly: true },
  });
  writeFileSync(store, `http://alice:s3cret@${postOnly.origin.slice("http://".length)}\n`);
  const late = await listWithEka(postOnly.url(name), PREFIXES, { env });
  await postOnly.idle();
  assert.deepEqual(late.refs, expected);
  assert.deepEqual(
    postOnly.requests.map((r) => [r.method, r.status, r.username]),
    [
      ["GET", 200, null],
      ["POST", 401, null],
      ["POST", 200, "alice"],
    ],
  );

  // No helper and no credential: a clear error, not a prompt.
  const bare = { ...gitTestEnv, HOME: home, GIT_CONFIG_GLOBAL: "/dev/null" };
  const none = await listWithEka(url, PREFIXES, { env: bare }).then(
    () => null,
    (e: unknown) => e,
  );
  assert.ok(isEkaError(none), String(none));
  assert.match(none.message, /git credential has none/);
});

test("a redirect to another origin that asks for credentials gets its own; the first origin's stay stored", async (t) => {
  const repo = await fixture(t);
  const base = join(repo, "..");
  const name = repo.slice(base.length + 1);
  const target = await startGitHttpBackend(t, base, {
    env: gitTestEnv,
    basicAuth: { username: "bob", password: "b0b" },
  });
  // The first origin wants credentials, then sends the client on to the second.
  const front = createHttpServer((req, res) => {
    if (req.headers.authorization === undefined) {
      res.writeHead(401, { "WWW-Authenticate": 'Basic realm="front"' }).end();
    } else {
      res.writeHead(302, { Location: `${target.url(name)}/info/refs?service=git-upload-pack` });
      res.end();
    }
  });
  const port = await listenForTest(t, front);
  const home = await tempDir(t);
  const store = join(home, "credentials");
  const config = join(home, "gitconfig");
  writeFileSync(config, `[credential]\n\thelper = store --file=${store}\n`);
  const env = { ...gitTestEnv, HOME: home, GIT_CONFIG_GLOBAL: config };
  const frontLine = `http://alice:s3cret@127.0.0.1:${port}`;
  writeFileSync(store, `${frontLine}\nhttp://bob:b0b@${target.origin.slice("http://".length)}\n`);

  const { refs } = await listWithEka(`http://127.0.0.1:${port}/${name}`, PREFIXES, { env });
  assert.deepEqual(refs, await lsRemote(target.url(name), PREFIXES, env));
  assert.ok(readFileSync(store, "utf8").includes(frontLine), readFileSync(store, "utf8"));
});

test("ssh: a listing whose time runs out during git's -G probe starts no ssh session afterwards", async (t) => {
  const repo = await fixture(t);
  const dir = await tempDir(t);
  const log = join(dir, "ssh.log");
  const fakeSsh = join(dir, "fake-ssh");
  // The probe (`-G`) never answers: it runs until the listing's time limit stops it. A session
  // would log its command and run it.
  writeFileSync(
    fakeSsh,
    `#!/bin/sh\nif [ "$1" = -G ]; then while :; do sleep 0.05; done; fi\nfor last; do :; done\n` +
      `echo "$last" >> '${log}'\nexec sh -c "$last"\n`,
  );
  chmodSync(fakeSsh, 0o755);
  writeFileSync(log, "");
  const env = { ...gitTestEnv, GIT_SSH_COMMAND: fakeSsh };
  const error = await listWithEka(`ssh://example.test${repo}`, PREFIXES, {
    env,
    timeoutMs: 500,
  }).then(
    () => assert.fail("the listing should time out"),
    (e: unknown) => e as EkaError,
  );
  assert.equal(error.code, "EKA_REMOTE_UNREACHABLE");
  assert.deepEqual(error.data, { reason: "timeout", timeoutMs: 500 });
  // The stopped probe must not read as "not OpenSSH" and let the session start after the
  // deadline (it did, at once): give such a session time to show in the log.
  await new Promise((done) => setTimeout(done, 1000));
  assert.equal(readFileSync(log, "utf8"), "", "an ssh session was started after the deadline");
});
