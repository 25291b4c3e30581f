/**
 * Sets with several mirrors (protocol.md §7), each case a test: a fork (another identity), an
 * unreachable mirror, a stale one, two mirrors equivocating on a version, a set whose identity
 * changed since the lock; and mirrors over a loopback git daemon and loopback smart HTTP.
 */
import assert from "node:assert/strict";
import { dirname } from "node:path";
import { test } from "node:test";
import { runEka, runEkaJson, snapshot } from "../helpers/eka.ts";
import { git, tempDir } from "../helpers/git.ts";
import { startGitDaemon } from "../helpers/git-daemon.ts";
import {
  atomCommit,
  consumer,
  gitHttpServer,
  publishedSet,
  publishVersion,
  read,
} from "./resolve-fixtures.ts";

function setsBody(mirrors: readonly string[], deps: string): string {
  return `\n[package.sets]\ncore = [${mirrors.map((m) => JSON.stringify(m)).join(", ")}]\n\n[deps.from.core]\n${deps}`;
}

/** A bare copy of `remote` with all its refs, as another mirror of the same set. */
async function mirrorOf(t: Parameters<typeof tempDir>[0], remote: string): Promise<string> {
  const dir = `${await tempDir(t, "eka-mirror-")}/copy.git`;
  git(dirname(dir), "clone", "--quiet", "--mirror", remote, dir);
  return dir;
}

test("a fork mirror (another set id) is left out with a warning naming it", async (t) => {
  const core = await publishedSet(t, { auth: ["1.0.0"] });
  const fork = await publishedSet(t, { auth: ["1.0.0", "9.0.0"] });
  const app = await consumer(t, setsBody([core.url, fork.url], 'auth = "*"\n'));
  const run = await runEkaJson(app, ["resolve"]);
  assert.equal(run.code, 0, run.stderr);
  const forkWarning = run.json.warnings.find((w) => w.code === "EKA_MIRROR_FORK");
  assert.ok(forkWarning, JSON.stringify(run.json.warnings));
  assert.match(forkWarning.message, new RegExp(fork.remote));
  assert.match(forkWarning.message, new RegExp(fork.id));
  const lock = read(app, "atom.lock");
  assert.match(lock, new RegExp(`set = "${core.id}"`));
  assert.match(lock, /version = "1\.0\.0"/, "the fork's 9.0.0 is not taken");
});

test("an unreachable mirror is a warning while another answers; an error when none does", async (t) => {
  const core = await publishedSet(t, { auth: ["1.0.0"] });
  const gone = "file:///nonexistent/eka/atoms.git";
  const app = await consumer(t, setsBody([gone, core.url], 'auth = "^1"\n'));
  const run = await runEkaJson(app, ["resolve"]);
  assert.equal(run.code, 0, run.stderr);
  const warning = run.json.warnings.find((w) => w.code === "EKA_MIRROR_UNREACHABLE");
  assert.ok(warning, JSON.stringify(run.json.warnings));
  assert.match(warning.message, /nonexistent\/eka\/atoms\.git/);
  assert.match(
    read(app, "atom.lock"),
    new RegExp(`rev = "${atomCommit(core.remote, "auth", "1.0.0")}"`),
  );

  const lonely = await consumer(t, setsBody([gone], 'auth = "^1"\n'));
  const before = snapshot(lonely);
  const failed = await runEkaJson(lonely, ["resolve"]);
  assert.equal(failed.json.error.code, "EKA_REMOTE_UNREACHABLE");
  assert.deepEqual(snapshot(lonely), before);
});

test("a stale mirror is a warning naming what it lacks; the newest version still wins", async (t) => {
  const core = await publishedSet(t, { auth: ["1.0.0"] });
  const stale = await mirrorOf(t, core.remote);
  await publishVersion(core, "auth", "1.1.0");
  const app = await consumer(t, setsBody([`file://${stale}`, core.url], 'auth = "^1"\n'));
  const run = await runEkaJson(app, ["resolve"]);
  assert.equal(run.code, 0, run.stderr);
  const warning = run.json.warnings.find((w) => w.code === "EKA_MIRROR_STALE");
  assert.ok(warning, JSON.stringify(run.json.warnings));
  assert.match(warning.message, new RegExp(`${stale}.*auth@1\\.1\\.0`));
  assert.match(read(app, "atom.lock"), /version = "1\.1\.0"/);
});

