/** `eka init` on real repositories, through the real CLI; remotes are bare repositories over file://. */
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { runEka, runEkaJson, snapshot } from "../helpers/eka.ts";
import { fsckStrict, git, tempDir, tempRepo } from "../helpers/git.ts";

const rawCommit = (dir: string, rev: string) => git(dir, "cat-file", "commit", rev);

function assertInitCommit(dir: string, oid: string): string {
  const raw = rawCommit(dir, oid);
  const header = raw.slice(0, raw.indexOf("\n\n")).split("\n");
  const committer = header.findIndex((l) => l.startsWith("committer "));
  assert.equal(header[committer + 1], "ekala v1", raw);
  const entropy = header[committer + 2] ?? "";
  assert.match(entropy, /^entropy [0-9a-f]{64}$/, raw);
  assert.equal(header.length, committer + 3, "no other headers after entropy");
  return entropy.slice("entropy ".length);
}

test("init on a repository with history: init commit on the branch, ref, ekala.toml, clean status", async (t) => {
  const repo = await tempRepo(t, { initialCommit: true });
  const before = git(repo, "rev-parse", "HEAD").trim();
  const { code, json } = await runEkaJson(repo, ["init"]);
  assert.equal(code, 0, JSON.stringify(json));
  assert.equal(json.data.outcome, "created");
  const head = git(repo, "rev-parse", "HEAD").trim();
  assert.equal(json.data.setId, head);
  assert.equal(git(repo, "rev-parse", "refs/ekala/init").trim(), head);
  assert.equal(
    git(repo, "rev-parse", "HEAD^").trim(),
    before,
    "the init commit's parent is the old HEAD",
  );
  assertInitCommit(repo, head);
  assert.ok(existsSync(join(repo, "ekala.toml")));
  assert.equal(
    git(repo, "show", "HEAD:ekala.toml"),
    readFileSync(join(repo, "ekala.toml"), "utf8"),
  );
  assert.equal(
    git(repo, "status", "--porcelain"),
    "",
    "index and working tree match the init commit",
  );
  assert.equal(json.data.manifestCreated, true);
  fsckStrict(repo);
});

test("init on an unborn branch makes a root commit", async (t) => {
  const repo = await tempRepo(t);
  const run = await runEka(repo, ["init"]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^initialized: set id [0-9a-f]{40}$/m);
  const head = git(repo, "rev-parse", "HEAD").trim();
  assert.equal(git(repo, "rev-list", "--count", "HEAD").trim(), "1");
  assert.equal(git(repo, "rev-parse", "refs/ekala/init").trim(), head);
  assert.equal(git(repo, "symbolic-ref", "HEAD").trim(), "refs/heads/main");
  assertInitCommit(repo, head);
  fsckStrict(repo);
});

test("init keeps an existing, valid ekala.toml byte for byte", async (t) => {
  const repo = await tempRepo(t, { initialCommit: true });
  const text = '# our set\n[set]\npackages = []  # none yet\n\n[metadata]\nlicense = "MIT"\n';
  writeFileSync(join(repo, "ekala.toml"), text);
  const run = await runEkaJson(repo, ["init"]);
  assert.equal(run.code, 0);
  assert.equal(run.json.data.manifestCreated, false);
  assert.equal(readFileSync(join(repo, "ekala.toml"), "utf8"), text);
  assert.equal(git(repo, "show", "HEAD:ekala.toml"), text);
  fsckStrict(repo);
});

test("two inits of the same tree make different identities (entropy)", async (t) => {
  const a = await tempRepo(t, { initialCommit: true });
  const b = await tempRepo(t, { initialCommit: true });
  assert.equal((await runEka(a, ["init"])).code, 0);
  assert.equal((await runEka(b, ["init"])).code, 0);
  const ea = assertInitCommit(a, "refs/ekala/init");
  const eb = assertInitCommit(b, "refs/ekala/init");
  assert.notEqual(ea, eb);
  assert.notEqual(git(a, "rev-parse", "refs/ekala/init"), git(b, "rev-parse", "refs/ekala/init"));
});

