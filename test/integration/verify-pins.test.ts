/**
 * `nix+git` pins under `eka verify`: the locked rev must exist at the URL (a ref's tip, or an
 * older commit fetched by id), offline it must be in the cache; a rev the URL does not serve
 * fails with both values.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { type GitOid, type LockedNixGit, parseLabel } from "../../src/core/index.ts";
import { git, tempRepo } from "../helpers/git.ts";
import { assertFailure, failures, lockText, publishSet, verifyText } from "./verify-fixture.ts";

function pin(name: string, url: string, rev: string): LockedNixGit {
  return { type: "nix+git", name: parseLabel(name), url, ref: "main", rev: rev as GitOid };
}

test("nix+git pins: tip and older commits pass, an unknown rev fails, offline reads the cache", async (t) => {
  const set = await publishSet(t, [{ label: "button", version: "1.0.0" }]);
  const upstream = await tempRepo(t, { initialCommit: true });
  const old = git(upstream, "rev-parse", "HEAD").trim();
  git(upstream, "commit", "--quiet", "--allow-empty", "-m", "second");
  const tip = git(upstream, "rev-parse", "HEAD").trim();
  const url = `file://${upstream}`;
  const missing = "0123456789abcdef0123456789abcdef01234567";
  const text = lockText(
    [{ set, name: "ui" }],
    [pin("at-tip", url, tip), pin("older", url, old), pin("gone", url, missing)],
  );
  const result = await verifyText(t, text);
  assert.equal(result.pins, 3);
  const byName = (name: string) => result.checks.find((c) => c.subject === `nix:${name}`)!;
  assert.equal(byName("at-tip").status, "pass");
  assert.match(byName("at-tip").message, /refs\/heads\/main/);
  assert.equal(byName("older").status, "pass");
  assertFailure(result, {
    check: "pin-git",
    subject: "nix:gone",
    mirror: url,
    expected: `commit ${missing}`,
    actual: "absent",
  });
  assert.equal(failures(result).length, 1);

  const offline = await verifyText(t, text, { offline: true, cacheDir: result.cacheDir });
  const offlineOf = (name: string) => offline.checks.find((c) => c.subject === `nix:${name}`)!;
  assert.equal(offlineOf("older").status, "pass", "fetched by id into the cache");
  assert.equal(offlineOf("gone").status, "skip");
});
