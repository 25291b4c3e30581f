/**
 * The cheap checks `eka resolve`, `eka add` and `eka update` run on every listing (issue 7:
 * ids, digests from refs, mirror agreement), each against a really tampered mirror or lock: a
 * content ref whose digest is not the locked one, a version moved after locking, two mirrors
 * whose content refs disagree, lock entries whose `id`, `content` or `rev` were edited by hand.
 * Each fails with the values and the mirror named, and writes nothing.
 */
import assert from "node:assert/strict";
import { dirname } from "node:path";
import { test } from "node:test";
import { runEka, runEkaJson, snapshot } from "../helpers/eka.ts";
import { type CleanupContext, git, tempDir } from "../helpers/git.ts";
import { atomCommit, consumer, publishedSet, read, write } from "./resolve-fixtures.ts";

/** The one `refs/ekala/content/<label>/<version>/<digest>` ref of a remote. */
function contentRef(remote: string, label: string, version: string): string {
  const refs = git(
    remote,
    "for-each-ref",
    "--format=%(refname)",
    `refs/ekala/content/${label}/${version}/`,
  )
    .trim()
    .split("\n");
  assert.equal(refs.length, 1, refs.join(" "));
  return refs[0]!;
}

const digestOf = (ref: string) => ref.slice(ref.lastIndexOf("/") + 1);

/** Another valid digest: the first character changed. */
const otherDigest = (digest: string) => `${digest[0] === "a" ? "b" : "a"}${digest.slice(1)}`;

/** Moves `label@version`'s content ref to `digest` (same commit): a lying content ref. */
function forgeContentRef(remote: string, label: string, version: string, digest: string): void {
  const ref = contentRef(remote, label, version);
  const commit = atomCommit(remote, label, version);
  git(remote, "update-ref", "-d", ref);
  git(remote, "update-ref", `${dirname(ref)}/${digest}`, commit);
}

async function mirrorOf(t: CleanupContext, remote: string): Promise<string> {
  const dir = `${await tempDir(t, "eka-mirror-")}/copy.git`;
  git(dirname(dir), "clone", "--quiet", "--mirror", remote, dir);
  return dir;
}

/** A consumer with auth locked from set `core`; `log` is published but not yet a dependency. */
async function lockedAuth(t: CleanupContext, requirement = "^1.0.0") {
  const core = await publishedSet(t, { auth: ["1.0.0", "1.1.0"], log: ["0.3.0"] });
  const app = await consumer(t);
  const added = await runEka(app, ["add", `${core.url}::auth@${requirement}`, "--set", "core"]);
  assert.equal(added.code, 0, added.stderr);
  return { core, app };
}

async function failsWritingNothing(app: string, args: readonly string[], code: string) {
  const before = snapshot(app);
  const run = await runEkaJson(app, args);
  assert.notEqual(run.code, 0, run.stderr);
  assert.equal(run.json.error?.code, code, JSON.stringify(run.json));
  assert.deepEqual(snapshot(app), before, `${args.join(" ")} wrote nothing`);
  return run.json.error as { message: string; data: Record<string, unknown> };
}

test("a mirror's content ref that is not the locked content fails the next listing, naming both digests", async (t) => {
  const { core, app } = await lockedAuth(t);
  const locked = digestOf(contentRef(core.remote, "auth", "1.1.0"));
  assert.match(read(app, "atom.lock"), new RegExp(`content = "${locked}"`));
  const forged = otherDigest(locked);
  forgeContentRef(core.remote, "auth", "1.1.0", forged);
  for (const args of [
    ["add", "log", "--set", "core"],
    ["update", "auth"],
  ]) {
    const error = await failsWritingNothing(app, args, "EKA_VERIFY_FAILED");
    assert.equal(error.data["check"], "content-ref");
    assert.deepEqual([error.data["expected"], error.data["actual"]], [locked, forged]);
    assert.ok(error.message.includes(core.remote), error.message);
    assert.match(error.message, /auth@1\.1\.0/);
  }
});