test("init with a remote pushes refs/ekala/init and nothing else; a second run changes nothing", async (t) => {
  const repo = await tempRepo(t, { initialCommit: true });
  const remote = await tempRepo(t, { bare: true });
  git(repo, "remote", "add", "origin", `file://${remote}`);
  const first = await runEkaJson(repo, ["init", "--remote", "origin"]);
  assert.equal(first.code, 0, JSON.stringify(first.json));
  assert.equal(first.json.data.remote.pushed, true);
  const setId = first.json.data.setId;
  assert.equal(
    git(remote, "for-each-ref", "--format=%(refname) %(objectname)"),
    `refs/ekala/init ${setId}\n`,
  );
  assertInitCommit(remote, "refs/ekala/init");

  const local = snapshot(repo);
  const remoteBefore = snapshot(remote);
  const again = await runEka(repo, ["init", "--remote", "origin"]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /^already initialized: set id /m);
  assert.deepEqual(snapshot(repo), local);
  assert.deepEqual(snapshot(remote), remoteBefore);
  fsckStrict(repo);
  fsckStrict(remote);
});

test("an initialized repository pushes its identity to a new remote later", async (t) => {
  const repo = await tempRepo(t, { initialCommit: true });
  const remote = await tempRepo(t, { bare: true });
  assert.equal((await runEka(repo, ["init"])).code, 0);
  const setId = git(repo, "rev-parse", "refs/ekala/init").trim();
  const run = await runEkaJson(repo, ["init", "--remote", `file://${remote}`]);
  assert.equal(run.code, 0);
  assert.equal(run.json.data.outcome, "pushed");
  assert.equal(git(remote, "rev-parse", "refs/ekala/init").trim(), setId);
  fsckStrict(remote);
});

