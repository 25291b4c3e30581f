/**
 * Publishing through the port, on the in-memory backend (SHA-1 and SHA-256): the plan and its
 * application, and what a failed push is taken to mean. Real repositories are in test/.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  collectingReport,
  EkaError,
  formatInitCommit,
  type GitOid,
  readAtomCommit,
} from "../core/index.ts";
import {
  atomRef,
  type GitBackend,
  INIT_REF,
  MemoryBackend,
  MemoryNetwork,
  type PushUpdate,
  type Remote,
} from "../git/index.ts";
import { applyPublish } from "./apply-publish.ts";
import { planPublish } from "./plan-publish.ts";

const URL = "https://example.test/atoms.git";
const IDENT = "A U Thor <a@example.com> 1700000000 +0000";
const utf8 = (s: string) => new TextEncoder().encode(s);
const entry = (mode: string, name: string, oid: GitOid) => ({
  mode,
  name,
  nameBytes: utf8(name),
  oid,
});

/** A repository with an identity and one atom `pkgs/button` (button@1.0.0), and its remote. */
async function setup(format: "sha1" | "sha256") {
  const network = new MemoryNetwork();
  const remote = new MemoryBackend({ objectFormat: format, bare: true });
  network.register(URL, remote);
  const repo = new MemoryBackend({
    objectFormat: format,
    bare: true,
    network,
    remotes: { origin: URL },
  });
  const blob = (text: string) => repo.writeObject("blob", utf8(text));
  const empty = await repo.writeTree([]);
  const init = await repo.writeObject(
    "commit",
    formatInitCommit({
      tree: empty,
      parent: null,
      author: IDENT,
      committer: IDENT,
      entropy: crypto.getRandomValues(new Uint8Array(32)),
    }),
  );
  const button = await repo.writeTree([
    entry("100644", "atom.toml", await blob('[package]\nlabel = "button"\nversion = "1.0.0"\n')),
    entry("100644", "lib.nix", await blob("{ }: 42\n")),
  ]);
  const pkgs = await repo.writeTree([entry("40000", "button", button)]);
  const root = await repo.writeTree([
    entry("100644", "ekala.toml", await blob('[set]\npackages = ["pkgs/button"]\n')),
    entry("40000", "pkgs", pkgs),
  ]);
  const source = await repo.writeObject(
    "commit",
    utf8(`tree ${root}\nparent ${init}\nauthor ${IDENT}\ncommitter ${IDENT}\n\natoms\n`),
  );
  await repo.updateRefs(
    [
      { kind: "create", ref: "refs/heads/main", oid: source },
      { kind: "create", ref: INIT_REF, oid: init },
    ],
    "test",
  );
  const origin = await repo.resolveRemote("origin");
  await repo.push(origin, [{ ref: INIT_REF, oid: init, expect: null }]);
  return { repo, remote, origin, source, button };
}

/** `repo` with its `push` replaced. */
function withPush(
  repo: GitBackend,
  push: (remote: Remote, updates: readonly PushUpdate[]) => Promise<void>,
): GitBackend {
  return new Proxy(repo, {
    get(target, name) {
      if (name === "push") return push;
      const value = Reflect.get(target, name, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

for (const format of ["sha1", "sha256"] as const) {
  test(`${format}: plan, then apply: the four refs on both sides, the atom commit readable back`, async () => {
    const { repo, remote, source, button } = await setup(format);
    const report = collectingReport();
    const plan = await planPublish(repo, {}, report);
    assert.deepEqual(
      report.events.filter((e) => e.kind !== "progress"),
      [],
    );
    const [atom] = plan.atoms;
    assert.ok(atom !== undefined && atom.action === "publish");
    assert.equal(atom.tree, button);
    assert.equal(atom.origin, source);
    assert.equal(
      await remote.resolveRef(atomRef(atom.label, atom.version)),
      null,
      "plan wrote nothing",
    );
    await applyPublish(repo, plan, report);
    for (const side of [repo, remote]) {
      const refs = await side.listRefs(["refs/ekala/"]);
      assert.equal(refs.length, 5);
      const commit = await side.resolveRef(atomRef(atom.label, atom.version));
      assert.equal(commit, atom.commit);
      const fields = readAtomCommit((await side.readObject(atom.commit)).data);
      assert.deepEqual(fields, {
        tree: button,
        path: "pkgs/button",
        content: atom.content,
        label: "button",
        version: "1.0.0",
      });
    }
    // Planned again: already published; applying that plan writes nothing.
    const again = await planPublish(repo, {}, report);
    assert.equal(again.atoms[0]?.action, "already-published");
    await applyPublish(
      withPush(repo, () => assert.fail("nothing to push")),
      again,
      report,
    );
  });
}

test("the same content gives the same atom commit and digest in another repository", async () => {
  const a = await setup("sha1");
  const b = await setup("sha1");
  const [pa, pb] = await Promise.all([
    planPublish(a.repo, {}, collectingReport()),
    planPublish(b.repo, {}, collectingReport()),
  ]);
  assert.notEqual(pa.setId, pb.setId, "two identities");
  assert.deepEqual(
    [pa.atoms[0]?.commit, pa.atoms[0]?.content],
    [pb.atoms[0]?.commit, pb.atoms[0]?.content],
  );
});

test("a push that reports failure although the remote took every ref is a success", async () => {
  const { repo, remote } = await setup("sha1");
  const plan = await planPublish(repo, {}, collectingReport());
  const flaky = withPush(repo, async (target, updates) => {
    await repo.push(target, updates);
    throw new EkaError("EKA_REMOTE_UNREACHABLE", "connection reset after the remote committed");
  });
  await applyPublish(flaky, plan, collectingReport());
  assert.equal(
    await repo.resolveRef(atomRef(plan.atoms[0]!.label, plan.atoms[0]!.version)),
    plan.atoms[0]!.commit,
  );
  assert.equal((await remote.listRefs(["refs/ekala/"])).length, 5);
});

test("a push beaten by another publisher is EKA_PUBLISH_CONFLICT; nothing of ours is written", async () => {
  const { repo, remote } = await setup("sha1");
  const plan = await planPublish(repo, {}, collectingReport());
  const atom = plan.atoms[0]!;
  const name = atomRef(atom.label, atom.version);
  const theirs = (await remote.resolveRef(INIT_REF))!; // any commit the remote has
  const racing = withPush(repo, async (target, updates) => {
    // Between our listing and our push, someone else publishes the same version.
    await remote.updateRefs([{ kind: "create", ref: name, oid: theirs }], "someone else");
    await repo.push(target, updates);
  });
  await assert.rejects(applyPublish(racing, plan, collectingReport()), (error: unknown) => {
    assert.ok(error instanceof EkaError);
    assert.equal(error.code, "EKA_PUBLISH_CONFLICT");
    assert.match(error.message, /button@1\.0\.0 was published concurrently by someone else/);
    assert.ok(error.message.includes(theirs) && error.message.includes(atom.commit));
    return true;
  });
  assert.equal(await repo.resolveRef(name), null, "nothing written here");
  assert.deepEqual(
    (await remote.listRefs(["refs/ekala/"])).map((r) => [r.ref, r.oid]),
    [
      [name, theirs],
      [INIT_REF, theirs],
    ],
    "the remote holds only what the other publisher wrote",
  );
});
