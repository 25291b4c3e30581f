import assert from "node:assert/strict";
import { test } from "node:test";
import type { GitOid } from "../core/types.ts";
import {
  checkObject,
  commitLinks,
  compareTreeEntries,
  encodeTree,
  hashObject,
  isValidIdent,
  parseTree,
} from "./objects.ts";

const utf8 = (s: string) => new TextEncoder().encode(s);
const blob = hashObject("blob", utf8("x"), "sha1");
const entry = (mode: string, name: string) => ({ mode, name, nameBytes: utf8(name), oid: blob });

test("hashes objects as git does", () => {
  assert.equal(
    hashObject("blob", utf8("hello\n"), "sha1"),
    "ce013625030ba8dba906f756967f9e9ca394464a",
  );
  assert.equal(
    hashObject("tree", new Uint8Array(), "sha1"),
    "4b825dc642cb6eb9a060e54bf8d69288fbee4904",
  );
  assert.equal(
    hashObject("blob", new Uint8Array(), "sha256"),
    "473a0f4c3be8a93681a267e3b1e9a7dcda1185436fe141f7749120a303721813",
  );
});

test("orders tree entries like git, trees as if suffixed with /", () => {
  const names = [
    entry("40000", "a"),
    entry("100644", "a.b"),
    entry("100644", "a-b"),
    entry("100644", "a0"),
    entry("40000", "ab"),
    entry("100644", "A"),
  ].sort(compareTreeEntries);
  assert.deepEqual(
    names.map((e) => e.name),
    ["A", "a-b", "a.b", "a", "a0", "ab"],
  );
});

test("encodes and parses trees, keeping raw name bytes", () => {
  const latin = Uint8Array.from([0xe9, 0x2e, 0x74]); // not UTF-8
  const entries = [
    entry("100644", "b"),
    { mode: "100755", name: "\ufffd.t", nameBytes: latin, oid: blob },
    entry("40000", "a"),
  ];
  const bytes = encodeTree(entries, "sha1");
  checkObject("tree", bytes, "sha1");
  const parsed = parseTree(bytes, "sha1");
  assert.deepEqual(
    parsed.map((e) => [e.mode, e.type, e.name]),
    [
      ["40000", "tree", "a"],
      ["100644", "blob", "b"],
      ["100755", "blob", "\ufffd.t"],
    ],
  );
  assert.deepEqual(parsed[2]!.nameBytes, latin);
  assert.throws(() => parseTree(bytes.subarray(0, bytes.length - 1), "sha1"), {
    code: "EKA_OBJECT_INVALID",
  });
});

test("refuses names that are .git on some file system", () => {
  for (const name of [".git", ".GIT", ".git.", ".git ", "git~1", ".g\u200cit"]) {
    assert.throws(
      () => encodeTree([entry("100644", name)], "sha1"),
      { code: "EKA_OBJECT_INVALID" },
      name,
    );
  }
  encodeTree([entry("100644", ".gitignore"), entry("100644", ".github")], "sha1");
});

test("checks identities like fsck", () => {
  assert.ok(isValidIdent("A U Thor <a@example.com> 1700000000 +0100"));
  assert.ok(isValidIdent(" <> 0 -0000"));
  for (const bad of [
    "A <a@b>",
    "<a@b> 0 +0000",
    "A<a@b> 0 +0000",
    "A <a@b> 0 +00",
    "A <a@b> 00 +0000",
    "A <a@b>> 0 +0000",
    "A <a@b> 99999999999999999999 +0000",
  ]) {
    assert.equal(isValidIdent(bad), false, bad);
  }
});

test("reads commit links and accepts extra headers", () => {
  const tree = hashObject("tree", new Uint8Array(), "sha1");
  const parent = blob as GitOid;
  const commit = utf8(
    `tree ${tree}\nparent ${parent}\nauthor A <a@b> 0 +0000\ncommitter A <a@b> 0 +0000\nekala v1\nentropy ${"0".repeat(64)}\n\nm\n`,
  );
  checkObject("commit", commit, "sha1");
  assert.deepEqual(commitLinks(commit, "sha1"), { tree, parents: [parent] });
  const twoAuthors = utf8(
    `tree ${tree}\nauthor A <a@b> 0 +0000\nauthor A <a@b> 0 +0000\ncommitter A <a@b> 0 +0000\n\nm\n`,
  );
  assert.throws(() => checkObject("commit", twoAuthors, "sha1"), { code: "EKA_OBJECT_INVALID" });
});

test("checks tags", () => {
  const tag = utf8(`object ${blob}\ntype blob\ntag v1\ntagger A <a@b> 0 +0000\n\nmsg\n`);
  checkObject("tag", tag, "sha1");
  const bad = utf8(`object ${blob}\ntype thing\ntag v1\n\nmsg\n`);
  assert.throws(() => checkObject("tag", bad, "sha1"), { code: "EKA_OBJECT_INVALID" });
});
