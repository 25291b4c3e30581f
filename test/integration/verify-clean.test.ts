import assert from "node:assert/strict";
import { test } from "node:test";
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
