/**
 * `nix+git` pins under `eka verify`: the locked rev must exist at the URL (a ref's tip, or an
 * older commit fetched by id), offline it must be in the cache; a rev the URL does not serve
 * fails with both values.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import {
  type GitOid,
  type LockedNixDep,
  type LockedNixGit,
  parseLabel,
  type SriHash,
} from "../../src/core/index.ts";
import { git, tempDir, tempRepo } from "../helpers/git.ts";
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

test("nix+url and nix+tar pins: hashes recompute; bytes changed behind a locked hash fail with both", async (t) => {
  const set = await publishSet(t, [{ label: "button", version: "1.0.0" }]);
  const dir = await tempDir(t, "eka-pins-");
  const file = join(dir, "data.txt");
  writeFileSync(file, "original bytes\n");
  mkdirSync(join(dir, "src", "pkg"), { recursive: true });
  writeFileSync(join(dir, "src", "pkg", "a.txt"), "one\n");
  const tarball = join(dir, "pkg.tar.gz");
  execFileSync("tar", ["-czf", tarball, "-C", join(dir, "src"), "pkg"]);
  const sri = (bytes: Buffer) =>
    `sha256-${createHash("sha256").update(bytes).digest("base64")}` as SriHash;
  // The oracle: Nix itself (nix-prefetch-url --unpack, as builtins.fetchTarball hashes).
  const nixTarHash = (): SriHash => {
    const base32 = execFileSync("nix-prefetch-url", ["--unpack", `file://${tarball}`], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
    const hex = execFileSync("nix-hash", ["--type", "sha256", "--to-base16", base32], {
      encoding: "utf8",
    }).trim();
    return `sha256-${Buffer.from(hex, "hex").toString("base64")}` as SriHash;
  };
  const tarHash = nixTarHash();
  const fileHash = sri(readFileSync(file));
  const pins: LockedNixDep[] = [
    {
      type: "nix+url",
      name: parseLabel("data"),
      url: `file://${file}`,
      hash: fileHash,
    },
    { type: "nix+tar", name: parseLabel("pkg"), url: `file://${tarball}`, hash: tarHash },
  ];
  const text = lockText([{ set, name: "ui" }], pins);
  const clean = await verifyText(t, text);
  assert.deepEqual(failures(clean), []);
  assert.deepEqual(
    clean.checks.filter((c) => c.check === "pin-hash").map((c) => [c.subject, c.status]),
    [
      ["nix:data", "pass"],
      ["nix:pkg", "pass"],
    ],
  );

  writeFileSync(file, "changed bytes\n");
  writeFileSync(join(dir, "src", "pkg", "a.txt"), "two\n");
  execFileSync("tar", ["-czf", tarball, "-C", join(dir, "src"), "pkg"]);
  const changedTar = nixTarHash();
  assert.notEqual(changedTar, tarHash);
  const tampered = await verifyText(t, text);
  assert.deepEqual(failures(tampered), [
    {
      check: "pin-hash",
      subject: "nix:data",
      mirror: `file://${file}`,
      expected: fileHash,
      actual: sri(readFileSync(file)),
    },
    {
      check: "pin-hash",
      subject: "nix:pkg",
      mirror: `file://${tarball}`,
      expected: tarHash,
      actual: changedTar,
    },
  ]);
  const offline = await verifyText(t, text, { offline: true, cacheDir: tampered.cacheDir });
  assert.deepEqual(
    offline.checks.filter((c) => c.check === "pin-hash").map((c) => c.status),
    ["skip", "skip"],
  );
});
