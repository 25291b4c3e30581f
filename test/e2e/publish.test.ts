/**
 * `eka publish` and `eka list` on real repositories, through the real CLI. Remotes are bare
 * repositories over file:// and over a loopback `git daemon` (git://). What eka wrote is checked
 * against independent derivations: git plumbing for trees and blobs, the real b3sum for digests.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import {
  assertPublished,
  atomToml,
  commitAll,
  ekaInit,
  ekalaToml,
  refMap,
  writeFiles,
} from "../helpers/atoms.ts";
import { runEka, runEkaJson, snapshot } from "../helpers/eka.ts";
import { fsckStrict, git, tempDir, tempRepo } from "../helpers/git.ts";
import { startGitDaemon } from "../helpers/git-daemon.ts";

type Transport = "file" | "git";

interface Setup {
  /** The source repository (a working tree on `main`, remote `origin`). */
  readonly repo: string;
  /** The bare remote's directory. */
  readonly remote: string;
  /** The remote's URL for the transport under test. */
  readonly url: string;
  readonly setId: string;
  /** The commit holding the two atoms. */
  readonly source: string;
}

const BUTTON = { label: "button", version: "1.0.0", path: "pkgs/button" };
const VALIDATOR = { label: "validator", version: "2.1.0", path: "pkgs/validator" };

/** A bare repository in a fresh directory (served by a daemon when `transport` is git). */
async function bareRemote(t: TestContext, transport: Transport) {
  const base = await tempDir(t, "eka-remotes-");
  git(base, "init", "--quiet", "--bare", "remote.git");
  const remote = join(base, "remote.git");
  const url =
    transport === "file" ? `file://${remote}` : (await startGitDaemon(t, base)).url("remote.git");
  return { remote, url };
}

async function setup(t: TestContext, transport: Transport = "file"): Promise<Setup> {
  const { remote, url } = await bareRemote(t, transport);
  const repo = await tempRepo(t, { initialCommit: true });
  git(repo, "remote", "add", "origin", url);
  const setId = await ekaInit(repo, "origin");
  writeFiles(repo, {
    "ekala.toml": ekalaToml([BUTTON.path, VALIDATOR.path]),
    "pkgs/button/atom.toml": atomToml("button", "1.0.0", 'description = "a button"\n'),
    "pkgs/button/src/lib.nix": "{ }: 42\n",
    "pkgs/button/src/deep/er/data.txt": "nested\n",
    "pkgs/button/bin/run": { exec: "#!/bin/sh\necho run\n" },
    "pkgs/button/link": { link: "src/lib.nix" },
    "pkgs/validator/atom.toml": atomToml("validator", "2.1.0"),
    "pkgs/validator/check.sh": "true\n",
  });
  const source = commitAll(repo, "two atoms");
  return { repo, remote, url, setId, source };
}

function assertNothingChanged(before: readonly unknown[], dirs: readonly string[]): void {
  assert.deepEqual(
    dirs.map((d) => snapshot(d)),
    before,
  );
}

for (const transport of ["file", "git"] as const) {
  test(`publish then list over ${transport}://: exactly the published atoms, each checked independently`, async (t) => {
    const s = await setup(t, transport);
    const run = await runEkaJson(s.repo, ["publish"]);
    assert.equal(run.code, 0, JSON.stringify(run.json));
    assert.equal(run.json.data.source, s.source);
    assert.equal(run.json.data.setId, s.setId);
    assert.equal(run.json.data.remote, s.url);
    assert.deepEqual(
      run.json.data.atoms.map((a: { label: string; action: string }) => [a.label, a.action]),
      [
        ["button", "publish"],
        ["validator", "publish"],
      ],
    );
    const commits = new Map<string, string>();
    for (const atom of [BUTTON, VALIDATOR]) {
      const remoteCommit = assertPublished(s.remote, s.repo, s.source, atom);
      const localCommit = assertPublished(s.repo, s.repo, s.source, atom);
      assert.equal(localCommit, remoteCommit);
      commits.set(atom.label, remoteCommit);
    }
    // Nothing else was pushed: the identity and the eight refs of two atoms.
    assert.equal(refMap(s.remote).size, 9);
    assert.deepEqual(refMap(s.remote), refMap(s.repo));
    assert.equal(git(s.remote, "for-each-ref", "refs/heads"), "", "no branch was pushed");

    const list = await runEkaJson(s.repo, ["list", s.url]);
    assert.equal(list.code, 0, JSON.stringify(list.json));
    assert.deepEqual(list.json.warnings, []);
    assert.equal(list.json.data.setId, s.setId);
    assert.deepEqual(
      list.json.data.atoms.map((a: { label: string; versions: unknown[] }) => [
        a.label,
        a.versions,
      ]),
      [
        [
          "button",
          [{ version: "1.0.0", commit: commits.get("button"), content: digestOf(s, BUTTON) }],
        ],
        [
          "validator",
          [{ version: "2.1.0", commit: commits.get("validator"), content: digestOf(s, VALIDATOR) }],
        ],
      ],
    );
    const text = await runEka(s.repo, ["list", "origin"]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`^set id: ${s.setId} `, "m"));
    assert.match(
      text.stdout,
      /^button {2}[0-9a-v]{52}\n {2}1\.0\.0 {2}content [0-9a-v]{52} {2}commit /m,
    );
    fsckStrict(s.remote);
    fsckStrict(s.repo);
  });
}

