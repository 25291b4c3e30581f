import assert from "node:assert/strict";
import { existsSync, readdirSync, renameSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { parseLock, silentReport } from "../../src/core/index.ts";
import { ATOM_CACHE_REPO, cacheLockedAtoms } from "../../src/fetch/index.ts";
import { ensureBareRepository } from "../../src/git/index.ts";
import { git, tempDir, tempRepo } from "../helpers/git.ts";
import { failures, lockText, publishSet, verifyText } from "./verify-fixture.ts";

test("a published set verifies clean online, then offline from the cache", async (t) => {
  const set = await publishSet(t, [
    { label: "button", version: "1.0.0" },
    {
      label: "input",
      version: "0.2.0",
      files: { "src/a.nix": "1\n", "run.sh": { exec: "#!/bin/sh\n" } },
    },
  ]);
  const text = lockText([{ set, name: "ui" }]);
  const online = await verifyText(t, text);
  assert.deepEqual(failures(online), []);
  assert.equal(online.ok, true);
  assert.equal(online.atoms, 2);
  // One cache repository, shared with the atom cache that evaluation uses.
  assert.equal(online.cache, join(online.cacheDir, ATOM_CACHE_REPO));
  const names = new Set(online.checks.map((c) => c.check));
  for (const name of [
    "atom-id",
    "commit-oid",
    "commit-format",
    "content-header",
    "content-lock",
    "content-ref",
    "atom-ref",
    "manifest-blob",
    "manifest-fields",
    "origin-ancestry",
    "origin-tree",
    "init-commit",
    "mirror-identity",
    "mirror-agreement",
    "history",
  ]) {
    assert.ok(names.has(name as never), `check ${name} ran`);
  }
  const offline = await verifyText(t, text, { offline: true, cacheDir: online.cacheDir });
  assert.deepEqual(failures(offline), []);
  const passed = (r: typeof online, check: string) =>
    r.checks.filter((c) => c.check === check && c.status === "pass").map((c) => c.subject);
  for (const check of ["content-header", "origin-ancestry", "commit-format", "content-ref"]) {
    assert.deepEqual(passed(offline, check), passed(online, check), check);
    assert.equal(passed(offline, check).length, 2, check);
  }
});

test('a set served only by "::" (unpublished, this repository) is skipped, never passed', async (t) => {
  const set = await publishSet(t, [{ label: "button", version: "1.0.0" }]);
  const result = await verifyText(t, lockText([{ set, name: "local", mirrors: ["::"] }]));
  assert.deepEqual(failures(result), []);
  assert.deepEqual(
    result.checks
      .map((c) => `${c.check}:${c.status}:${c.subject}`)
      .filter((c) => !c.startsWith("history")),
    ["atom-id:pass:button@1.0.0", "mirror-reachable:skip:button@1.0.0"],
  );
  assert.equal(result.skipped, 1);
});

test("a mirror behind is a skip while another serves the version; a version no mirror serves fails", async (t) => {
  const set = await publishSet(t, [
    { label: "button", version: "1.0.0" },
    { label: "input", version: "1.0.0" },
  ]);
  const behind = await tempRepo(t, { bare: true });
  // The second mirror has the identity and `input` only.
  git(set.source, "push", "--quiet", `file://${behind}`, "refs/ekala/init:refs/ekala/init");
  for (const kind of ["atoms", "manifests", "origins"]) {
    git(
      set.source,
      "push",
      "--quiet",
      `file://${behind}`,
      `refs/ekala/${kind}/input/1.0.0:refs/ekala/${kind}/input/1.0.0`,
    );
  }
  const content = `refs/ekala/content/input/1.0.0/${set.atoms[1]!.content}`;
  git(set.source, "push", "--quiet", `file://${behind}`, `${content}:${content}`);
  const text = lockText([{ set, name: "ui", mirrors: [set.url, `file://${behind}`] }]);
  const result = await verifyText(t, text);
  assert.deepEqual(failures(result), []);
  const skipped = result.checks.filter((c) => c.status === "skip");
  assert.deepEqual(
    skipped.map((c) => [c.check, c.subject, c.mirror]),
    [["atom-ref", "button@1.0.0", `file://${behind}`]],
  );

  // The version removed from every mirror: the cached objects do not make it pass.
  const refs = git(set.remote, "for-each-ref", "--format=%(refname)", "refs/ekala/")
    .split("\n")
    .filter((r) => r.includes("/button/"));
  for (const ref of refs) git(set.remote, "update-ref", "-d", ref);
  const gone = await verifyText(t, text, { cacheDir: result.cacheDir });
  assert.deepEqual(
    failures(gone)
      .filter((f) => f.check === "atom-ref")
      .map((f) => [f.subject, f.mirror, f.expected, f.actual]),
    [
      ["button@1.0.0", set.url, set.atoms[0]!.rev, "absent"],
      ["button@1.0.0", `file://${behind}`, set.atoms[0]!.rev, "absent"],
    ],
  );
});

test("the cheap checks (eka fetch): no b3 recomputation, no history walk; lock edits still caught", async (t) => {
  const set = await publishSet(t, [
    { label: "button", version: "1.0.0" },
    { label: "input", version: "1.0.0" },
  ]);
  const cheap = await verifyText(t, lockText([{ set, name: "ui" }]), { thorough: false });
  assert.deepEqual(failures(cheap), []);
  const names = new Set(cheap.checks.map((c) => c.check));
  assert.ok(!names.has("content-header") && !names.has("origin-ancestry"), [...names].join(" "));
  assert.ok(names.has("content-lock") && names.has("content-ref") && names.has("atom-ref"));
  const [button, input] = set.atoms;
  const edited = await verifyText(
    t,
    lockText([{ set, name: "ui", atoms: [{ ...button!, content: input!.content }, input!] }]),
    { thorough: false },
  );
  assert.deepEqual(
    failures(edited).map((f) => [f.check, f.expected, f.actual]),
    [
      ["content-lock", input!.content, button!.content],
      ["content-ref", input!.content, button!.content],
    ],
  );
});

test("what verification fetched serves evaluation's atom cache with every mirror gone", async (t) => {
  const set = await publishSet(t, [
    { label: "button", version: "1.0.0" },
    { label: "input", version: "1.0.0" },
  ]);
  const text = lockText([{ set, name: "ui" }]);
  const verified = await verifyText(t, text, { thorough: false });
  assert.equal(verified.ok, true);
  const away = `${set.remote}.away`;
  renameSync(set.remote, away);
  try {
    const graph = await cacheLockedAtoms(parseLock(text), {
      cacheDir: verified.cacheDir,
      report: silentReport,
    });
    assert.equal(graph.atoms.length, 2);
    assert.equal(graph.fetched, 0, "nothing left to fetch");
  } finally {
    renameSync(away, set.remote);
  }
});

test("verification and evaluations starting together on a new cache share one repository, made once", async (t) => {
  const set = await publishSet(t, [
    { label: "button", version: "1.0.0" },
    { label: "input", version: "1.0.0" },
  ]);
  const text = lockText([{ set, name: "ui" }]);
  const cacheDir = await tempDir(t, "eka-cache-");
  const [verified, ...graphs] = await Promise.all([
    verifyText(t, text, { cacheDir }),
    ...[1, 2, 3].map(() => cacheLockedAtoms(parseLock(text), { cacheDir, report: silentReport })),
    ...[1, 2, 3].map(async () => {
      await ensureBareRepository(join(cacheDir, ATOM_CACHE_REPO));
      return null;
    }),
  ]);
  assert.deepEqual(failures(verified), []);
  assert.equal(verified.cache, join(cacheDir, ATOM_CACHE_REPO));
  for (const g of graphs) if (g !== null) assert.equal(g.atoms.length, 2);
  // One repository, bare, no template files, and no staging directory left behind.
  assert.deepEqual(readdirSync(cacheDir), [ATOM_CACHE_REPO]);
  const cache = join(cacheDir, ATOM_CACHE_REPO);
  assert.equal(git(cache, "rev-parse", "--is-bare-repository").trim(), "true");
  assert.equal(existsSync(join(cache, "hooks")), false, "made without git's template");
  assert.equal(
    git(cache, "rev-parse", "refs/ekala/atoms/button/1.0.0").trim(),
    set.atoms[0]!.rev,
    "evaluation's atom ref",
  );
  assert.notEqual(
    git(cache, "for-each-ref", "--format=%(refname)", "refs/eka-mirrors/").trim(),
    "",
    "verification's mirror refs, in the same repository",
  );
});
