/**
 * `eka verify` and `eka fetch` through the real CLI: exit status, what the text output and the
 * `--json` envelope say about a clean lock, a tampered mirror, and offline use of the cache.
 */
import assert from "node:assert/strict";
import { renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { runEka, runEkaJson } from "../helpers/eka.ts";
import { git, gitBytes, tempDir } from "../helpers/git.ts";
import { forcePush, lockText, publishSet } from "../integration/verify-fixture.ts";

async function setup(t: Parameters<typeof tempDir>[0]) {
  const set = await publishSet(t, [
    { label: "button", version: "1.0.0" },
    { label: "input", version: "1.0.0" },
  ]);
  const dir = await tempDir(t, "eka-verify-cli-");
  writeFileSync(join(dir, "atom.lock"), lockText([{ set, name: "ui" }]));
  const env = {
    EKA_CACHE_DIR: join(await tempDir(t, "eka-cache-"), "eka"),
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_CONFIG_NOSYSTEM: "1",
  };
  return { set, dir, env };
}

test("eka verify: a clean lock exits 0; --json carries every check", async (t) => {
  const { dir, env } = await setup(t);
  const run = await runEka(dir, ["verify"], env);
  assert.equal(run.code, 0, run.stderr);
  assert.match(
    run.stdout,
    /^verified 2 atoms and 0 pins from 1 locks \(depth 1\): \d+ checks passed\n$/,
  );
  const json = await runEkaJson(dir, ["verify", "atom.lock"], env);
  assert.equal(json.code, 0);
  assert.equal(json.json.ok, true);
  assert.equal(json.json.data.atoms, 2);
  assert.equal(json.json.data.failed, 0);
  assert.ok(json.json.data.checks.some((c: { check: string }) => c.check === "origin-ancestry"));
});

test("eka verify: a tampered mirror exits 4 naming the check, atom, mirror and both values", async (t) => {
  const { set, dir, env } = await setup(t);
  const blob = gitBytes(
    set.source,
    '[package]\nlabel = "button"\nversion = "9.9.9"\n',
    "hash-object",
    "-w",
    "--stdin",
  )
    .toString()
    .trim();
  forcePush(set.source, set.remote, blob, "refs/ekala/manifests/button/1.0.0");
  const run = await runEka(dir, ["verify"], env);
  assert.equal(run.code, 4);
  assert.equal(run.stdout, "");
  assert.match(
    run.stderr,
    /^error\[EKA_VERIFY_FAILED\]: 2 checks failed verifying .*\/atom\.lock \(2 atoms, 0 pins\):\n/,
  );
  assert.ok(
    run.stderr.includes(
      `FAIL manifest-fields: button@1.0.0 on ${set.url}: label@version the manifest declares differs\n` +
        "      expected button@1.0.0\n" +
        "      actual   button@9.9.9",
    ),
    run.stderr,
  );
  assert.ok(run.stderr.includes(`FAIL manifest-blob: button@1.0.0 on ${set.url}`), run.stderr);
  const json = await runEkaJson(dir, ["verify"], env);
  assert.equal(json.code, 4);
  assert.equal(json.json.error.code, "EKA_VERIFY_FAILED");
  assert.deepEqual(
    json.json.error.data.failures.map((f: Record<string, string>) => [
      f.check,
      f.subject,
      f.mirror,
      f.actual,
    ]),
    [
      ["manifest-blob", "button@1.0.0", set.url, blob],
      ["manifest-fields", "button@1.0.0", set.url, "button@9.9.9"],
    ],
  );
});

test("eka fetch fills the cache; eka verify --offline then works with every mirror gone", async (t) => {
  const { set, dir, env } = await setup(t);
  const offlineFirst = await runEka(dir, ["verify", "--offline"], env);
  assert.equal(offlineFirst.code, 4, "nothing cached yet");
  assert.match(
    offlineFirst.stderr,
    /FAIL mirror-reachable: set [0-9a-f]{40}: no mirror of the set is in the cache/,
  );
  const fetched = await runEka(dir, ["fetch"], env);
  assert.equal(fetched.code, 0, fetched.stderr);
  assert.match(fetched.stdout, /^fetched 2 atoms and 0 pins from 1 locks into /);
  const away = `${set.remote}.away`;
  renameSync(set.remote, away);
  try {
    const offline = await runEka(dir, ["verify", "--offline"], env);
    assert.equal(offline.code, 0, offline.stderr);
    assert.match(offline.stdout, /verified 2 atoms .* \(offline\)/);
    const online = await runEka(dir, ["verify"], env);
    assert.equal(online.code, 4);
    assert.match(online.stderr, /FAIL mirror-reachable/);
    assert.match(online.stderr, /warning\[EKA_REMOTE_UNREACHABLE\]/);
  } finally {
    renameSync(away, set.remote); // the remote is checked with git fsck when the test ends
  }
});

test("eka verify without a lock says where it looked", async (t) => {
  const dir = await tempDir(t);
  const run = await runEka(dir, ["verify"]);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /^error\[EKA_IO\]: no atom\.lock at .*atom\.lock/);
  assert.match(run.stderr, /hint: run `eka resolve`/);
});

test("eka publish warns when an already-published version's refs were tampered with", async (t) => {
  const { set, env } = await setup(t);
  const [button, input] = set.atoms;
  git(set.remote, "update-ref", "-d", `refs/ekala/content/button/1.0.0/${button!.content}`);
  forcePush(
    set.source,
    set.remote,
    button!.rev,
    `refs/ekala/content/button/1.0.0/${input!.content}`,
  );
  const run = await runEka(set.source, ["publish", "--remote", set.url], env);
  assert.equal(run.code, 0, run.stderr);
  assert.ok(
    run.stderr.includes(
      `warning[EKA_PUBLISHED_REFS_DIFFER]: button@1.0.0 on ${set.url}: refs/ekala/content/button/1.0.0/${input!.content} names digest ${input!.content}, but the tree's is ${button!.content}`,
    ),
    run.stderr,
  );
  assert.ok(!run.stderr.includes("input@1.0.0 on"), "the untouched atom is not warned about");
});