test("a remote initialized by another identity is an error naming both ids; nothing changes", async (t) => {
  const ours = await tempRepo(t, { initialCommit: true });
  const theirs = await tempRepo(t, { initialCommit: true });
  const remote = await tempRepo(t, { bare: true });
  assert.equal((await runEka(theirs, ["init", "--remote", `file://${remote}`])).code, 0);
  assert.equal((await runEka(ours, ["init"])).code, 0);
  const theirId = git(remote, "rev-parse", "refs/ekala/init").trim();
  const ourId = git(ours, "rev-parse", "refs/ekala/init").trim();
  const before = [snapshot(ours), snapshot(remote)];
  const run = await runEka(ours, ["init", "--remote", `file://${remote}`]);
  assert.notEqual(run.code, 0);
  assert.match(run.stderr, /^error\[EKA_IDENTITY_MISMATCH\]: .*\(file:\/\//m);
  assert.ok(run.stderr.includes(ourId) && run.stderr.includes(theirId), run.stderr);
  assert.match(run.stderr, /^ {2}hint: /m);
  assert.deepEqual([snapshot(ours), snapshot(remote)], before);
});

test("an uninitialized clone adopts the remote's identity when it is in its history", async (t) => {
  const origin = await tempRepo(t, { initialCommit: true });
  const remote = await tempRepo(t, { bare: true });
  assert.equal((await runEka(origin, ["init", "--remote", `file://${remote}`])).code, 0);
  git(origin, "push", "-q", `file://${remote}`, "main");
  const clone = await tempDir(t);
  git(clone, "clone", "-q", `file://${remote}`, "c");
  const repo = join(clone, "c");
  assert.equal(git(repo, "for-each-ref", "refs/ekala"), "", "a clone does not fetch refs/ekala/*");
  const run = await runEkaJson(repo, ["init", "--remote", "origin"]);
  assert.equal(run.code, 0, JSON.stringify(run.json));
  assert.equal(run.json.data.outcome, "adopted");
  assert.equal(
    git(repo, "rev-parse", "refs/ekala/init").trim(),
    git(remote, "rev-parse", "refs/ekala/init").trim(),
  );
  fsckStrict(repo);
});

test("--reinit makes a new identity and replaces the remote ref that held the old one", async (t) => {
  const repo = await tempRepo(t, { initialCommit: true });
  const remote = await tempRepo(t, { bare: true });
  const first = await runEkaJson(repo, ["init", "--remote", `file://${remote}`]);
  const old = first.json.data.setId;
  const second = await runEkaJson(repo, ["init", "--remote", `file://${remote}`, "--reinit"]);
  assert.equal(second.code, 0, JSON.stringify(second.json));
  assert.equal(second.json.data.outcome, "reinitialized");
  assert.equal(second.json.data.previousSetId, old);
  const now = second.json.data.setId;
  assert.notEqual(now, old);
  assert.equal(git(repo, "rev-parse", "refs/ekala/init").trim(), now);
  assert.equal(git(remote, "rev-parse", "refs/ekala/init").trim(), now);
  assert.equal(
    git(repo, "rev-parse", `${now}^`).trim(),
    old,
    "the new init commit follows the old one",
  );
  assertInitCommit(repo, now);
  fsckStrict(repo);
  fsckStrict(remote);
});

test("--reinit refuses to replace a remote identity other than the old one", async (t) => {
  const repo = await tempRepo(t, { initialCommit: true });
  const other = await tempRepo(t, { initialCommit: true });
  const remote = await tempRepo(t, { bare: true });
  assert.equal((await runEka(repo, ["init"])).code, 0);
  assert.equal((await runEka(other, ["init", "--remote", `file://${remote}`])).code, 0);
  const before = [snapshot(repo), snapshot(remote)];
  const run = await runEka(repo, ["init", "--remote", `file://${remote}`, "--reinit"]);
  assert.notEqual(run.code, 0);
  assert.match(run.stderr, /EKA_IDENTITY_MISMATCH/);
  assert.deepEqual([snapshot(repo), snapshot(remote)], before);
});

test("init refuses bad input and leaves everything as it was", async (t) => {
  await t.test("a directory that is not a git repository", async (t) => {
    const dir = await tempDir(t);
    writeFileSync(join(dir, "file.txt"), "x");
    const before = snapshot(dir);
    const run = await runEka(dir, ["init"], { GIT_CEILING_DIRECTORIES: dir });
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, /^error\[EKA_NOT_A_REPO\]/m);
    assert.match(run.stderr, /hint: /);
    assert.deepEqual(snapshot(dir), before);
  });
  await t.test("a malformed ekala.toml", async (t) => {
    const repo = await tempRepo(t, { initialCommit: true });
    writeFileSync(join(repo, "ekala.toml"), "[set\npackages = [\n");
    const before = snapshot(repo);
    const run = await runEka(repo, ["init"]);
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, /^error\[EKA_TOML_SYNTAX\]: .*\(ekala\.toml:2:1\)$/m);
    assert.deepEqual(snapshot(repo), before);
  });
  await t.test("an ekala.toml with unknown keys", async (t) => {
    const repo = await tempRepo(t, { initialCommit: true });
    writeFileSync(join(repo, "ekala.toml"), "[set]\npakages = []\n");
    const before = snapshot(repo);
    const run = await runEka(repo, ["init"]);
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, /EKA_MANIFEST_INVALID/);
    assert.match(run.stderr, /ekala\.toml:2:1/);
    assert.deepEqual(snapshot(repo), before);
  });
  await t.test("a detached HEAD", async (t) => {
    const repo = await tempRepo(t, { initialCommit: true });
    git(repo, "checkout", "-q", "--detach");
    const before = snapshot(repo);
    const run = await runEka(repo, ["init"]);
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, /EKA_DETACHED_HEAD/);
    assert.deepEqual(snapshot(repo), before);
  });
  await t.test("a refused transport", async (t) => {
    const repo = await tempRepo(t, { initialCommit: true });
    const before = snapshot(repo);
    const run = await runEka(repo, ["init", "--remote", "ext::sh -c touch% /tmp/eka-pwned"]);
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, /EKA_TRANSPORT_REFUSED/);
    assert.equal(existsSync("/tmp/eka-pwned"), false);
    assert.deepEqual(snapshot(repo), before);
  });
  await t.test("an unreachable remote", async (t) => {
    const repo = await tempRepo(t, { initialCommit: true });
    const before = snapshot(repo);
    const run = await runEka(repo, ["init", "--remote", `file://${repo}/does-not-exist.git`]);
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, /^error\[EKA_/m);
    assert.deepEqual(snapshot(repo), before);
  });
});
