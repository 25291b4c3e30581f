/**
 * The behaviour every `GitBackend` must have, as one test suite run against each implementation
 * (the git binary on real temporary repositories, and the in-memory double), so the double can
 * never drift from the real thing. Test support only: imports `node:test`.
 *
 *   backendContract("memory", async (t) => memoryHarness(t));
 */
import assert from "node:assert/strict";
import { describe, type TestContext, test } from "node:test";
import { EkaError, type ErrorCode } from "../core/errors.ts";
import type { GitOid } from "../core/types.ts";
import type { GitBackend, ObjectType, TreeEntry } from "./backend.ts";
import { encodeTree, hashObject, isValidIdent } from "./objects.ts";

export interface BackendHarness {
  /** A new repository with a working tree and an unborn `refs/heads/main` (bare when asked). */
  repo(options?: { readonly bare?: boolean }): Promise<GitBackend>;
  /** A new bare repository that this harness's repositories reach at `url`. */
  remote(): Promise<{ readonly url: string; readonly backend: GitBackend }>;
  /** A URL with an allowed transport where there is no repository. */
  readonly unreachableUrl: string;
  /** Extra checks on a repository after a test wrote to it (e.g. `git fsck --strict`). */
  verify?(backend: GitBackend): Promise<void> | void;
}

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const show = (data: Uint8Array): string => new TextDecoder().decode(data);

const AUTHOR = "Contract Test <contract@example.com> 1700000000 +0000";

function entry(mode: string, name: string, oid: GitOid): Omit<TreeEntry, "type"> {
  return { mode, name, nameBytes: text(name), oid };
}

function commitBytes(
  tree: GitOid,
  parents: readonly GitOid[],
  message: string,
  extra = "",
): Uint8Array {
  const lines = [`tree ${tree}`, ...parents.map((p) => `parent ${p}`)];
  lines.push(`author ${AUTHOR}`, `committer ${AUTHOR}`);
  return text(`${lines.join("\n")}\n${extra}\n${message}\n`);
}

