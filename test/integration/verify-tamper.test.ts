/**
 * The tampering matrix of `eka verify`: each test builds a real published set, tampers with a
 * mirror (or the lock) the way an attacker or an accident would, with real git, and expects the
 * precise failed check with the atom, the mirror and both values.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import {
  atomId,
  type EkaError,
  type GitOid,
  type LockedAtom,
  parseLabel,
  parseTag,
  silentReport,
} from "../../src/core/index.ts";
import { initRepository } from "../../src/workspace/index.ts";
import { git, gitBytes, gitTestEnv, tempDir, tempRepo } from "../helpers/git.ts";
import {
  assertFailure,
  b3Text,
  failures,
  forcePush,
  lockText,
  publishSet,
  type SetFixture,
  treeAt,
  verifyText,
  writeAtomCommit,
} from "./verify-fixture.ts";

const CONTENT = (label: string, version: string) => `refs/ekala/content/${label}/${version}/`;

async function twoAtoms(t: Parameters<typeof publishSet>[0]): Promise<SetFixture> {
  return publishSet(t, [
    { label: "button", version: "1.0.0" },
    { label: "input", version: "1.0.0" },
  ]);
}

/** A second bare mirror holding everything the source published. */
async function secondMirror(t: Parameters<typeof tempRepo>[0], set: SetFixture): Promise<string> {
  const mirror = await tempRepo(t, { bare: true });
  git(set.source, "push", "--quiet", `file://${mirror}`, "refs/ekala/*:refs/ekala/*");
  return mirror;
}

/** In the source: change a file of `button` and commit; returns the new commit. */
function changeButton(set: SetFixture): string {
  writeFileSync(join(set.source, "pkgs/button/lib.nix"), "{ tampered = true; }\n");
  git(set.source, "commit", "--quiet", "-am", "change button");
  return git(set.source, "rev-parse", "HEAD").trim();
}

/** Points `button@1.0.0` on `remote` at an atom commit of another tree; returns that commit. */
function retagButton(set: SetFixture, remote: string): GitOid {
  const head = changeButton(set);
  const tree = treeAt(set.source, head, "pkgs/button");
  const digest = b3Text(set.source, tree);
  const forged = writeAtomCommit(set.source, {
    tree,
    path: "pkgs/button",
    content: digest,
    label: "button",
    version: "1.0.0",
  });
  const button = set.atoms[0]!;
  git(remote, "update-ref", "-d", `${CONTENT("button", "1.0.0")}${button.content}`);
  forcePush(set.source, remote, forged, "refs/ekala/atoms/button/1.0.0");
  forcePush(set.source, remote, forged, `${CONTENT("button", "1.0.0")}${digest}`);
  forcePush(set.source, remote, head, "refs/ekala/origins/button/1.0.0");
  return forged;
}

test("a mirror serving a different tree under an existing version: disagreement and atom-ref", async (t) => {
  const set = await twoAtoms(t);
  const evil = await secondMirror(t, set);
  const forged = retagButton(set, evil);
  const rev = set.atoms[0]!.rev;
  const result = await verifyText(
    t,
    lockText([{ set, name: "ui", mirrors: [set.url, `file://${evil}`] }]),
  );
  assert.equal(result.ok, false);
  assertFailure(result, {
    check: "mirror-agreement",
    subject: "button@1.0.0",
    mirror: `file://${evil}`,
    expected: rev,
    actual: forged,
  });
  assertFailure(result, {
    check: "atom-ref",
    subject: "button@1.0.0",
    mirror: `file://${evil}`,
    expected: rev,
    actual: forged,
  });
  // The honest mirror and the other atom are fine.
  assert.ok(failures(result).every((f) => f.subject === "button@1.0.0" && f.mirror !== set.url));
});

