/**
 * The git-binary backend on real repositories: its process model, what git and `fsck --strict`
 * say about what it writes, ref transactions seen from git, discovery.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import { EkaError } from "../../src/core/errors.ts";
import type { GitOid } from "../../src/core/types.ts";
import { type GitBinaryBackend, openRepository } from "../../src/git/index.ts";
import { fsckStrict, git, gitTestEnv, tempDir, tempRepo } from "../helpers/git.ts";

const utf8 = (s: string) => new TextEncoder().encode(s);

async function open(
  t: TestContext,
  dir: string,
  spawned: string[][] = [],
): Promise<GitBinaryBackend> {
  const repo = await openRepository(dir, { env: gitTestEnv, onSpawn: (a) => spawned.push([...a]) });
  t.after(() => repo.close());
  return repo;
}

function entry(mode: string, name: string, oid: GitOid) {
  return { mode, name, nameBytes: utf8(name), oid };
}

test("reads many objects through one cat-file process, writes through one per type", async (t) => {
  const dir = await tempRepo(t, { initialCommit: true });
  const spawned: string[][] = [];
  const writer = await open(t, dir, spawned);
  const afterOpen = writer.spawnCount;
  assert.equal(afterOpen, spawned.length);
  const blobs = await Promise.all(
    Array.from({ length: 300 }, (_, i) => writer.writeObject("blob", utf8(`blob ${i}\n`))),
  );
  for (let i = 0; i < 20; i++) await writer.writeObject("blob", utf8(`sequential ${i}\n`));
  const tree = await writer.writeTree(blobs.map((oid, i) => entry("100644", `f${i}`, oid)));
  assert.equal(writer.spawnCount - afterOpen, 2, "one hash-object per object type");
  assert.deepEqual(
    spawned.slice(afterOpen).map((args) => args.slice(0, 2).join(" ")),
    ["hash-object -w", "hash-object -w"],
  );
  assert.deepEqual(git(dir, "cat-file", "-p", `${blobs[7]}`), "blob 7\n");

  const reads: string[][] = [];
  const reader = await open(t, dir, reads);
  const start = reader.spawnCount;
  const objects = await Promise.all(blobs.map((oid) => reader.readObject(oid)));
  for (const [i, object] of objects.entries()) {
    assert.equal(new TextDecoder().decode(object.data), `blob ${i}\n`);
  }
  for (const oid of blobs.slice(0, 50)) assert.equal(await reader.hasObject(oid), true);
  assert.equal((await reader.readTree(tree)).length, 300);
  assert.deepEqual(await reader.readPath(tree, "f42"), {
    mode: "100644",
    type: "blob",
    oid: blobs[42],
  });
  assert.equal(reader.spawnCount - start, 1, "every read went through one process");
  assert.match(reads.at(-1)!.join(" "), /^cat-file --batch/);
  fsckStrict(dir);
});

test("a commit with extra headers is accepted by git cat-file and fsck --strict", async (t) => {
  const dir = await tempRepo(t, { initialCommit: true });
  const repo = await open(t, dir);
  const head = (await repo.resolveRef("HEAD"))!;
  const parentTree = (await repo.readPath(head, ""))!.oid;
  const manifest = await repo.writeObject("blob", utf8("[set]\npackages = []\n"));
  const tree = await repo.writeTree([
    ...(await repo.readTree(parentTree)),
    entry("100644", "ekala.toml", manifest),
  ]);
  const entropy = "0123456789abcdef".repeat(4);
  const author = await repo.ident("author");
  const committer = await repo.ident("committer");
  const body = `tree ${tree}\nparent ${head}\nauthor ${author}\ncommitter ${committer}\nekala v1\nentropy ${entropy}\n\neka init\n`;
  const commit = await repo.writeObject("commit", utf8(body));
  assert.equal(git(dir, "cat-file", "commit", commit), body);
  const pretty = git(dir, "cat-file", "-p", commit);
  assert.match(pretty, /\nekala v1\nentropy 0123456789abcdef/);
  assert.equal(git(dir, "cat-file", "-t", commit), "commit\n");

  await repo.updateRefs(
    [
      { kind: "update", ref: "refs/heads/main", oid: commit, old: head },
      { kind: "create", ref: "refs/ekala/init", oid: commit },
    ],
    "eka init",
  );
  await repo.stageEntry("ekala.toml", "100644", manifest);
  writeFileSync(join(dir, "ekala.toml"), "[set]\npackages = []\n");
  assert.equal(git(dir, "status", "--porcelain"), "", "index and working tree match the commit");
  assert.equal(git(dir, "rev-parse", "refs/ekala/init"), `${commit}\n`);
  assert.match(git(dir, "reflog", "-1", "--format=%gs", "refs/heads/main"), /^eka init/);
  assert.equal(git(dir, "log", "--format=%s", "-1"), "eka init\n");
  fsckStrict(dir);
});

test("a transaction with one stale lease changes no ref at all", async (t) => {
  const dir = await tempRepo(t, { initialCommit: true });
  const repo = await open(t, dir);
  const head = (await repo.resolveRef("HEAD"))!;
  git(dir, "update-ref", "refs/ekala/init", head);
  const before = git(dir, "for-each-ref");
  const other = await repo.writeObject(
    "commit",
    utf8(
      `tree ${(await repo.readPath(head, ""))!.oid}\nauthor ${await repo.ident("author")}\ncommitter ${await repo.ident("committer")}\n\nother\n`,
    ),
  );
  const error = await repo
    .updateRefs(
      [
        { kind: "update", ref: "refs/heads/main", oid: other, old: head },
        { kind: "create", ref: "refs/ekala/atoms/a/1.0.0", oid: other },
        { kind: "create", ref: "refs/ekala/init", oid: other },
      ],
      "eka test",
    )
    .then(
      () => assert.fail("the transaction should fail"),
      (e: unknown) => e,
    );
  assert.ok(error instanceof EkaError);
  assert.equal(error.code, "EKA_REF_CONFLICT");
  assert.match(error.message, /refs\/ekala\/init/);
  assert.deepEqual(error.data?.["refs"], [
    { ref: "refs/ekala/init", expected: null, actual: head },
  ]);
  assert.equal(git(dir, "for-each-ref"), before);
  fsckStrict(dir);
});

test("push: atomic, leased, and a second publish of the same ref leaves the remote as it was", async (t) => {
  const dir = await tempRepo(t, { initialCommit: true });
  const bare = await tempRepo(t, { bare: true });
  const repo = await open(t, dir);
  const head = (await repo.resolveRef("HEAD"))!;
  const remote = await repo.resolveRemote(`file://${bare}`);
  await repo.push(remote, [
    { ref: "refs/ekala/init", oid: head, expect: null },
    { ref: "refs/ekala/atoms/a/1.0.0", oid: head, expect: null },
  ]);
  const published = git(bare, "for-each-ref", "--format=%(refname) %(objectname)");
  assert.equal(published, `refs/ekala/atoms/a/1.0.0 ${head}\nrefs/ekala/init ${head}\n`);

  // Another publisher's version of a@1.0.0 (a different commit): rejected, and b is not pushed.
  const tree = (await repo.readPath(head, ""))!.oid;
  const ident = await repo.ident("committer");
  const other = await repo.writeObject(
    "commit",
    utf8(`tree ${tree}\nauthor ${ident}\ncommitter ${ident}\n\nother\n`),
  );
  const error = await repo
    .push(remote, [
      { ref: "refs/ekala/atoms/b/1.0.0", oid: other, expect: null },
      { ref: "refs/ekala/atoms/a/1.0.0", oid: other, expect: null },
    ])
    .then(
      () => assert.fail("the push should be rejected"),
      (e: unknown) => e,
    );
  assert.ok(error instanceof EkaError);
  assert.equal(error.code, "EKA_REF_CONFLICT");
  assert.equal(error.data?.["location"], `file://${bare}`);
  assert.match(error.message, /refs\/ekala\/atoms\/a\/1\.0\.0/);
  assert.deepEqual(
    ((error.data?.["refs"] ?? []) as { ref: string }[]).map((r) => r.ref),
    ["refs/ekala/atoms/a/1.0.0"],
  );
  assert.equal(git(bare, "for-each-ref", "--format=%(refname) %(objectname)"), published);
  assert.equal(
    spawnSync("git", ["cat-file", "-e", other], { cwd: bare }).status,
    1,
    "no objects sent",
  );
  fsckStrict(bare);
});

test("transports: ext::, fd:: and option-like URLs never reach a command", async (t) => {
  const dir = await tempRepo(t, { initialCommit: true });
  const scratch = await tempDir(t);
  const marker = join(scratch, "pwned");
  const spawned: string[][] = [];
  const repo = await open(t, dir, spawned);
  const head = (await repo.resolveRef("HEAD"))!;
  const before = spawned.length;
  for (const url of [`ext::sh -c touch% ${marker}`, "fd::1", `--upload-pack=touch ${marker}`]) {
    await assert.rejects(repo.resolveRemote(url), { code: "EKA_TRANSPORT_REFUSED" });
    const forged = { name: null, url, display: url };
    await assert.rejects(repo.listRemoteRefs(forged, []), { code: "EKA_TRANSPORT_REFUSED" });
    await assert.rejects(repo.fetch(forged, ["refs/x"]), { code: "EKA_TRANSPORT_REFUSED" });
    await assert.rejects(repo.push(forged, [{ ref: "refs/x", oid: head, expect: null }]), {
      code: "EKA_TRANSPORT_REFUSED",
    });
  }
  // `git remote` is the only process resolveRemote may start before refusing a URL.
  assert.ok(spawned.slice(before).every((args) => args[0] === "remote"));

  // The second wall: even if eka's check were bypassed, git itself refuses ext::.
  const { GitRunner } = await import("../../src/git/git-runner.ts");
  const runner = new GitRunner({ cwd: dir, env: gitTestEnv });
  const result = await runner.run(["ls-remote", "--", `ext::sh -c touch% ${marker}`]);
  assert.notEqual(result.code, 0);
  assert.match(result.stderr, /transport 'ext' not allowed/);

  // A configured remote whose URL is refused is refused too.
  git(dir, "remote", "add", "evil", `ext::sh -c touch% ${marker}`);
  await assert.rejects(repo.resolveRemote("evil"), { code: "EKA_TRANSPORT_REFUSED" });
  assert.equal(spawnSync("test", ["-e", marker]).status, 1, "no command ran");
});

test("values starting with - are never read as options", async (t) => {
  const dir = await tempRepo(t, { initialCommit: true });
  const bare = await tempRepo(t, { bare: true });
  const scratch = await tempDir(t);
  const marker = join(scratch, "out");
  const repo = await open(t, dir);
  const head = (await repo.resolveRef("HEAD"))!;
  assert.equal(await repo.resolveRef(`--output=${marker}`), null);
  assert.equal(await repo.resolveCommit(`--output=${marker}`), null);
  assert.equal(await repo.resolveCommit("--all"), null);
  assert.equal(await repo.resolveCommit("-h"), null);
  assert.equal(await repo.readPath(head, "--help"), null);
  const blob = await repo.writeObject("blob", utf8("dash\n"));
  await repo.stageEntry("-x", "100644", blob);
  assert.match(git(dir, "ls-files", "--", "-x"), /^-x$/m);
  const remote = await repo.resolveRemote(bare);
  await assert.rejects(repo.fetch(remote, [`--upload-pack=touch ${marker}`]), EkaError);
  assert.deepEqual(await repo.listRemoteRefs(remote, [`--upload-pack=touch ${marker}`]), []);
  await assert.rejects(
    repo.push(remote, [{ ref: `--receive-pack=touch ${marker}`, oid: head, expect: null }]),
    { code: "EKA_REF_INVALID" },
  );
  assert.equal(spawnSync("test", ["-e", marker]).status, 1, "nothing was written by an option");
});

test("credentials never appear in errors", async (t) => {
  const dir = await tempRepo(t, { initialCommit: true });
  const repo = await open(t, dir);
  // Port 1 on loopback: refused at once, no network needed.
  const remote = await repo.resolveRemote("https://user:hunter2@127.0.0.1:1/atoms.git");
  assert.equal(remote.display, "https://127.0.0.1:1/atoms.git");
  const error = await repo.listRemoteRefs(remote, []).then(
    () => assert.fail("nothing listens there"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof EkaError);
  assert.equal(error.code, "EKA_REMOTE_UNREACHABLE");
  assert.doesNotMatch(JSON.stringify(error.toJSON()), /hunter2/);
});

test("remotes: configured names, insteadOf, relative paths", async (t) => {
  const dir = await tempRepo(t, { initialCommit: true });
  const parent = await tempDir(t);
  git(parent, "init", "--quiet", "--bare", "mirror.git");
  git(dir, "remote", "add", "origin", `file://${parent}/mirror.git`);
  git(dir, "config", `url.file://${parent}/.insteadOf`, "company:");
  const sub = join(dir, "sub");
  mkdirSync(sub);
  const repo = await open(t, sub);
  assert.equal(repo.workTree, dir);
  assert.deepEqual(await repo.resolveRemote("origin"), {
    name: "origin",
    url: `file://${parent}/mirror.git`,
    display: `file://${parent}/mirror.git`,
  });
  assert.equal((await repo.resolveRemote("company:mirror.git")).url, `file://${parent}/mirror.git`);
  // A relative path the user gives is relative to the directory eka was opened in.
  assert.equal((await repo.resolveRemote("../../mirror.git")).url, join(sub, "../../mirror.git"));
  const mirror = await repo.resolveRemote("company:mirror.git");
  assert.deepEqual(await repo.listRemoteRefs(mirror, []), []);
});

test("discovery: subdirectories, bare repositories, and no repository at all", async (t) => {
  const dir = await tempRepo(t, { initialCommit: true });
  mkdirSync(join(dir, "a", "b"), { recursive: true });
  const inner = await open(t, join(dir, "a", "b"));
  assert.equal(inner.workTree, dir);
  assert.equal(inner.gitDir, join(dir, ".git"));
  assert.equal(inner.objectFormat, "sha1");
  const bare = await open(t, await tempRepo(t, { bare: true, objectFormat: "sha256" }));
  assert.equal(bare.workTree, null);
  assert.equal(bare.objectFormat, "sha256");
  const empty = await tempDir(t);
  await assert.rejects(
    openRepository(empty, { env: { ...gitTestEnv, GIT_CEILING_DIRECTORIES: empty } }),
    (e) => {
      assert.ok(e instanceof EkaError);
      assert.equal(e.code, "EKA_NOT_A_REPO");
      assert.match(e.hint ?? "", /git init/);
      return true;
    },
  );
  await assert.rejects(openRepository(join(empty, "missing")), { code: "EKA_NOT_A_REPO" });
});

test("paths with newlines are read by walking trees", async (t) => {
  const dir = await tempRepo(t);
  const repo = await open(t, dir);
  const blob = await repo.writeObject("blob", utf8("x"));
  const inner = await repo.writeTree([entry("100644", "file", blob)]);
  const tree = await repo.writeTree([entry("40000", "odd\nname", inner)]);
  assert.deepEqual(await repo.readPath(tree, "odd\nname/file"), {
    mode: "100644",
    type: "blob",
    oid: blob,
  });
  assert.equal(await repo.readPath(tree, "odd\nname/none"), null);
  fsckStrict(dir);
});

test("a process that forgets close() still exits, and close() itself finishes", async (t) => {
  const dir = await tempRepo(t, { initialCommit: true });
  const module = new URL("../../src/git/index.ts", import.meta.url).href;
  for (const ending of ["", "await repo.close(); console.log('closed');"]) {
    const script = `
      import { openRepository } from ${JSON.stringify(module)};
      const repo = await openRepository(${JSON.stringify(dir)});
      const head = await repo.resolveRef("HEAD");
      await repo.readObject(head);
      await repo.writeObject("blob", new TextEncoder().encode("left open\\n"));
      console.log("done");
      ${ending}
    `;
    const result = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
      env: gitTestEnv,
      encoding: "utf8",
      timeout: 20_000,
    });
    assert.equal(result.signal, null, `the process hung: ${result.stderr}`);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, ending === "" ? "done\n" : "done\nclosed\n");
  }
});

test("older git: cat-file --batch and --batch-check speak the same protocol", async (t) => {
  const dir = await tempRepo(t, { initialCommit: true });
  const { GitRunner } = await import("../../src/git/git-runner.ts");
  const { ObjectReader } = await import("../../src/git/object-reader.ts");
  const runner = new GitRunner({ cwd: dir, env: gitTestEnv });
  const reader = new ObjectReader(runner, "sha1", false);
  t.after(() => reader.close());
  const head = git(dir, "rev-parse", "HEAD").trim();
  const readme = git(dir, "rev-parse", "HEAD:README.md").trim();
  const [commit, blob, info, absent, absentInfo] = await Promise.all([
    reader.contents(head),
    reader.contents(`${head}:README.md`),
    reader.info(readme),
    reader.contents("0".repeat(40)),
    reader.info(`${head}:nope`),
  ]);
  assert.equal(commit?.type, "commit");
  assert.equal(blob?.oid, readme);
  assert.equal(new TextDecoder().decode(blob?.data), "# test repository\n");
  assert.deepEqual(info, { oid: readme, type: "blob", size: 18 });
  assert.equal(absent, null);
  assert.equal(absentInfo, null);
  assert.equal(runner.spawnCount, 2, "one --batch and one --batch-check");
});

test("older git: objects stream through cat-file --batch too", async (t) => {
  const dir = await tempRepo(t);
  const { GitRunner } = await import("../../src/git/git-runner.ts");
  const { ObjectReader } = await import("../../src/git/object-reader.ts");
  const data = Buffer.alloc(300_000, "streamed ");
  writeFileSync(join(dir, "big.txt"), data);
  const oid = git(dir, "hash-object", "-w", "big.txt").trim();
  const reader = new ObjectReader(new GitRunner({ cwd: dir, env: gitTestEnv }), "sha1", false);
  t.after(() => reader.close());
  const pieces: Buffer[] = [];
  const sink = { begin: () => {}, chunk: (bytes: Uint8Array) => pieces.push(Buffer.from(bytes)) };
  const [info, absent] = await Promise.all([
    reader.stream(oid, sink),
    reader.stream("0".repeat(40), sink),
  ]);
  assert.deepEqual(info, { oid, type: "blob", size: data.length });
  assert.equal(absent, null);
  assert.ok(Buffer.concat(pieces).equals(data));
});