async function rejectsWith(promise: Promise<unknown>, code: ErrorCode): Promise<EkaError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof EkaError, `expected EkaError ${code}, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return error;
  }
  assert.fail(`expected ${code}, but it succeeded`);
}

/** A blob, a tree holding it (and a subtree), and a commit; returns their ids. */
async function smallHistory(repo: GitBackend, message = "first") {
  const blob = await repo.writeObject("blob", text("hello\n"));
  const sub = await repo.writeTree([entry("100644", "file.txt", blob)]);
  const tree = await repo.writeTree([
    entry("100644", "README", blob),
    entry("40000", "dir", sub),
    entry("100755", "-n", blob),
  ]);
  const commit = await repo.writeObject("commit", commitBytes(tree, [], message));
  return { blob, sub, tree, commit };
}

export function backendContract(
  name: string,
  makeHarness: (t: TestContext) => Promise<BackendHarness>,
): void {
  describe(`GitBackend contract: ${name}`, () => {
    test("writes and reads blobs under git's object ids", async (t) => {
      const h = await makeHarness(t);
      const repo = await h.repo();
      const oid = await repo.writeObject("blob", text("hello\n"));
      if (repo.objectFormat === "sha1")
        assert.equal(oid, "ce013625030ba8dba906f756967f9e9ca394464a");
      assert.equal(oid, hashObject("blob", text("hello\n"), repo.objectFormat));
      const object = await repo.readObject(oid);
      assert.equal(object.type, "blob");
      assert.equal(object.oid, oid);
      assert.equal(show(object.data), "hello\n");
      assert.equal(await repo.hasObject(oid), true);
      const empty = await repo.writeObject("blob", new Uint8Array());
      assert.equal((await repo.readObject(empty)).data.length, 0);
      const binary = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 7) % 256);
      const big = await repo.writeObject("blob", binary);
      assert.deepEqual((await repo.readObject(big)).data, binary);
      await h.verify?.(repo);
    });

    test("streams objects in pieces, with the same bytes readObject reads", async (t) => {
      const repo = await (await makeHarness(t)).repo();
      const binary = Uint8Array.from({ length: 300_000 }, (_, i) => (i * 31 + (i >> 9)) % 256);
      const big = await repo.writeObject("blob", binary);
      const empty = await repo.writeObject("blob", new Uint8Array());
      const { tree } = await smallHistory(repo);
      const streamed = async (oid: GitOid) => {
        const pieces: Uint8Array[] = [];
        let header: [ObjectType, number] | null = null;
        await repo.readObjectStream(oid, {
          begin: (type, size) => {
            assert.equal(header, null, "begin is called once");
            header = [type, size];
          },
          chunk: (bytes) => pieces.push(bytes.slice()),
        });
        return { header, data: Buffer.concat(pieces) };
      };
      // Issued together: they share the reader and are answered in order.
      const [a, b, c] = await Promise.all([streamed(big), streamed(empty), streamed(tree)]);
      assert.deepEqual(a.header, ["blob", binary.length]);
      assert.ok(a.data.equals(binary));
      assert.deepEqual(b.header, ["blob", 0]);
      assert.equal(b.data.length, 0);
      const read = await repo.readObject(tree);
      assert.deepEqual(c.header, ["tree", read.data.length]);
      assert.ok(c.data.equals(read.data));
      const absent = hashObject("blob", text("never written\n"), repo.objectFormat);
      const sink = { begin: () => assert.fail("no begin"), chunk: () => assert.fail("no bytes") };
      await rejectsWith(repo.readObjectStream(absent, sink), "EKA_OBJECT_MISSING");
      await rejectsWith(repo.readObjectStream("abc" as GitOid, sink), "EKA_OID_INVALID");
    });

    test("a stream whose sink throws fails alone; the next reads still work", async (t) => {
      const repo = await (await makeHarness(t)).repo();
      const binary = Uint8Array.from({ length: 100_000 }, (_, i) => i % 251);
      const big = await repo.writeObject("blob", binary);
      const failing = repo.readObjectStream(big, {
        begin: () => {},
        chunk: () => {
          throw new EkaError("EKA_INTERNAL", "sink refused");
        },
      });
      const after = repo.readObject(big);
      const error = await rejectsWith(failing, "EKA_INTERNAL");
      assert.equal(error.message, "sink refused");
      assert.deepEqual((await after).data, binary);
    });

    test("reports missing objects and malformed ids", async (t) => {
      const repo = await (await makeHarness(t)).repo();
      const absent = hashObject("blob", text("never written\n"), repo.objectFormat);
      assert.equal(await repo.hasObject(absent), false);
      await rejectsWith(repo.readObject(absent), "EKA_OBJECT_MISSING");
      await rejectsWith(repo.readObject("abc" as GitOid), "EKA_OID_INVALID");
      await rejectsWith(repo.readObject("--batch" as GitOid), "EKA_OID_INVALID");
    });

    test("writes trees in git's order (a tree sorts as if its name ended with /)", async (t) => {
      const h = await makeHarness(t);
      const repo = await h.repo();
      const blob = await repo.writeObject("blob", text("x"));
      const sub = await repo.writeTree([entry("100644", "x", blob)]);
      const entries = [
        entry("100644", "b", blob),
        entry("40000", "a", sub),
        entry("100644", "a.c", blob),
        entry("100644", "a-b", blob),
      ];
      const tree = await repo.writeTree(entries);
      assert.equal(
        tree,
        hashObject("tree", encodeTree(entries, repo.objectFormat), repo.objectFormat),
      );
      const read = await repo.readTree(tree);
      assert.deepEqual(
        read.map((e) => [e.name, e.mode, e.type]),
        [
          ["a-b", "100644", "blob"],
          ["a.c", "100644", "blob"],
          ["a", "40000", "tree"],
          ["b", "100644", "blob"],
        ],
      );
      assert.deepEqual(read[2]!.nameBytes, text("a"));
      const emptyTree = await repo.writeTree([]);
      if (repo.objectFormat === "sha1") {
        assert.equal(emptyTree, "4b825dc642cb6eb9a060e54bf8d69288fbee4904");
      }
      await h.verify?.(repo);
    });

    test("refuses objects git fsck --strict would reject", async (t) => {
      const repo = await (await makeHarness(t)).repo();
      const blob = await repo.writeObject("blob", text("x"));
      const bad: Omit<TreeEntry, "type">[][] = [
        [entry("100644", "a/b", blob)],
        [entry("100644", ".git", blob)],
        [entry("100644", ".GIT", blob)],
        [entry("100644", "..", blob)],
        [entry("100644", "", blob)],
        [entry("100664", "x", blob)],
        [entry("040000", "x", blob)],
        [entry("100644", "x", blob), entry("100755", "x", blob)],
        [entry("120000", ".gitmodules", blob)],
      ];
      for (const entries of bad) {
        await rejectsWith(repo.writeTree(entries), "EKA_OBJECT_INVALID");
      }
      const tree = await repo.writeTree([entry("100644", "x", blob)]);
      const badCommits = [
        `tree ${tree}\nauthor A<a@b> 0 +0000\ncommitter A <a@b> 0 +0000\n\nm\n`,
        `tree ${tree}\nauthor A <a@b> 0 +0000\n\nm\n`,
        `tree ${tree}\nauthor A <a@b> 0 +000\ncommitter A <a@b> 0 +0000\n\nm\n`,
        `tree ${tree}\nauthor A <a@b> 01 +0000\ncommitter A <a@b> 0 +0000\n\nm\n`,
        `tree ${tree.slice(1)}\nauthor A <a@b> 0 +0000\ncommitter A <a@b> 0 +0000\n\nm\n`,
        `author A <a@b> 0 +0000\ncommitter A <a@b> 0 +0000\n\nm\n`,
        `tree ${tree}\nauthor A <a@b> 0 +0000\ncommitter A <a@b> 0 +0000\nx\0y\n\nm\n`,
        `tree ${tree}\nauthor A <a@b> 0 +0000\ncommitter A <a@b> 0 +0000`,
      ];
      for (const commit of badCommits) {
        await rejectsWith(repo.writeObject("commit", text(commit)), "EKA_OBJECT_INVALID");
      }
      const unsorted = new Uint8Array(
        Buffer.concat([
          encodeTree([entry("100644", "b", blob)], repo.objectFormat),
          encodeTree([entry("100644", "a", blob)], repo.objectFormat),
        ]),
      );
      await rejectsWith(repo.writeObject("tree", unsorted), "EKA_OBJECT_INVALID");
    });

    test("writes commits with extra headers byte for byte", async (t) => {
      const h = await makeHarness(t);
      const repo = await h.repo();
      const { tree, blob } = await smallHistory(repo);
      const entropy = "ab".repeat(32);
      const bytes = commitBytes(tree, [], "eka init", `ekala v1\nentropy ${entropy}\n`);
      const oid = await repo.writeObject("commit", bytes);
      const read = await repo.readObject(oid);
      assert.equal(read.type, "commit");
      assert.deepEqual(read.data, bytes);
      assert.equal(oid, hashObject("commit", bytes, repo.objectFormat));
      // readTree and readPath accept a commit for its tree.
      assert.deepEqual(
        (await repo.readTree(oid)).map((e) => e.name),
        ["-n", "README", "dir"],
      );
      assert.deepEqual(await repo.readPath(oid, "dir/file.txt"), {
        mode: "100644",
        type: "blob",
        oid: blob,
      });
      await h.verify?.(repo);
    });

    test("reads paths inside trees and commits", async (t) => {
      const repo = await (await makeHarness(t)).repo();
      const { blob, sub, tree, commit } = await smallHistory(repo);
      assert.deepEqual(await repo.readPath(tree, "README"), {
        mode: "100644",
        type: "blob",
        oid: blob,
      });
      assert.deepEqual(await repo.readPath(commit, "dir"), {
        mode: "40000",
        type: "tree",
        oid: sub,
      });
      assert.deepEqual(await repo.readPath(commit, ""), { mode: "40000", type: "tree", oid: tree });
      assert.deepEqual(await repo.readPath(commit, "-n"), {
        mode: "100755",
        type: "blob",
        oid: blob,
      });
      assert.equal(await repo.readPath(commit, "nope"), null);
      assert.equal(await repo.readPath(commit, "dir/nope"), null);
      assert.equal(await repo.readPath(commit, "README/x"), null);
      assert.equal(await repo.readPath(commit, "nope/deeper/x"), null);
      await rejectsWith(repo.readPath(commit, "../x"), "EKA_PATH_INVALID");
      await rejectsWith(repo.readPath(commit, "dir//file.txt"), "EKA_PATH_INVALID");
      await rejectsWith(repo.readPath(commit, "/dir"), "EKA_PATH_INVALID");
      await rejectsWith(repo.readPath(blob, "x"), "EKA_OBJECT_INVALID");
      await rejectsWith(repo.readTree(blob), "EKA_OBJECT_INVALID");
      const absent = hashObject("tree", new Uint8Array(), repo.objectFormat).replace(/.$/, "0");
      await rejectsWith(repo.readPath(absent as GitOid, "x"), "EKA_OBJECT_MISSING");
    });

    test("resolves refs and HEAD; names that are not refs resolve to nothing", async (t) => {
      const repo = await (await makeHarness(t)).repo();
      assert.equal(await repo.headBranch(), "refs/heads/main");
      assert.equal(await repo.resolveRef("HEAD"), null, "unborn branch");
      assert.equal(await repo.resolveRef("refs/heads/main"), null);
      assert.equal(await repo.resolveCommit("HEAD"), null);
      const { commit, tree } = await smallHistory(repo);
      await repo.updateRefs([{ kind: "create", ref: "refs/heads/main", oid: commit }], "test");
      assert.equal(await repo.resolveRef("HEAD"), commit);
      assert.equal(await repo.resolveRef("refs/heads/main"), commit);
      assert.equal(await repo.resolveCommit("HEAD"), commit);
      assert.equal(await repo.resolveCommit("main"), commit);
      assert.equal(await repo.resolveCommit(commit), commit);
      assert.equal(await repo.resolveCommit(tree), null, "a tree is not a commit");
      for (const name of [
        "--all",
        "-q",
        "main",
        "refs/heads/../x",
        "refs/heads/a b",
        "",
        "refs/",
      ]) {
        assert.equal(await repo.resolveRef(name), null, name);
      }
      for (const rev of ["--all", "--output=/tmp/eka-contract-x", "-h"]) {
        assert.equal(await repo.resolveCommit(rev), null, rev);
      }
    });

    test("applies ref transactions atomically, with leases", async (t) => {
      const h = await makeHarness(t);
      const repo = await h.repo();
      const a = (await smallHistory(repo, "a")).commit;
      const b = (await smallHistory(repo, "b")).commit;
      await repo.updateRefs(
        [
          { kind: "create", ref: "refs/ekala/init", oid: a },
          { kind: "create", ref: "refs/ekala/atoms/x/1.0.0", oid: b },
        ],
        "eka test: create",
      );
      assert.deepEqual(await repo.listRefs(["refs/ekala/"]), [
        { ref: "refs/ekala/atoms/x/1.0.0", oid: b },
        { ref: "refs/ekala/init", oid: a },
      ]);
      assert.deepEqual(await repo.listRefs(["refs/ekala/atoms/"]), [
        { ref: "refs/ekala/atoms/x/1.0.0", oid: b },
      ]);
      assert.deepEqual(await repo.listRefs(["refs/ekala/in"]), [
        { ref: "refs/ekala/init", oid: a },
      ]);

      // One failing lease: nothing changes, and the error names the ref and expectation.
      const error = await rejectsWith(
        repo.updateRefs(
          [
            { kind: "create", ref: "refs/ekala/atoms/y/1.0.0", oid: a },
            { kind: "update", ref: "refs/ekala/init", oid: b, old: b },
          ],
          "eka test: stale",
        ),
        "EKA_REF_CONFLICT",
      );
      assert.match(error.message, /refs\/ekala\/init/);
      assert.match(error.message, new RegExp(b));
      assert.deepEqual(error.data?.["refs"], [{ ref: "refs/ekala/init", expected: b, actual: a }]);
      assert.equal(await repo.resolveRef("refs/ekala/atoms/y/1.0.0"), null);
      assert.equal(await repo.resolveRef("refs/ekala/init"), a);

      // create of an existing ref is a conflict too
      await rejectsWith(
        repo.updateRefs([{ kind: "create", ref: "refs/ekala/init", oid: b }], "t"),
        "EKA_REF_CONFLICT",
      );
      // a missing object is refused, nothing changes
      const absent = hashObject("commit", text("absent"), repo.objectFormat);
      await rejectsWith(
        repo.updateRefs(
          [
            { kind: "create", ref: "refs/ekala/atoms/z/1.0.0", oid: a },
            { kind: "create", ref: "refs/ekala/atoms/w/1.0.0", oid: absent },
          ],
          "t",
        ),
        "EKA_OBJECT_MISSING",
      );
      assert.equal(await repo.resolveRef("refs/ekala/atoms/z/1.0.0"), null);

      await repo.updateRefs(
        [
          { kind: "update", ref: "refs/ekala/init", oid: b, old: a },
          { kind: "delete", ref: "refs/ekala/atoms/x/1.0.0", old: b },
        ],
        "eka test: move",
      );
      assert.equal(await repo.resolveRef("refs/ekala/init"), b);
      assert.equal(await repo.resolveRef("refs/ekala/atoms/x/1.0.0"), null);
      await rejectsWith(
        repo.updateRefs([{ kind: "delete", ref: "refs/ekala/init", old: a }], "t"),
        "EKA_REF_CONFLICT",
      );
      for (const ref of ["--all", "refs/heads/a..b", "refs/x.lock", "main"]) {
        await rejectsWith(
          repo.updateRefs([{ kind: "create", ref, oid: a }], "t"),
          "EKA_REF_INVALID",
        );
      }
      await rejectsWith(
        repo.updateRefs(
          [
            { kind: "create", ref: "refs/x", oid: a },
            { kind: "create", ref: "refs/x", oid: b },
          ],
          "t",
        ),
        "EKA_REF_INVALID",
      );
      await repo.updateRefs([], "nothing");
      await h.verify?.(repo);
    });

    test("answers ancestry questions", async (t) => {
      const repo = await (await makeHarness(t)).repo();
      const first = await smallHistory(repo);
      const second = await repo.writeObject("commit", commitBytes(first.tree, [first.commit], "2"));
      const third = await repo.writeObject("commit", commitBytes(first.tree, [second], "3"));
      const other = await repo.writeObject("commit", commitBytes(first.tree, [], "other"));
      assert.equal(await repo.isAncestor(first.commit, third), true);
      assert.equal(await repo.isAncestor(third, first.commit), false);
      assert.equal(await repo.isAncestor(third, third), true);
      assert.equal(await repo.isAncestor(other, third), false);
      const absent = hashObject("commit", text("absent"), repo.objectFormat);
      await rejectsWith(repo.isAncestor(absent, third), "EKA_OBJECT_MISSING");
    });

    test("stages index entries in a working tree only", async (t) => {
      const h = await makeHarness(t);
      const repo = await h.repo();
      const blob = await repo.writeObject("blob", text("[set]\n"));
      await repo.stageEntry("ekala.toml", "100644", blob);
      await repo.stageEntry("-dash/file", "100644", blob);
      await rejectsWith(repo.stageEntry("../x", "100644", blob), "EKA_PATH_INVALID");
      const bare = await h.repo({ bare: true });
      assert.equal(bare.workTree, null);
      const blob2 = await bare.writeObject("blob", text("x"));
      await rejectsWith(bare.stageEntry("x", "100644", blob2), "EKA_NOT_A_REPO");
    });

    test("knows who the user is", async (t) => {
      const repo = await (await makeHarness(t)).repo();
      for (const kind of ["author", "committer"] as const) {
        const ident = await repo.ident(kind);
        assert.ok(isValidIdent(ident), ident);
      }
    });

    test("resolves remotes and refuses dangerous transports", async (t) => {
      const h = await makeHarness(t);
      const repo = await h.repo();
      const { url } = await h.remote();
      const remote = await repo.resolveRemote(url);
      assert.deepEqual(remote, { name: null, url, display: url });
      const secret = await repo.resolveRemote("https://user:hunter2@git.example.com/atoms.git");
      assert.doesNotMatch(secret.display, /hunter2|user/);
      for (const bad of [
        "ext::sh -c touch% /tmp/eka-pwned",
        "fd::1",
        "--upload-pack=touch /tmp/eka-pwned",
        "-oProxyCommand=x",
        "ssh://-oProxyCommand=x/repo",
        "foo::bar",
        "ftp://example.com/x",
      ]) {
        await rejectsWith(repo.resolveRemote(bad), "EKA_TRANSPORT_REFUSED");
      }
      await rejectsWith(repo.resolveRemote(""), "EKA_REMOTE_INVALID");
      const forged = { name: null, url: "ext::sh -c touch% /tmp/eka-pwned", display: "x" };
      await rejectsWith(repo.listRemoteRefs(forged, []), "EKA_TRANSPORT_REFUSED");
      await rejectsWith(repo.fetch(forged, ["refs/x"]), "EKA_TRANSPORT_REFUSED");
      const { commit } = await smallHistory(repo);
      await rejectsWith(
        repo.push(forged, [{ ref: "refs/x", oid: commit, expect: null }]),
        "EKA_TRANSPORT_REFUSED",
      );
      const nowhere = await repo.resolveRemote(h.unreachableUrl);
      await rejectsWith(repo.listRemoteRefs(nowhere, []), "EKA_REMOTE_UNREACHABLE");
    });

    test("pushes atomically with leases; a rejected lease changes nothing", async (t) => {
      const h = await makeHarness(t);
      const repo = await h.repo();
      const target = await h.remote();
      const remote = await repo.resolveRemote(target.url);
      const a = await smallHistory(repo, "a");
      const b = await smallHistory(repo, "b");
      await repo.push(remote, [
        { ref: "refs/ekala/init", oid: a.commit, expect: null },
        { ref: "refs/ekala/atoms/x/1.0.0", oid: b.commit, expect: null },
      ]);
      const after = [
        { ref: "refs/ekala/atoms/x/1.0.0", oid: b.commit },
        { ref: "refs/ekala/init", oid: a.commit },
      ];
      assert.deepEqual(await repo.listRemoteRefs(remote, ["refs/ekala/"]), after);
      assert.deepEqual(await target.backend.listRefs([]), after);
      assert.equal(await target.backend.hasObject(b.blob), true, "objects travel with the refs");

      const error = await rejectsWith(
        repo.push(remote, [
          { ref: "refs/ekala/atoms/y/1.0.0", oid: a.commit, expect: null },
          { ref: "refs/ekala/atoms/x/1.0.0", oid: a.commit, expect: null },
        ]),
        "EKA_REF_CONFLICT",
      );
      assert.match(error.message, /refs\/ekala\/atoms\/x\/1\.0\.0/);
      const refs = error.data?.["refs"] as { ref: string }[];
      assert.deepEqual(
        refs.map((r) => r.ref),
        ["refs/ekala/atoms/x/1.0.0"],
      );
      assert.deepEqual(await target.backend.listRefs([]), after, "the remote is unchanged");

      // A ref that already holds the pushed value is up to date, whatever the lease said.
      await repo.push(remote, [
        { ref: "refs/ekala/atoms/x/1.0.0", oid: b.commit, expect: null },
        { ref: "refs/ekala/atoms/y/1.0.0", oid: b.commit, expect: null },
      ]);
      after.unshift({ ref: "refs/ekala/atoms/y/1.0.0", oid: b.commit });
      after.sort((l, r) => (l.ref < r.ref ? -1 : 1));
      assert.deepEqual(await target.backend.listRefs([]), after);
      // …and so is a push where every ref is up to date (a retried push).
      await repo.push(remote, [{ ref: "refs/ekala/atoms/y/1.0.0", oid: b.commit, expect: null }]);

      await repo.push(remote, [{ ref: "refs/ekala/init", oid: b.commit, expect: a.commit }]);
      assert.equal(await target.backend.resolveRef("refs/ekala/init"), b.commit);
      await rejectsWith(
        repo.push(remote, [{ ref: "refs/ekala/init", oid: a.commit, expect: a.commit }]),
        "EKA_REF_CONFLICT",
      );
      const absent = hashObject("commit", text("absent"), repo.objectFormat);
      await rejectsWith(
        repo.push(remote, [{ ref: "refs/ekala/z", oid: absent, expect: null }]),
        "EKA_OBJECT_MISSING",
      );
      await repo.push(remote, []);
      await h.verify?.(target.backend);
    });

    test("lists remote refs by exact prefix and fetches them", async (t) => {
      const h = await makeHarness(t);
      const source = await h.repo();
      const target = await h.remote();
      const remote = await source.resolveRemote(target.url);
      const a = await smallHistory(source, "a");
      await source.push(remote, [
        { ref: "refs/ekala/init", oid: a.commit, expect: null },
        { ref: "refs/ekala/atoms/x/1.0.0", oid: a.commit, expect: null },
        { ref: "refs/ekala/atomsx/y", oid: a.commit, expect: null },
        { ref: "refs/other/refs/ekala/atoms/z", oid: a.commit, expect: null },
      ]);
      assert.deepEqual(await source.listRemoteRefs(remote, ["refs/ekala/atoms/"]), [
        { ref: "refs/ekala/atoms/x/1.0.0", oid: a.commit },
      ]);
      assert.deepEqual(
        (await source.listRemoteRefs(remote, ["refs/ekala/init", "refs/ekala/atoms/"])).map(
          (r) => r.ref,
        ),
        ["refs/ekala/atoms/x/1.0.0", "refs/ekala/init"],
      );
      assert.equal((await source.listRemoteRefs(remote, [])).length, 4);

      const clone = await h.repo();
      const from = await clone.resolveRemote(target.url);
      assert.equal(await clone.hasObject(a.commit), false);
      await clone.fetch(from, ["refs/ekala/init"]);
      assert.equal(await clone.hasObject(a.commit), true);
      assert.equal(await clone.hasObject(a.blob), true);
      assert.equal(await clone.resolveRef("refs/ekala/init"), null, "no destination, no ref");
      await clone.fetch(from, ["+refs/ekala/*:refs/remotes/mirror/ekala/*"]);
      assert.deepEqual(await clone.listRefs(["refs/remotes/mirror/"]), [
        { ref: "refs/remotes/mirror/ekala/atoms/x/1.0.0", oid: a.commit },
        { ref: "refs/remotes/mirror/ekala/atomsx/y", oid: a.commit },
        { ref: "refs/remotes/mirror/ekala/init", oid: a.commit },
      ]);
      await rejectsWith(clone.fetch(from, ["refs/ekala/absent"]), "EKA_GIT_FAILED");
      await h.verify?.(clone);
    });

    test("close() is idempotent and ends use", async (t) => {
      const repo = await (await makeHarness(t)).repo();
      const blob = await repo.writeObject("blob", text("x"));
      await repo.close();
      await repo.close();
      await rejectsWith(repo.readObject(blob), "EKA_INTERNAL");
      await rejectsWith(repo.writeObject("blob" as ObjectType, text("y")), "EKA_INTERNAL");
      await rejectsWith(repo.resolveRef("HEAD"), "EKA_INTERNAL");
    });
  });
}