test("a commit with a forged content header: header, lock and content ref all disagree with the tree", async (t) => {
  const set = await twoAtoms(t);
  const [button, input] = set.atoms as [SetFixture["atoms"][0], SetFixture["atoms"][0]];
  const tree = treeAt(set.source, button.origin, "pkgs/button");
  const fake = input.content; // a real digest, of another tree
  const forged = writeAtomCommit(set.source, {
    tree,
    path: "pkgs/button",
    content: fake,
    label: "button",
    version: "1.0.0",
  });
  git(set.remote, "update-ref", "-d", `${CONTENT("button", "1.0.0")}${button.content}`);
  forcePush(set.source, set.remote, forged, "refs/ekala/atoms/button/1.0.0");
  forcePush(set.source, set.remote, forged, `${CONTENT("button", "1.0.0")}${fake}`);
  // A lock written from what the mirror claims.
  const locked = { ...button, rev: forged, content: fake };
  const result = await verifyText(t, lockText([{ set, name: "ui", atoms: [locked, input] }]));
  const real = b3Text(set.source, tree);
  assert.equal(real, button.content);
  assertFailure(result, {
    check: "content-header",
    subject: "button@1.0.0",
    expected: fake,
    actual: real,
  });
  assertFailure(result, {
    check: "content-lock",
    subject: "button@1.0.0",
    expected: fake,
    actual: real,
  });
  assertFailure(result, {
    check: "content-ref",
    subject: "button@1.0.0",
    mirror: set.url,
    expected: real,
    actual: fake,
  });
  assert.deepEqual(
    failures(result)
      .map((f) => f.check)
      .sort(),
    ["content-header", "content-lock", "content-ref"],
  );
});

test("a manifest ref whose label and version disagree with its ref path", async (t) => {
  const set = await twoAtoms(t);
  const button = set.atoms[0]!;
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
  const result = await verifyText(t, lockText([{ set, name: "ui" }]));
  const treeBlob = git(set.source, "rev-parse", `${button.origin}:pkgs/button/atom.toml`).trim();
  assertFailure(result, {
    check: "manifest-blob",
    subject: "button@1.0.0",
    mirror: set.url,
    expected: treeBlob,
    actual: blob,
  });
  assertFailure(result, {
    check: "manifest-fields",
    subject: "button@1.0.0",
    mirror: set.url,
    expected: "button@1.0.0",
    actual: "button@9.9.9",
  });
  assert.equal(failures(result).length, 2);
});

/** Only the lock's fields of a published atom. */
function lockedOf(a: LockedAtom): LockedAtom {
  const { type, label, version, set, rev, id, content } = a;
  return { type, label, version, set, rev, id, content };
}

/** A parentless commit with the source's tree: same files, no link to the init commit. */
function orphanOrigin(set: SetFixture): string {
  const tree = git(set.source, "rev-parse", `${set.atoms[0]!.origin}^{tree}`).trim();
  return git(set.source, "commit-tree", tree, "-m", "unrelated history").trim();
}

test("an origin that does not descend from the init commit", async (t) => {
  const set = await twoAtoms(t);
  const orphan = orphanOrigin(set);
  forcePush(set.source, set.remote, orphan, "refs/ekala/origins/button/1.0.0");
  const result = await verifyText(t, lockText([{ set, name: "ui" }]));
  assertFailure(result, {
    check: "origin-ancestry",
    subject: "button@1.0.0",
    mirror: set.url,
    expected: `a descendant of init commit ${set.setId}`,
    actual: `origin ${orphan}`,
  });
  // Same tree at the path: only the ancestry is wrong.
  assert.deepEqual(
    failures(result).map((f) => f.check),
    ["origin-ancestry"],
  );
});

test("an origin whose subtree at the atom's path differs", async (t) => {
  const set = await twoAtoms(t);
  const button = set.atoms[0]!;
  const head = changeButton(set);
  forcePush(set.source, set.remote, head, "refs/ekala/origins/button/1.0.0");
  const result = await verifyText(t, lockText([{ set, name: "ui" }]));
  assertFailure(result, {
    check: "origin-tree",
    subject: "button@1.0.0",
    mirror: set.url,
    expected: treeAt(set.source, button.origin, "pkgs/button"),
    actual: treeAt(set.source, head, "pkgs/button"),
  });
  assert.deepEqual(
    failures(result).map((f) => f.check),
    ["origin-tree"],
  );
});

