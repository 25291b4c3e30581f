import assert from "node:assert/strict";
import { test } from "node:test";
import { backendContract } from "./backend-contract.ts";
import { MemoryBackend, MemoryNetwork } from "./memory-backend.ts";

let remotes = 0;

for (const objectFormat of ["sha1", "sha256"] as const) {
  backendContract(`memory double (${objectFormat})`, async () => {
    const network = new MemoryNetwork();
    return {
      repo: async (options) =>
        new MemoryBackend({ network, objectFormat, bare: options?.bare === true }),
      remote: async () => {
        const url = `file:///memory/remote-${++remotes}.git`;
        const backend = new MemoryBackend({ network, objectFormat, bare: true });
        network.register(url, backend);
        return { url, backend };
      },
      unreachableUrl: "file:///memory/nowhere.git",
    };
  });
}

test("memory double: configured remotes resolve by name", async () => {
  const network = new MemoryNetwork();
  const origin = new MemoryBackend({ network, bare: true });
  network.register("https://git.example.com/atoms", origin);
  const repo = new MemoryBackend({ network, remotes: { origin: "https://git.example.com/atoms" } });
  assert.deepEqual(await repo.resolveRemote("origin"), {
    name: "origin",
    url: "https://git.example.com/atoms",
    display: "https://git.example.com/atoms",
  });
  assert.deepEqual(await repo.listRemoteRefs(await repo.resolveRemote("origin"), []), []);
});

test("memory double: a detached HEAD has no branch", async () => {
  const repo = new MemoryBackend();
  const blob = await repo.writeObject("blob", new TextEncoder().encode("x"));
  const tree = await repo.writeTree([
    { mode: "100644", name: "x", nameBytes: new TextEncoder().encode("x"), oid: blob },
  ]);
  const commit = await repo.writeObject(
    "commit",
    new TextEncoder().encode(
      `tree ${tree}\nauthor A <a@b> 0 +0000\ncommitter A <a@b> 0 +0000\n\nm\n`,
    ),
  );
  repo.detachHead(commit);
  assert.equal(await repo.headBranch(), null);
  assert.equal(await repo.resolveRef("HEAD"), commit);
  assert.equal(await repo.resolveCommit("HEAD~0"), commit);
  assert.equal(await repo.resolveCommit("HEAD~1"), null);
});

test("memory double: stageEntry records the index", async () => {
  const repo = new MemoryBackend();
  const blob = await repo.writeObject("blob", new TextEncoder().encode("x"));
  await repo.stageEntry("a/b", "100644", blob);
  assert.deepEqual(repo.index.get("a/b"), { mode: "100644", oid: blob });
});