/** The content digest the remote's content ref carries for `atom`. */
function digestOf(s: Setup, atom: typeof BUTTON): string {
  const prefix = `refs/ekala/content/${atom.label}/${atom.version}/`;
  const found = [...refMap(s.remote).keys()].find((r) => r.startsWith(prefix));
  assert.ok(found !== undefined);
  return found.slice(prefix.length);
}

test("republishing unchanged content, from the same or a later commit, writes nothing; atom commits are reproducible", async (t) => {
  const s = await setup(t);
  const first = await runEka(s.repo, ["publish"]);
  assert.equal(first.code, 0, first.stderr);
  assert.match(
    first.stdout,
    /^published button@1\.0\.0 \(pkgs\/button\) to file:\/\/.*: atom commit [0-9a-f]{40}, content [0-9a-v]{52}$/m,
  );
  const button = refMap(s.repo).get("refs/ekala/atoms/button/1.0.0");

  let before = [snapshot(s.repo), snapshot(s.remote)];
  const again = await runEka(s.repo, ["publish"]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /^already published button@1\.0\.0 \(pkgs\/button\) on file:\/\//m);
  assert.match(again.stdout, /^already published validator@2\.1\.0 /m);
  assertNothingChanged(before, [s.repo, s.remote]);

  // A later commit that leaves the atoms alone: same atom commits, still nothing to write.
  writeFileSync(join(s.repo, "README.md"), "# changed outside the atoms\n");
  const later = commitAll(s.repo, "docs");
  before = [snapshot(s.repo), snapshot(s.remote)];
  const plan = await runEkaJson(s.repo, ["publish", "--dry-run"]);
  assert.equal(plan.code, 0);
  assert.equal(plan.json.data.source, later);
  assert.equal(plan.json.data.atoms[0].commit, button, "same atom commit from a later source");
  assert.equal(plan.json.data.atoms[0].action, "already-published");
  const fromLater = await runEka(s.repo, ["publish"]);
  assert.equal(fromLater.code, 0, fromLater.stderr);
  assert.match(fromLater.stdout, /^already published button@1\.0\.0 /m);
  assertNothingChanged(before, [s.repo, s.remote]);

  // A new version of one atom: only it is published; the other keeps its atom commit.
  writeFiles(s.repo, {
    "pkgs/validator/atom.toml": atomToml("validator", "2.2.0"),
    "pkgs/validator/check.sh": "false\n",
  });
  const bumped = commitAll(s.repo, "validator 2.2.0");
  const third = await runEkaJson(s.repo, ["publish"]);
  assert.equal(third.code, 0, JSON.stringify(third.json));
  assert.deepEqual(
    third.json.data.atoms.map((a: { label: string; action: string }) => a.action),
    ["already-published", "publish"],
  );
  assert.equal(refMap(s.remote).get("refs/ekala/atoms/button/1.0.0"), button);
  assertPublished(s.remote, s.repo, bumped, { ...VALIDATOR, version: "2.2.0" });
  assertPublished(s.remote, s.repo, s.source, VALIDATOR);
  const list = await runEkaJson(s.repo, ["list", "origin"]);
  assert.deepEqual(
    list.json.data.atoms[1].versions.map((v: { version: string }) => v.version),
    ["2.2.0", "2.1.0"],
    "newest first",
  );
  fsckStrict(s.remote);
});

test("changed content under a published version is refused; neither repository changes", async (t) => {
  const s = await setup(t);
  assert.equal((await runEka(s.repo, ["publish"])).code, 0);
  const published = refMap(s.remote).get("refs/ekala/atoms/button/1.0.0");
  writeFiles(s.repo, {
    "pkgs/button/src/lib.nix": "{ }: 43\n",
    // A new atom in the same commit is not published either: a refusal stops everything.
    "ekala.toml": ekalaToml([BUTTON.path, VALIDATOR.path, "pkgs/extra"]),
    "pkgs/extra/atom.toml": atomToml("extra", "0.1.0"),
  });
  const changed = commitAll(s.repo, "change the button, keep its version");
  const before = [snapshot(s.repo), snapshot(s.remote)];
  const run = await runEka(s.repo, ["publish"]);
  assert.equal(run.code, 4, run.stderr);
  assert.match(
    run.stderr,
    /^error\[EKA_VERSION_IMMUTABLE\]: button@1\.0\.0 is already published on file:\/\//m,
  );
  assert.ok(run.stderr.includes(s.url), run.stderr);
  assert.ok(run.stderr.includes(published!), "names the published atom commit");
  const plan = await runEkaJson(s.repo, ["publish", "--dry-run"]);
  const ours = plan.json.error.data.plan.atoms[0].commit;
  assert.notEqual(ours, published);
  assert.ok(run.stderr.includes(ours), "names the commit this source makes");
  assert.match(run.stderr, /\(pkgs\/button\/atom\.toml:3:11\)$/m);
  assert.match(run.stderr, /^ {2}hint: bump the version in pkgs\/button\/atom\.toml/m);
  assert.match(run.stderr, /^would publish extra@0\.1\.0 /m);
  assert.equal(run.stdout, "");
  assertNothingChanged(before, [s.repo, s.remote]);
  assert.equal(plan.code, 4, "a dry run of a refused plan fails too");
  assert.equal(plan.json.error.code, "EKA_VERSION_IMMUTABLE");
  assert.equal(plan.json.error.data.plan.source, changed);
  fsckStrict(s.remote);
});

test("a remote hook rejecting one ref: the atomic push leaves the remote without any new ref, and nothing is written locally", async (t) => {
  const s = await setup(t);
  const hook = join(s.remote, "hooks", "update");
  writeFiles(s.remote, {
    "hooks/update": {
      exec: '#!/bin/sh\ncase "$1" in refs/ekala/origins/validator/*) echo "no, not this one" >&2; exit 1;; esac\nexit 0\n',
    },
  });
  const before = [snapshot(s.repo), snapshot(s.remote)];
  const run = await runEka(s.repo, ["publish"]);
  assert.notEqual(run.code, 0);
  assert.match(
    run.stderr,
    /^error\[EKA_GIT_FAILED\]: the push to file:\/\/.* failed, so nothing was published: /m,
  );
  assert.match(run.stderr, /hook declined/);
  assertNothingChanged(before, [s.repo, s.remote]);
  assert.deepEqual([...refMap(s.remote).keys()], ["refs/ekala/init"]);
  // Once the hook is gone, the same publish goes through.
  writeFileSync(hook, "#!/bin/sh\nexit 0\n");
  const retry = await runEka(s.repo, ["publish"]);
  assert.equal(retry.code, 0, retry.stderr);
  assertPublished(s.remote, s.repo, s.source, VALIDATOR);
  fsckStrict(s.remote);
});

test("--dry-run prints the plan and writes no object and no ref", async (t) => {
  const s = await setup(t);
  const before = [snapshot(s.repo), snapshot(s.remote)];
  const objects = git(s.repo, "count-objects", "-v");
  const run = await runEka(s.repo, ["publish", "--dry-run"]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^dry run: HEAD \([0-9a-f]{40}\) to file:\/\/.*; nothing was written$/m);
  assert.match(run.stdout, /^would publish button@1\.0\.0 \(pkgs\/button\) to /m);
  assert.match(run.stdout, /^ {2}push {2}refs\/ekala\/atoms\/button\/1\.0\.0 [0-9a-f]{40}$/m);
  assert.match(
    run.stdout,
    /^ {2}write refs\/ekala\/content\/button\/1\.0\.0\/[0-9a-v]{52} [0-9a-f]{40} \(here\)$/m,
  );
  const json = await runEkaJson(s.repo, ["publish", "--dry-run"]);
  assert.equal(json.json.data.dryRun, true);
  for (const atom of json.json.data.atoms) {
    const exists = await runGit(s.repo, ["cat-file", "-e", atom.commit]);
    assert.notEqual(exists, 0, "the atom commit was not written");
    assert.equal(atom.push.length, 4);
    assert.equal(atom.local.length, 4);
  }
  assert.equal(git(s.repo, "count-objects", "-v"), objects);
  assertNothingChanged(before, [s.repo, s.remote]);
});

async function runGit(dir: string, args: string[]): Promise<number> {
  try {
    git(dir, ...args);
    return 0;
  } catch {
    return 1;
  }
}

test("without a remote: publishes to this repository with a note; a later --remote pushes the same refs", async (t) => {
  const repo = await tempRepo(t, { initialCommit: true });
  await ekaInit(repo);
  writeFiles(repo, {
    "ekala.toml": ekalaToml(["button"]),
    "button/atom.toml": atomToml("button", "0.1.0"),
  });
  const source = commitAll(repo, "atom");
  const run = await runEka(repo, ["publish"]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /no remote `origin` is configured: publishing to this repository only/);
  assert.match(run.stdout, /^published button@0\.1\.0 \(button\) to this repository: /m);
  const spec = { label: "button", version: "0.1.0", path: "button" };
  const commit = assertPublished(repo, repo, source, spec);
  const again = await runEka(repo, ["publish"]);
  assert.match(again.stdout, /^already published button@0\.1\.0 \(button\) on this repository/m);

  const { remote, url } = await bareRemote(t, "file");
  const noIdentity = await runEka(repo, ["publish", "--remote", url]);
  assert.equal(noIdentity.code, 4);
  assert.match(noIdentity.stderr, /^error\[EKA_NOT_INITIALIZED\]: the remote .* has no identity/m);
  assert.ok(
    noIdentity.stderr.includes(`hint: push the identity first with \`eka init --remote ${url}\``),
  );
  assert.equal((await runEka(repo, ["init", "--remote", url])).code, 0);
  const before = snapshot(repo);
  const pushed = await runEka(repo, ["publish", "--remote", url]);
  assert.equal(pushed.code, 0, pushed.stderr);
  assert.match(pushed.stdout, /^published button@0\.1\.0 \(button\) to file:/m);
  assert.equal(assertPublished(remote, repo, source, spec), commit);
  assert.deepEqual(snapshot(repo), before, "the local refs were already there");
  fsckStrict(remote);
});

test("paths choose the atoms (relative to the current directory); --rev picks the source commit", async (t) => {
  const s = await setup(t);
  writeFiles(s.repo, { "pkgs/button/src/lib.nix": "{ }: 44\n" });
  commitAll(s.repo, "work in progress on the button");
  const run = await runEkaJson(join(s.repo, "pkgs"), ["publish", "validator", "--rev", "HEAD~1"]);
  assert.equal(run.code, 0, JSON.stringify(run.json));
  assert.deepEqual(
    run.json.data.atoms.map((a: { label: string }) => a.label),
    ["validator"],
  );
  assertPublished(s.remote, s.repo, s.source, VALIDATOR);
  assert.equal(refMap(s.remote).has("refs/ekala/atoms/button/1.0.0"), false);

  const before = [snapshot(s.repo), snapshot(s.remote)];
  const unknown = await runEka(s.repo, ["publish", "pkgs", "pkgs/nowhere"]);
  assert.equal(unknown.code, 3);
  assert.match(
    unknown.stderr,
    /^error\[EKA_ATOM_MISSING\]: `pkgs`, `pkgs\/nowhere` are not atoms listed in ekala\.toml at HEAD/m,
  );
  assert.match(unknown.stderr, /hint: the atoms are: pkgs\/button, pkgs\/validator/);
  const badRev = await runEka(s.repo, ["publish", "--rev", "no-such-branch"]);
  assert.equal(badRev.code, 3);
  assert.match(badRev.stderr, /^error\[EKA_REVISION_UNKNOWN\]: `no-such-branch` names no commit/m);
  assertNothingChanged(before, [s.repo, s.remote]);
});

test("a working tree that differs from the source commit in the atoms is a warning", async (t) => {
  const s = await setup(t);
  writeFiles(s.repo, {
    "pkgs/button/src/lib.nix": "{ }: 0\n",
    "pkgs/validator/new-file": "untracked\n",
    "README.md": "outside the atoms: no warning for this\n",
  });
  const run = await runEkaJson(s.repo, ["publish", "--dry-run"]);
  assert.equal(run.code, 0);
  assert.deepEqual(run.json.warnings, [
    {
      code: "EKA_WORKTREE_DIFFERS",
      message:
        "the working tree differs from HEAD in pkgs/button (1 file), pkgs/validator (1 file): publishing what HEAD holds, not the working tree",
    },
  ]);
  git(s.repo, "checkout", "--", ".");
  git(s.repo, "clean", "-fdq");
  const clean = await runEkaJson(s.repo, ["publish", "--dry-run"]);
  assert.deepEqual(clean.json.warnings, []);
});

test("errors, each with nothing written: foreign history, another identity, duplicate labels, a submodule, invalid manifests", async (t) => {
  const s = await setup(t);
  const check = async (
    args: string[],
    code: string,
    message: RegExp,
    prepare: () => void = () => {},
  ) => {
    prepare();
    const before = [snapshot(s.repo), snapshot(s.remote)];
    const run = await runEka(s.repo, ["publish", ...args]);
    assert.notEqual(run.code, 0, `${code}: ${run.stdout}`);
    assert.match(run.stderr, new RegExp(`^error\\[${code}\\]: `, "m"));
    assert.match(run.stderr, message);
    assert.match(run.stderr, /^ {2}hint: /m);
    assertNothingChanged(before, [s.repo, s.remote]);
    return run;
  };

  // History that does not descend from the init commit: the commit before it, an orphan branch.
  await check(
    ["--rev", "HEAD~2"],
    "EKA_NOT_DESCENDANT",
    /published history must descend from the init commit/,
  );
  await check([], "EKA_NOT_DESCENDANT", /does not descend from the init commit/, () => {
    git(s.repo, "checkout", "--quiet", "--orphan", "foreign");
    commitAll(s.repo, "same files, unrelated history");
  });
  git(s.repo, "checkout", "--quiet", "--force", "main");

  // A remote holding another identity.
  const other = await tempRepo(t, { initialCommit: true });
  const { remote: theirs, url: theirsUrl } = await bareRemote(t, "file");
  const theirId = await ekaInit(other, theirsUrl);
  const mismatch = await check(
    ["--remote", theirsUrl],
    "EKA_IDENTITY_MISMATCH",
    /another identity/,
  );
  assert.ok(mismatch.stderr.includes(theirId) && mismatch.stderr.includes(s.setId));
  fsckStrict(theirs);

  // Two atoms with one label in one commit.
  const main = git(s.repo, "rev-parse", "HEAD").trim();
  await check([], "EKA_MANIFEST_INVALID", /label `button` is also used by `pkgs\/button`/, () => {
    writeFiles(s.repo, {
      "ekala.toml": ekalaToml([BUTTON.path, VALIDATOR.path, "pkgs/button2"]),
      "pkgs/button2/atom.toml": atomToml("button", "9.9.9"),
    });
    commitAll(s.repo, "a second button");
  });
  git(s.repo, "reset", "--quiet", "--hard", main);
  git(s.repo, "clean", "-fdq");

  // A submodule (gitlink) inside an atom.
  await check([], "EKA_SUBMODULE_IN_ATOM", /pkgs\/button/, () => {
    git(s.repo, "update-index", "--add", "--cacheinfo", `160000,${main},pkgs/button/vendored`);
    git(s.repo, "commit", "--quiet", "-m", "a gitlink in the button");
  });
  git(s.repo, "reset", "--quiet", "--hard", main);

  // Every invalid manifest at once: bad version, unknown key, a listed path without atom.toml.
  const invalid = await check(
    [],
    "EKA_MANIFEST_INVALID",
    /the set at HEAD \([0-9a-f]{12}\) has 3 problems/,
    () => {
      writeFiles(s.repo, {
        "ekala.toml": ekalaToml([BUTTON.path, VALIDATOR.path, "pkgs/empty"]),
        "pkgs/button/atom.toml": atomToml("button", "v1"),
        "pkgs/validator/atom.toml": atomToml("validator", "2.1.0", "colour = 1\n"),
        "pkgs/empty/README": "no atom.toml here\n",
      });
      commitAll(s.repo, "broken manifests");
    },
  );
  assert.match(invalid.stderr, /^ {2}pkgs\/button\/atom\.toml:3:11: invalid version "v1"/m);
  assert.match(invalid.stderr, /^ {2}pkgs\/validator\/atom\.toml:4:1: /m);
  assert.match(invalid.stderr, /^ {2}ekala\.toml:2:\d+: `pkgs\/empty` has no atom\.toml/m);
  git(s.repo, "reset", "--quiet", "--hard", main);
  git(s.repo, "clean", "-fdq");

  // The same repository still publishes once the problems are gone.
  assert.equal((await runEka(s.repo, ["publish"])).code, 0);
});

test("eka list skips malformed refs with a warning and never takes them for atoms", async (t) => {
  const s = await setup(t);
  assert.equal((await runEka(s.repo, ["publish"])).code, 0);
  const refs = refMap(s.remote);
  const button = refs.get("refs/ekala/atoms/button/1.0.0")!;
  const validator = refs.get("refs/ekala/atoms/validator/2.1.0")!;
  const digest = digestOf(s, VALIDATOR);
  git(s.repo, "tag", "--annotate", "--message", "a tag", "an-annotated-tag", button);
  const bogus: Record<string, string> = {
    "refs/ekala/atoms/9lives/1.0.0": button, // a label cannot start with a digit
    "refs/ekala/atoms/bad-version/v1.0": button,
    "refs/ekala/atoms/shape/1.0.0/extra": button,
    "refs/ekala/content/button/1.0.0/not-a-digest": button,
    [`refs/ekala/content/validator/2.1.0/${"0".repeat(52)}`]: button, // not where the atom points
    [`refs/ekala/content/ghost/1.0.0/${digest}`]: validator, // no atom ref beside it
    "refs/ekala/atoms/tagged/1.0.0": "refs/tags/an-annotated-tag",
    "refs/ekala/elsewhere/x": button,
  };
  git(
    s.repo,
    "push",
    "--quiet",
    s.url,
    ...Object.entries(bogus).map(([ref, src]) => `${src}:${ref}`),
  );

  const run = await runEkaJson(s.repo, ["list", s.url]);
  assert.equal(run.code, 0, JSON.stringify(run.json));
  assert.deepEqual(
    run.json.data.atoms.map(
      (a: { label: string; versions: { version: string; commit: string; content: string }[] }) => [
        a.label,
        a.versions.map((v) => [v.version, v.commit, v.content]),
      ],
    ),
    [
      ["button", [["1.0.0", button, digestOf(s, BUTTON)]]],
      ["validator", [["2.1.0", validator, digest]]],
    ],
  );
  assert.equal(run.json.data.skipped, Object.keys(bogus).length);
  const warned = run.json.warnings.map((w: { code: string; message: string }) => {
    assert.equal(w.code, "EKA_REF_SKIPPED");
    return w.message.slice("ignoring ".length, w.message.indexOf(" on "));
  });
  assert.deepEqual(warned.sort(), Object.keys(bogus).sort());
  const tag = run.json.warnings.find((w: { message: string }) => w.message.includes("tagged"));
  assert.match(tag?.message ?? "", /annotated tag .* where a commit is expected/);

  const text = await runEka(s.repo, ["list", s.url]);
  assert.equal(text.code, 0);
  assert.match(
    text.stderr,
    /^warning\[EKA_REF_SKIPPED\]: ignoring refs\/ekala\/atoms\/9lives\/1\.0\.0 on file:/m,
  );
  assert.doesNotMatch(text.stdout, /9lives|tagged|ghost|shape/);
  fsckStrict(s.remote);
});

test("eka list runs outside any repository (a path, a URL); an uninitialized or missing mirror is an error", async (t) => {
  const s = await setup(t);
  assert.equal((await runEka(s.repo, ["publish"])).code, 0);
  const elsewhere = await tempDir(t);
  for (const mirror of [s.remote, s.url]) {
    const run = await runEkaJson(elsewhere, ["list", mirror]);
    assert.equal(run.code, 0, JSON.stringify(run.json));
    assert.equal(run.json.data.setId, s.setId);
    assert.deepEqual(
      run.json.data.atoms.map((a: { label: string }) => a.label),
      ["button", "validator"],
    );
  }
  const { url: empty } = await bareRemote(t, "file");
  const uninitialized = await runEka(elsewhere, ["list", empty]);
  assert.equal(uninitialized.code, 4);
  assert.match(
    uninitialized.stderr,
    /^error\[EKA_NOT_INITIALIZED\]: .* serves no set: it has no refs\/ekala\/init/m,
  );
  const missing = await runEka(elsewhere, ["list", join(elsewhere, "nothing-here")]);
  assert.equal(missing.code, 5);
  assert.match(missing.stderr, /^error\[EKA_REMOTE_UNREACHABLE\]: cannot list the refs of /m);
  const refused = await runEka(elsewhere, ["list", "ext::sh -c touch% /tmp/pwned"]);
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /EKA_TRANSPORT_REFUSED/);
});