test("a mirror with a different init commit (a fork presented as a mirror)", async (t) => {
  const set = await twoAtoms(t);
  const fork = await secondMirror(t, set);
  const other = await tempRepo(t, { initialCommit: true });
  const otherInit = await initRepository({ dir: other, report: silentReport });
  forcePush(other, fork, otherInit.setId, "refs/ekala/init");
  const result = await verifyText(
    t,
    lockText([{ set, name: "ui", mirrors: [set.url, `file://${fork}`] }]),
  );
  assert.deepEqual(failures(result), [
    {
      check: "mirror-identity",
      subject: `set ${set.setId}`,
      mirror: `file://${fork}`,
      expected: set.setId,
      actual: otherInit.setId,
    },
  ]);
});

test("a version moved after locking", async (t) => {
  const set = await twoAtoms(t);
  const text = lockText([{ set, name: "ui" }]);
  const before = await verifyText(t, text);
  assert.equal(before.ok, true);
  const moved = retagButton(set, set.remote);
  // Verified again with the same cache: the cached objects do not hide the move.
  const after = await verifyText(t, text, { cacheDir: before.cacheDir });
  assertFailure(after, {
    check: "atom-ref",
    subject: "button@1.0.0",
    mirror: set.url,
    expected: set.atoms[0]!.rev,
    actual: moved,
  });
  // And from a fresh cache, the locked commit is nowhere to be had.
  const fresh = await verifyText(t, text);
  assertFailure(fresh, { check: "atom-ref", expected: set.atoms[0]!.rev, actual: moved });
  assertFailure(fresh, { check: "commit-oid", subject: "button@1.0.0", actual: "absent" });
});

test("lock entries edited by hand: id, content, rev", async (t) => {
  const set = await twoAtoms(t);
  const [button, input] = set.atoms as [SetFixture["atoms"][0], SetFixture["atoms"][0]];

  // The lock reader recomputes ids itself: an edited id is refused before anything is fetched,
  // at the line of the edit, naming both ids.
  const wrongId = atomId(set.setId, parseLabel("buttons"));
  const text = lockText([{ set, name: "ui" }]);
  assert.ok(text.includes(`id = "${button.id}"`));
  await assert.rejects(
    verifyText(t, text.replace(`id = "${button.id}"`, `id = "${wrongId}"`)),
    (error: EkaError) => {
      assert.equal(error.code, "EKA_LOCK_INVALID");
      const said = `${error.message} ${error.diagnostics.map((d) => d.message).join(" ")}`;
      assert.ok(said.includes(wrongId) && said.includes(button.id), said);
      assert.match(error.diagnostics[0]!.file, /atom\.lock$/);
      return true;
    },
  );
  // Built in memory (no reader), the same edit fails the atom-id check with both values.
  const { verifyGraph } = await import("../../src/verify/index.ts");
  const { openRepository, ensureBareRepository } = await import("../../src/git/index.ts");
  const { openMirrorLister } = await import("../../src/git/index.ts");
  const cacheDir = await tempDir(t, "eka-cache-");
  const repo = await openRepository(await ensureBareRepository(join(cacheDir, "git")));
  try {
    const outcome = await verifyGraph(
      {
        file: "in memory",
        lock: {
          version: 1,
          sets: [{ id: set.setId, name: parseTag("ui"), mirrors: [set.url] }],
          deps: [{ ...lockedOf(button), id: wrongId }, lockedOf(input)],
        },
      },
      { repo, lister: await openMirrorLister(cacheDir), report: silentReport },
    );
    assert.deepEqual(
      outcome.checks
        .filter((c) => c.status === "fail")
        .map((c) => [c.check, c.subject, c.expected, c.actual]),
      [["atom-id", "button@1.0.0", button.id, wrongId]],
    );
  } finally {
    await repo.close();
  }

  const byContent = await verifyText(
    t,
    lockText([{ set, name: "ui", atoms: [{ ...button, content: input.content }, input] }]),
  );
  assert.deepEqual(failures(byContent), [
    {
      check: "content-lock",
      subject: "button@1.0.0",
      mirror: null,
      expected: input.content,
      actual: button.content,
    },
  ]);

  const byRev = await verifyText(
    t,
    lockText([{ set, name: "ui", atoms: [{ ...button, rev: input.rev }, input] }]),
  );
  assertFailure(byRev, {
    check: "atom-ref",
    subject: "button@1.0.0",
    mirror: set.url,
    expected: input.rev,
    actual: button.rev,
  });
  assertFailure(byRev, {
    check: "commit-atom",
    subject: "button@1.0.0",
    expected: "button@1.0.0",
    actual: "input@1.0.0",
  });
});

