import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { withBuiltinAliases } from "../core/alias.ts";
import type { GitOid } from "../core/index.ts";
import type { MirrorLister, MirrorRef } from "../git/index.ts";
import {
  entryFields,
  type NixPinEntry,
  type NixPinInput,
  nixPinEntry,
  withDefaultBranch,
} from "./nix-pin-entry.ts";

const ALIASES = withBuiltinAliases(new Map([["me", "https://files.example.com/"]]));
const entry = (input: Partial<NixPinInput> & { url: string }, cwd = "/work") =>
  nixPinEntry({ name: "dep", ...input }, ALIASES, cwd);

test("the kind is inferred from the URL when no flag names it", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "eka-pin-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const cases: [string, string][] = [
    ["gh:NixOS/nixpkgs^^nixos-unstable", "git"],
    ["gh:owner/repo", "git"],
    ["git://example.com/repo", "git"],
    ["git@example.com:org/repo", "git"],
    ["https://example.com/repo.git", "git"],
    [dir, "git"],
    ["https://example.com/src-1.0.tar.gz", "tar"],
    ["https://example.com/a.TGZ?download=1", "tar"],
    ["https://example.com/a.zip#frag", "tar"],
    ["me:pkg-2.tar.zst", "tar"],
    ["https://example.com/a.tar.xz/", "tar"],
    ["https://example.com/data.bin", "url"],
    [join(dir, "missing.txt"), "url"],
  ];
  for (const [url, kind] of cases) assert.equal(entry({ url }).kind, kind, url);
});

test("--git X: a requirement when it parses as one, else a ref; ^^ref is always a ref", () => {
  const url = "https://example.com/repo";
  assert.deepEqual(entryFields(entry({ url, git: "^1.2" })), [
    ["git", url],
    ["version", "^1.2"],
  ]);
  assert.deepEqual(entryFields(entry({ url, git: "1.2" })), [
    ["git", url],
    ["version", "1.2"],
  ]);
  assert.deepEqual(entryFields(entry({ url, git: "v1.2.0" })), [
    ["git", url],
    ["ref", "v1.2.0"],
  ]);
  assert.deepEqual(entryFields(entry({ url: `${url}^^1.2.0` })), [
    ["git", url],
    ["ref", "1.2.0"],
  ]);
  assert.deepEqual(entryFields(entry({ url, git: true })), [["git", url]]);
  assert.deepEqual(entryFields(entry({ url: "./repo^^refs/heads/x" }, "/srv/app")), [
    ["git", "file:///srv/app/repo"],
    ["ref", "refs/heads/x"],
  ]);
});

test("flags decide the kind; build writes unpack and exec", () => {
  const url = "https://example.com/thing";
  assert.deepEqual(entryFields(entry({ url, tar: true })), [["tar", url]]);
  assert.deepEqual(entryFields(entry({ url: `${url}.git`, build: true, exec: true })), [
    ["build", `${url}.git`],
    ["unpack", false],
    ["exec", true],
  ]);
});

test("bad combinations are usage errors", () => {
  const url = "https://example.com/thing";
  const bad: [Partial<NixPinInput> & { url: string }, RegExp][] = [
    [{ url, git: true, build: true }, /--git and --build cannot go together/],
    [{ url, tar: true, build: true }, /--tar and --build/],
    [{ url, exec: true, unpack: true }, /--unpack and --exec go only with --build/],
    [{ url: `${url}^^main`, build: true }, /names a git ref/],
    [{ url: `${url}^^main`, git: "v1" }, /given twice/],
    [{ url: "ssh://git@example.com/r", tar: true }, /is not an http\(s\) or file URL/],
    [{ url: `${url}/{version}.tar.gz` }, /holds \{version\}/],
    [{ url, git: "a b" }, /neither a version requirement nor a git ref/],
  ];
  for (const [input, message] of bad) {
    assert.throws(
      () => entry(input),
      (e: { code: string; message: string }) => e.code === "EKA_USAGE" && message.test(e.message),
      JSON.stringify(input),
    );
  }
  assert.throws(() => entry({ url, name: "Bad Name" }), { code: "EKA_LABEL_INVALID" });
});

const ONE = "1".repeat(40) as GitOid;
const TWO = "2".repeat(40) as GitOid;
const URL = "git://example.test/lib.git";

/** The default branch `withDefaultBranch` finds in a listing of `refs`, or its error. */
async function defaultBranch(refs: readonly MirrorRef[]): Promise<string | Error> {
  const asked: unknown[] = [];
  const lister: MirrorLister = {
    resolve: async (mirror) => ({ name: null, url: mirror, display: mirror }),
    list: async (_remote, prefixes, options) => {
      asked.push([prefixes, options]);
      return [...refs];
    },
  };
  const pin: NixPinEntry = { name: "lib" as NixPinEntry["name"], kind: "git", url: URL };
  const result = await withDefaultBranch(pin, async () => lister).then(
    (e) => e.ref ?? "",
    (error: Error) => error,
  );
  assert.deepEqual(asked, [[["HEAD", "refs/heads/"], { symrefs: true }]]);
  return result;
}

const branch = (name: string, oid: GitOid): MirrorRef => ({
  ref: `refs/heads/${name}`,
  oid,
  peeled: null,
});

test("the default branch is HEAD's symref target when the server gives one", async () => {
  const head = (symref: string): MirrorRef => ({ ref: "HEAD", oid: ONE, peeled: null, symref });
  const shared = [branch("another", ONE), branch("main", ONE), branch("trunk", ONE)];
  assert.equal(await defaultBranch([head("refs/heads/trunk"), ...shared]), "trunk");
  assert.equal(await defaultBranch([head("refs/heads/trunk"), branch("trunk", ONE)]), "trunk");
  // A branch whose short name reads as a full ref name is written in full.
  assert.equal(await defaultBranch([head("refs/heads/refs/x")]), "refs/heads/refs/x");
});

test("without a symref target, HEAD's branch is inferred from its commit, failing as before", async () => {
  const head: MirrorRef = { ref: "HEAD", oid: ONE, peeled: null };
  assert.equal(await defaultBranch([head, branch("dev", TWO), branch("solo", ONE)]), "solo");
  assert.equal(await defaultBranch([head, branch("main", ONE), branch("trunk", ONE)]), "main");
  assert.equal(await defaultBranch([head, branch("master", ONE), branch("x", ONE)]), "master");
  const several = await defaultBranch([head, branch("a", ONE), branch("b", ONE)]);
  assert.match(String(several), /is at the commit of several branches \(a, b\)/);
  assert.match(String(await defaultBranch([head, branch("a", TWO)])), /HEAD of .* is on no branch/);
  assert.match(String(await defaultBranch([branch("a", ONE)])), /has no HEAD/);
});
