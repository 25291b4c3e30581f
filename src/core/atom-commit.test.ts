import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import { ATOM_IDENT, formatAtomCommit, readAtomCommit } from "./atom-commit.ts";
import { parseB3Digest } from "./b3-digest.ts";
import { formatCommit } from "./commit.ts";
import { EkaError } from "./errors.ts";
import { parseLabel } from "./label.ts";
import { parseGitOid } from "./types.ts";
import { parseVersion } from "./version.ts";

// The empty tree, and its b3 digest: BLAKE3("tree 0\0") = 06b8469a… (b3sum), in base32hex.
const tree = parseGitOid("4b825dc642cb6eb9a060e54bf8d69288fbee4904");
const content = parseB3Digest("0qs4d6mkdlo53bb3v0k0jrr6orbjhk4cofoqbi22ufb6o1fm9jrg");
const fields = {
  tree,
  path: "pkgs/button",
  content,
  label: parseLabel("button"),
  version: parseVersion("1.2.0"),
};

// Golden bytes, and the id `git hash-object -t commit --stdin` gives them.
const GOLDEN = [
  "tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904",
  "author ekala <ekala@atom> 0 +0000",
  "committer ekala <ekala@atom> 0 +0000",
  "ekala-atom v1",
  "path pkgs/button",
  "content 0qs4d6mkdlo53bb3v0k0jrr6orbjhk4cofoqbi22ufb6o1fm9jrg",
  "",
  "button@1.2.0",
  "",
].join("\n");
const GOLDEN_ID = "03990e71774d5e58b6698c86343e81db132640a1";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const bytes = (s: string) => new TextEncoder().encode(s);
const gitId = (data: Uint8Array) =>
  createHash("sha1").update(`commit ${data.length}\0`).update(data).digest("hex");

test("atom commit bytes are exactly the protocol's, and hash to git's id", () => {
  const commit = formatAtomCommit(fields);
  assert.equal(text(commit), GOLDEN);
  assert.equal(gitId(commit), GOLDEN_ID);
});

test("reproducible: the same fields give the same bytes; any field changes them", () => {
  assert.deepEqual(formatAtomCommit({ ...fields }), formatAtomCommit(fields));
  const variants = [
    { ...fields, path: "pkgs/button2" },
    { ...fields, version: parseVersion("1.2.1") },
    { ...fields, label: parseLabel("buttons") },
    { ...fields, tree: parseGitOid("0123456789abcdef0123456789abcdef01234567") },
  ];
  for (const variant of variants) assert.notEqual(text(formatAtomCommit(variant)), GOLDEN);
});

test("a path with a newline, or not in normal form, is refused", () => {
  for (const path of ["pkgs/a\nb", "pkgs//button", "./pkgs/button", "pkgs/button/", "/abs"]) {
    assert.throws(
      () => formatAtomCommit({ ...fields, path }),
      (e: unknown) => e instanceof EkaError && e.code === "EKA_PATH_INVALID",
      JSON.stringify(path),
    );
  }
});

test("readAtomCommit gives the fields back", () => {
  assert.deepEqual(readAtomCommit(bytes(GOLDEN)), fields);
  const unicode = { ...fields, label: parseLabel("café"), path: "pkgs/ひらがな" };
  assert.deepEqual(readAtomCommit(formatAtomCommit(unicode)), unicode);
});

test("readAtomCommit refuses anything that is not byte for byte an atom commit", () => {
  const refused = [
    GOLDEN.replace("button@1.2.0\n", "button@1.2.0"), // no final newline
    GOLDEN.replace("button@1.2.0\n", "button@1.2.0\n\n"), // extra newline
    GOLDEN.replace("button@1.2.0", "button@v1.2.0"),
    GOLDEN.replace("button@1.2.0", "Button 1.2.0"),
    GOLDEN.replace("ekala-atom v1", "ekala-atom v2"),
    GOLDEN.replace("ekala-atom v1\n", ""),
    GOLDEN.replace("path pkgs/button\n", ""),
    GOLDEN.replace("path pkgs/button", "path pkgs//button"),
    GOLDEN.replace("content 0qs4", "content 1qs4"), // another digest: other fields
    GOLDEN.replace("content 0qs4d6mkdlo53bb3v0k0jrr6orbjhk4cofoqbi22ufb6o1fm9jrg", "content x"),
    GOLDEN.replace(" 0 +0000\ncommitter", " 1 +0000\ncommitter"),
    GOLDEN.replace("committer ekala <ekala@atom> 0 +0000", "committer ekala <ekala@atom> 0 +0100"),
    GOLDEN.replace("content", "path pkgs/button\ncontent"), // header twice
    GOLDEN.replace("\n\nbutton", "\nencoding UTF-8\n\nbutton"),
    GOLDEN.replace("author", `parent ${tree}\nauthor`),
    GOLDEN.replace("ekala-atom v1\npath pkgs/button", "path pkgs/button\nekala-atom v1"),
  ];
  for (const variant of refused) {
    if (variant === GOLDEN) continue;
    // A variant that still parses to valid fields must at least change them.
    let fieldsBack: unknown = null;
    try {
      fieldsBack = readAtomCommit(bytes(variant));
    } catch (error) {
      assert.ok(error instanceof EkaError && error.code === "EKA_OBJECT_INVALID", variant);
      continue;
    }
    assert.notDeepEqual(fieldsBack, fields, variant);
    assert.equal(text(formatAtomCommit(fieldsBack as typeof fields)), variant);
  }
  // A signed commit of the same fields is not an atom commit.
  const signed = formatCommit({
    tree,
    parents: [],
    author: ATOM_IDENT,
    committer: ATOM_IDENT,
    extraHeaders: [
      ["ekala-atom", "v1"],
      ["path", "pkgs/button"],
      ["content", content],
      ["gpgsig", "-----BEGIN PGP SIGNATURE-----"],
    ],
    message: "button@1.2.0\n",
  });
  assert.throws(() => readAtomCommit(signed), /not an atom commit/);
  assert.throws(() => readAtomCommit(bytes("garbage")), /not an atom commit/);
});
