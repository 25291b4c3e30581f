import assert from "node:assert/strict";
import { test } from "node:test";
import { formatCommit, parseCommit } from "./commit.ts";
import { formatInitCommit, INIT_MESSAGE, readInitCommit } from "./init-commit.ts";
import { parseGitOid } from "./types.ts";

const tree = parseGitOid("4b825dc642cb6eb9a060e54bf8d69288fbee4904");
const parent = parseGitOid("0123456789abcdef0123456789abcdef01234567");
const ident = "A U Thor <a@example.com> 1700000000 +0100";

test("init commit bytes: headers in order, entropy as 64 hex, fixed message", () => {
  const entropy = new Uint8Array(32).map((_, i) => i);
  const bytes = formatInitCommit({ tree, parent, author: ident, committer: ident, entropy });
  assert.equal(
    new TextDecoder().decode(bytes),
    [
      `tree ${tree}`,
      `parent ${parent}`,
      `author ${ident}`,
      `committer ${ident}`,
      "ekala v1",
      "entropy 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
      "",
      INIT_MESSAGE,
    ].join("\n"),
  );
  const info = readInitCommit(bytes);
  assert.ok(info);
  assert.equal(info.entropy, "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  assert.deepEqual(info.parents, [parent]);
});

test("a root init commit has no parent line", () => {
  const bytes = formatInitCommit({
    tree,
    parent: null,
    author: ident,
    committer: ident,
    entropy: new Uint8Array(32),
  });
  assert.doesNotMatch(new TextDecoder().decode(bytes), /^parent /m);
  assert.deepEqual(readInitCommit(bytes)?.parents, []);
});

test("entropy must be 32 bytes; identities must be well-formed", () => {
  assert.throws(() =>
    formatInitCommit({
      tree,
      parent,
      author: ident,
      committer: ident,
      entropy: new Uint8Array(31),
    }),
  );
  assert.throws(() =>
    formatInitCommit({
      tree,
      parent,
      author: "no email 1 +0000",
      committer: ident,
      entropy: new Uint8Array(32),
    }),
  );
});

test("ordinary commits and look-alikes are not init commits", () => {
  const plain = formatCommit({
    tree,
    parents: [],
    author: ident,
    committer: ident,
    extraHeaders: [],
    message: "x\n",
  });
  assert.equal(readInitCommit(plain), null);
  const wrongVersion = formatCommit({
    tree,
    parents: [],
    author: ident,
    committer: ident,
    extraHeaders: [
      ["ekala", "v2"],
      ["entropy", "ab".repeat(32)],
    ],
    message: "x\n",
  });
  assert.equal(readInitCommit(wrongVersion), null);
  const shortEntropy = formatCommit({
    tree,
    parents: [],
    author: ident,
    committer: ident,
    extraHeaders: [
      ["ekala", "v1"],
      ["entropy", "ab"],
    ],
    message: "x\n",
  });
  assert.equal(readInitCommit(shortEntropy), null);
});

test("parseCommit reads back what formatCommit wrote, including multi-line headers", () => {
  const fields = {
    tree,
    parents: [parent, parent],
    author: ident,
    committer: ident,
    extraHeaders: [["x-one", "1"] as const, ["x-two", "two words"] as const],
    message: "subject\n\nbody\n",
  };
  assert.deepEqual(parseCommit(formatCommit(fields)), {
    ...fields,
    extraHeaders: fields.extraHeaders.map(([k, v]) => [k, v]),
  });
  const signed = new TextEncoder().encode(
    `tree ${tree}\nauthor ${ident}\ncommitter ${ident}\ngpgsig -----BEGIN-----\n line\n -----END-----\n\nmsg\n`,
  );
  assert.deepEqual(parseCommit(signed).extraHeaders, [
    ["gpgsig", "-----BEGIN-----\nline\n-----END-----"],
  ]);
  assert.throws(() => formatCommit({ ...fields, extraHeaders: [["bad header", "x"]] }));
  assert.throws(() => formatCommit({ ...fields, extraHeaders: [["ok", "two\nlines"]] }));
});