test("a version moved after locking fails the next listing, never a silent re-lock", async (t) => {
  const { core, app } = await lockedAuth(t, "~1.0");
  const locked = atomCommit(core.remote, "auth", "1.0.0");
  const other = atomCommit(core.remote, "auth", "1.1.0");
  // The mirror now serves 1.1.0's atom commit as 1.0.0, with a content ref that matches it.
  const otherDigestRef = contentRef(core.remote, "auth", "1.1.0");
  git(core.remote, "update-ref", "-d", contentRef(core.remote, "auth", "1.0.0"));
  git(core.remote, "update-ref", "refs/ekala/atoms/auth/1.0.0", other);
  git(core.remote, "update-ref", otherDigestRef.replace("/1.1.0/", "/1.0.0/"), other);
  for (const args of [["update", "auth"], ["update"], ["add", "log", "--set", "core"]]) {
    const error = await failsWritingNothing(app, args, "EKA_VERIFY_FAILED");
    assert.equal(error.data["check"], "atom-ref");
    assert.deepEqual([error.data["expected"], error.data["actual"]], [locked, other]);
    assert.ok(error.message.includes(core.remote), error.message);
  }
});

test("two mirrors whose content refs disagree on one atom commit are a hard error naming both", async (t) => {
  const core = await publishedSet(t, { auth: ["1.0.0", "1.1.0"] });
  const liar = await mirrorOf(t, core.remote);
  const real = digestOf(contentRef(core.remote, "auth", "1.1.0"));
  const forged = otherDigest(real);
  forgeContentRef(liar, "auth", "1.1.0", forged);
  const app = await consumer(
    t,
    `\n[package.sets]\ncore = ["${core.url}", "file://${liar}"]\n\n[deps.from.core]\nauth = "^1"\n`,
  );
  const error = await failsWritingNothing(app, ["resolve"], "EKA_MIRRORS_DISAGREE");
  for (const part of [core.remote, liar, real, forged, "auth@1.1.0"]) {
    assert.ok(error.message.includes(part), `${part} in ${error.message}`);
  }
});

test("lock entries edited by hand: id on every call, content and rev on the next listing", async (t) => {
  const { core, app } = await lockedAuth(t);
  const lock = read(app, "atom.lock");
  const id = /id = "([^"]+)"/.exec(lock)![1]!;
  const content = /content = "([^"]+)"/.exec(lock)![1]!;
  const rev = atomCommit(core.remote, "auth", "1.1.0");
  const cases = [
    {
      edit: lock.replace(`id = "${id}"`, `id = "${otherDigest(id)}"`),
      args: ["resolve"],
      code: "EKA_LOCK_INVALID",
      check: null,
    },
    {
      edit: lock.replace(`content = "${content}"`, `content = "${otherDigest(content)}"`),
      args: ["add", "log", "--set", "core"],
      code: "EKA_VERIFY_FAILED",
      check: "content-ref",
    },
    {
      edit: lock.replace(`rev = "${rev}"`, `rev = "${atomCommit(core.remote, "auth", "1.0.0")}"`),
      args: ["update", "auth"],
      code: "EKA_VERIFY_FAILED",
      check: "atom-ref",
    },
  ];
  for (const c of cases) {
    assert.notEqual(c.edit, lock);
    write(app, "atom.lock", c.edit);
    const error = await failsWritingNothing(app, c.args, c.code);
    if (c.check === null) {
      // The lock reader recomputes the id: both values are in the report.
      const text = JSON.stringify(error);
      assert.ok(text.includes(id) && text.includes(otherDigest(id)), text);
    } else assert.equal(error.data["check"], c.check);
    write(app, "atom.lock", lock);
  }
  // Untampered, the same commands pass.
  assert.equal((await runEka(app, ["update", "auth"])).code, 0);
});

test("a locked version no mirror serves any more is a warning naming it; the lock keeps it", async (t) => {
  const { core, app } = await lockedAuth(t);
  for (const ref of git(core.remote, "for-each-ref", "--format=%(refname)", "refs/ekala/")
    .split("\n")
    .filter((r) => r.includes("/auth/1.1.0"))) {
    git(core.remote, "update-ref", "-d", ref);
  }
  const run = await runEkaJson(app, ["add", "log", "--set", "core"]);
  assert.equal(run.code, 0, run.stderr);
  const stale = run.json.warnings.filter((w) => w.code === "EKA_MIRROR_STALE");
  assert.ok(
    stale.some((w) => w.message.includes("auth@1.1.0") && w.message.includes(core.remote)),
    JSON.stringify(run.json.warnings),
  );
  assert.match(read(app, "atom.lock"), /label = "auth"\nversion = "1\.1\.0"/);
});
