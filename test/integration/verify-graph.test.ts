/**
 * An untampered graph of three levels and twenty atoms, each level a set of its own whose atoms
 * carry their own atom.lock: verified clean, each atom once, online and offline; then one atom
 * deep in the graph is tampered with on its mirror and the failure surfaces through the root.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { silentReport } from "../../src/core/index.ts";
import { verifyLockFile } from "../../src/verify/index.ts";
import { git, tempDir } from "../helpers/git.ts";
import { failures, publishGraph, type SetFixture, verifyText } from "./verify-fixture.ts";

test("a graph of 3 levels and 20 atoms verifies clean, each atom once, online and offline", async (t) => {
  const { root } = await publishGraph(t);
  const online = await verifyText(t, root);
  assert.deepEqual(failures(online), []);
  assert.equal(online.atoms, 20);
  assert.equal(online.locks, 1 + 4 + 6);
  assert.equal(online.depth, 3);
  const digests = online.checks.filter((c) => c.check === "content-header" && c.status === "pass");
  assert.equal(digests.length, 20, "every atom's tree digest was recomputed once");
  assert.equal(new Set(digests.map((c) => c.subject)).size, 20);

  const offline = await verifyText(t, root, { offline: true, cacheDir: online.cacheDir });
  assert.deepEqual(failures(offline), []);
  assert.equal(offline.atoms, 20);
});

test("a tampered atom three levels down fails verification of the root lock", async (t) => {
  const { root, sets } = await publishGraph(t);
  const c: SetFixture = sets[2];
  const victim = c.atoms[5]!; // locked by b1 (c[(1 + 4) % 10]), which a1 and a3 lock
  const blob = git(c.source, "rev-parse", `${c.atoms[0]!.origin}:pkgs/c0/atom.toml`).trim();
  git(c.source, "push", "--quiet", "--force", c.url, `${blob}:refs/ekala/manifests/c5/1.5.0`);
  const result = await verifyText(t, root);
  assert.equal(result.ok, false);
  assert.deepEqual(
    failures(result).map((f) => [f.check, f.subject, f.mirror, f.actual]),
    [
      ["manifest-blob", `${victim.label}@${victim.version}`, c.url, blob],
      ["manifest-fields", `${victim.label}@${victim.version}`, c.url, "c0@1.0.0"],
    ],
  );
});

test("processes: one listing and one fetch per mirror per level, one cat-file, none per atom", async (t) => {
  const { root } = await publishGraph(t);
  const dir = await tempDir(t, "eka-verify-");
  writeFileSync(join(dir, "atom.lock"), root);
  const spawned: string[] = [];
  const result = await verifyLockFile({
    cwd: dir,
    offline: false,
    cacheDir: await tempDir(t, "eka-cache-"),
    report: silentReport,
    onSpawn: (args) => spawned.push(args.filter((a) => !a.startsWith("-")).join(" ")),
  });
  assert.equal(result.ok, true);
  const count = (prefix: string) => spawned.filter((a) => a.startsWith(prefix)).length;
  // Levels: top (1 set), then mid and base (a0 locks base atoms too), then base again.
  assert.equal(count("fetch"), 4, spawned.join("\n"));
  // One listing per mirror per level: a protocol-v2 `upload-pack` for a file:// mirror, or the
  // `git ls-remote` fallback.
  const listings = spawned.filter(
    (a) => /^upload-pack \S+$/.test(a) || /^ls-remote \S+ refs\/ekala\/init\*/.test(a),
  );
  assert.equal(listings.length, 4, spawned.join("\n"));
  assert.ok(count("remote") + count("config") <= 3, "mirrors are resolved once at most");
  assert.equal(count("cat-file"), 1);
  assert.equal(count("merge-base"), 0);
  // Per set and level: listing, fetch and reading back its refs; the rest is fixed.
  assert.ok(
    spawned.length <= 3 * 4 + 2 * 3 + 2,
    `${spawned.length} processes:\n${spawned.join("\n")}`,
  );
});