test("a shallow clone offered as history", async (t) => {
  const set = await twoAtoms(t);
  const dir = await tempDir(t, "eka-shallow-");
  const shallow = join(dir, "shallow.git");
  git(dir, "init", "--quiet", "--bare", shallow);
  git(shallow, "fetch", "--quiet", "--depth", "1", set.url, "+refs/ekala/*:refs/ekala/*");
  assert.equal(git(shallow, "rev-parse", "--is-shallow-repository").trim(), "true");
  const result = await verifyText(
    t,
    lockText([{ set, name: "ui", mirrors: [`file://${shallow}`] }]),
  );
  assert.equal(result.ok, false);
  assertFailure(result, {
    check: "history",
    subject: `set ${set.setId}`,
    mirror: `file://${shallow}`,
    actual: "a shallow history",
  });
  // Every ref the shallow mirror listed is refused (git will not extend a complete history
  // with shallow roots), and the cache stays complete.
  assert.ok(failures(result).every((f) => f.check === "history"));
  assert.equal(git(result.cache, "rev-parse", "--is-shallow-repository").trim(), "false");
  const shallowFail = result.checks.find((c) => c.status === "fail")!;
  assert.match(shallowFail.message, /shallow clone/);
});

test("a replace ref (on the mirror and in the cache) or a graft that fakes ancestry", async (t) => {
  const set = await twoAtoms(t);
  const orphan = orphanOrigin(set);
  forcePush(set.source, set.remote, orphan, "refs/ekala/origins/button/1.0.0");
  // The mirror also serves a replace ref that grafts the orphan onto the init commit.
  git(set.source, "replace", "--graft", orphan, set.setId);
  git(set.source, "push", "--quiet", set.url, "refs/replace/*:refs/replace/*");
  const text = lockText([{ set, name: "ui" }]);
  const first = await verifyText(t, text);
  const expected = {
    check: "origin-ancestry",
    subject: "button@1.0.0",
    mirror: set.url,
    expected: `a descendant of init commit ${set.setId}`,
    actual: `origin ${orphan}`,
  };
  assertFailure(first, expected);

  // Put the fake into the cache repository itself, as a replace ref and as a graft.
  const cache = first.cache;
  git(set.source, "push", "--quiet", `file://${cache}`, "refs/replace/*:refs/replace/*");
  const naive = spawnSync("git", ["merge-base", "--is-ancestor", set.setId, orphan], {
    cwd: cache,
    env: { ...gitTestEnv, GIT_NO_REPLACE_OBJECTS: undefined },
  });
  assert.equal(naive.status, 0, "git honouring replace refs is fooled");
  const withReplace = await verifyText(t, text, { cacheDir: first.cacheDir, offline: true });
  assertFailure(withReplace, expected);

  git(cache, "update-ref", "-d", `refs/replace/${orphan}`);
  mkdirSync(join(cache, "info"), { recursive: true }); // the cache is made without a template
  writeFileSync(join(cache, "info", "grafts"), `${orphan} ${set.setId}\n`);
  const grafted = spawnSync("git", ["merge-base", "--is-ancestor", set.setId, orphan], {
    cwd: cache,
    env: { ...gitTestEnv, GIT_NO_REPLACE_OBJECTS: "1" },
  });
  assert.equal(grafted.status, 0, "git honours grafts even without replace objects");
  const withGraft = await verifyText(t, text, { cacheDir: first.cacheDir, offline: true });
  assertFailure(withGraft, expected);
});

test("a shallow cache repository is refused", async (t) => {
  const set = await twoAtoms(t);
  const text = lockText([{ set, name: "ui" }]);
  const first = await verifyText(t, text);
  assert.equal(first.ok, true);
  const root = git(first.cache, "rev-parse", set.setId).trim();
  writeFileSync(join(first.cache, "shallow"), `${root}\n`);
  const again = await verifyText(t, text, { cacheDir: first.cacheDir, offline: true });
  assertFailure(again, {
    check: "history",
    subject: "cache repository",
    mirror: null,
    expected: "a complete repository",
    actual: "shallow",
  });
});