test("two mirrors with different commits for one version are a hard error naming both", async (t) => {
  const core = await publishedSet(t, { auth: ["1.0.0", "1.1.0"] });
  const liar = await mirrorOf(t, core.remote);
  // The liar serves 1.0.0's atom commit (and a matching content ref) as 1.1.0.
  const old = atomCommit(liar, "auth", "1.0.0");
  const oldContent = git(
    liar,
    "for-each-ref",
    "--format=%(refname)",
    "refs/ekala/content/auth/1.0.0/",
  ).trim();
  const newContent = git(
    liar,
    "for-each-ref",
    "--format=%(refname)",
    "refs/ekala/content/auth/1.1.0/",
  ).trim();
  git(liar, "update-ref", "refs/ekala/atoms/auth/1.1.0", old);
  git(liar, "update-ref", "-d", newContent);
  git(liar, "update-ref", oldContent.replace("/1.0.0/", "/1.1.0/"), old);
  const app = await consumer(t, setsBody([core.url, `file://${liar}`], 'auth = "^1"\n'));
  const before = snapshot(app);
  const run = await runEkaJson(app, ["resolve"]);
  assert.equal(run.code, 4, run.stderr);
  assert.equal(run.json.error.code, "EKA_MIRRORS_DISAGREE");
  const message: string = run.json.error.message;
  assert.match(message, /auth@1\.1\.0/);
  assert.ok(message.includes(core.remote) && message.includes(liar), message);
  assert.ok(
    message.includes(old) && message.includes(atomCommit(core.remote, "auth", "1.1.0")),
    message,
  );
  assert.deepEqual(snapshot(app), before, "nothing written");
});

test("a set whose id changed since the lock is a hard error, never a silent re-lock", async (t) => {
  const core = await publishedSet(t, { auth: ["1.0.0"] });
  const app = await consumer(t);
  assert.equal((await runEka(app, ["add", `${core.url}::auth@^1`, "--set", "core"])).code, 0);
  const reinit = await runEka(core.repo, ["init", "--reinit", "--remote", core.remote]);
  assert.equal(reinit.code, 0, reinit.stderr);
  const newId = git(core.remote, "rev-parse", "refs/ekala/init").trim();
  assert.notEqual(newId, core.id);
  const before = snapshot(app);
  const run = await runEkaJson(app, ["update", "auth"]);
  assert.equal(run.json.error?.code, "EKA_SET_ID_CHANGED", JSON.stringify(run.json));
  assert.ok(run.json.error.message.includes(core.id) && run.json.error.message.includes(newId));
  assert.deepEqual(snapshot(app), before);
});

test("a set served over a loopback git daemon and over loopback smart HTTP resolves to the same lock as over file://", async (t) => {
  const core = await publishedSet(t, { auth: ["1.0.0", "1.3.0"] });
  const base = dirname(core.remote);
  const name = core.remote.slice(base.length + 1);
  const daemon = await startGitDaemon(t, base);
  const http = await gitHttpServer(t, base);
  const urls = [daemon.url(name), `${http}${name}`];
  const viaFile = await consumer(t, setsBody([core.url], 'auth = "^1"\n'));
  assert.equal((await runEka(viaFile, ["resolve"])).code, 0);
  const strip = (text: string) => text.replace(/mirrors = .*/, "");
  for (const url of urls) {
    const app = await consumer(t, setsBody([url], 'auth = "^1"\n'));
    const run = await runEka(app, ["resolve"]);
    assert.equal(run.code, 0, `${url}: ${run.stderr}`);
    assert.equal(strip(read(app, "atom.lock")), strip(read(viaFile, "atom.lock")), url);
    assert.ok(read(app, "atom.lock").includes(`mirrors = ["${url}"]`), url);
  }
});
