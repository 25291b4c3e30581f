/**
 * docs/format.md and the code must describe the same bytes. Every `<!-- golden: NAME -->` block
 * in the document is regenerated here from eka's own functions (on a real repository where
 * objects are involved) and compared. EKA_UPDATE_GOLDEN=1 rewrites the blocks instead.
 */
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { blake3 } from "@noble/hashes/blake3.js";
import {
  atomId,
  encodeBase32Hex,
  formatAtomCommit,
  formatInitCommit,
  parseAtomManifest,
  parseEkalaManifest,
  parseGitOid,
  parseLabel,
  parseSetId,
  parseVersion,
} from "../../src/core/index.ts";
import {
  atomRef,
  contentRef,
  hashObject,
  INIT_REF,
  manifestRef,
  openRepository,
  originRef,
} from "../../src/git/index.ts";
import { b3TreeDigest } from "../../src/hash/index.ts";
import { ROOT } from "../helpers/eka.ts";
import { git, tempRepo } from "../helpers/git.ts";

const DOC = join(ROOT, "docs/format.md");
const MARK = /<!-- golden: ([a-z0-9-]+) -->\n```([a-z]*)\n([\s\S]*?)```/g;

function blocks(text: string): Map<string, string> {
  return new Map([...text.matchAll(MARK)].map((m) => [m[1]!, m[3]!]));
}

const EKALA_EXAMPLE = `# The atoms of this repository.
[set]
packages = [
  "pkgs/button",
  "pkgs/validator",
]

[metadata]
domain = "example.com"
license = "MIT"
tags = ["ui-kit"]
`;

const ATOM_EXAMPLE = `[package]
label = "button"
version = "1.2.0"
description = "A clickable button"

[package.sets]
company = "https://git.example.com/atoms"
public = ["https://a.example/atoms", "ssh://git@b.example/atoms"]
local = "::"

[metadata]
tags = ["ui"]

[deps.from.company]
auth-service = "^1.5"

[deps.direct.nix]
nixpkgs = { git = "https://github.com/NixOS/nixpkgs", ref = "nixos-unstable" }

[nix]
entry = "nix"

[nix.config]
system = "x86_64-linux"
`;

const LIB_NIX = '{ std, ... }: {\n  greeting = "hello";\n}\n';
const ident = "Ada Lovelace <ada@example.com> 1700000000 +0000";
const b3 = (bytes: Uint8Array) => encodeBase32Hex(blake3(bytes));
const gitObject = (type: string, body: Uint8Array) =>
  new Uint8Array([...new TextEncoder().encode(`${type} ${body.length}\0`), ...body]);

async function generate(t: import("node:test").TestContext): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  out.set("ekala-toml", EKALA_EXAMPLE);
  out.set("atom-toml", ATOM_EXAMPLE);

  // An atom directory on a real repository: its tree, and its b3 digest.
  const repo = await tempRepo(t, { initialCommit: true });
  mkdirSync(join(repo, "pkgs/button/src"), { recursive: true });
  writeFileSync(join(repo, "pkgs/button/atom.toml"), ATOM_EXAMPLE);
  writeFileSync(join(repo, "pkgs/button/src/lib.nix"), LIB_NIX);
  git(repo, "add", "pkgs");
  git(repo, "commit", "-q", "-m", "button");
  const treeOid = parseGitOid(git(repo, "rev-parse", "HEAD:pkgs/button").trim());
  const srcOid = parseGitOid(git(repo, "rev-parse", "HEAD:pkgs/button/src").trim());
  const backend = await openRepository(repo);
  const [digest, srcDigest] = await Promise.all([
    b3TreeDigest(backend, treeOid),
    b3TreeDigest(backend, srcOid),
  ]);
  await backend.close();
  const enc = (s: string) => new TextEncoder().encode(s);
  out.set(
    "b3-tree",
    [
      `blob atom.toml    ${b3(gitObject("blob", enc(ATOM_EXAMPLE)))}  (${enc(ATOM_EXAMPLE).length} bytes)`,
      `blob src/lib.nix  ${b3(gitObject("blob", enc(LIB_NIX)))}  (${enc(LIB_NIX).length} bytes)`,
      `tree src          ${srcDigest}`,
      `tree (the atom)   ${digest}`,
      "",
      "the atom's tree entries, as hashed:",
      `  100644 atom.toml\\0<32 bytes of blob atom.toml's digest>`,
      `  40000 src\\0<32 bytes of tree src's digest>`,
      "",
    ].join("\n"),
  );

  const label = parseLabel("button");
  const version = parseVersion("1.2.0");
  out.set(
    "refs",
    [
      INIT_REF,
      atomRef(label, version),
      manifestRef(label, version),
      originRef(label, version),
      contentRef(label, version, digest),
      "",
    ].join("\n"),
  );

  const atomCommit = formatAtomCommit({
    tree: treeOid,
    path: "pkgs/button",
    content: digest,
    label,
    version,
  });
  out.set(
    "atom-commit",
    `${new TextDecoder().decode(atomCommit)}\n(commit id ${hashObject("commit", atomCommit, "sha1")})\n`,
  );

  const init = formatInitCommit({
    tree: parseGitOid("4b825dc642cb6eb9a060e54bf8d69288fbee4904"),
    parent: parseGitOid("2d0c8fbc8f5f1e4e6ad0e5d5bb6b1a7cfb9c0a1e"),
    author: ident,
    committer: ident,
    entropy: new Uint8Array(32).map((_, i) => (i * 37 + 11) & 0xff),
  });
  out.set(
    "init-commit",
    `${new TextDecoder().decode(init)}\n(set id ${hashObject("commit", init, "sha1")})\n`,
  );

  const rows = [
    ["4abbd2644bc3585e9be95deb277ccf48f6ed26ac", "nix-lock"],
    ["4abbd2644bc3585e9be95deb277ccf48f6ed26ac", "dev"],
    ["0000000000000000000000000000000000000000", "foo"],
  ] as const;
  out.set(
    "atom-ids",
    rows
      .map(
        ([set, l]) =>
          `set ${set}  label ${l.padEnd(8)}  id ${atomId(parseSetId(set), parseLabel(l))}`,
      )
      .join("\n") + "\n",
  );
  return out;
}

test("docs/format.md matches the code", async (t) => {
  const text = readFileSync(DOC, "utf8");
  const inDoc = blocks(text);
  const generated = await generate(t);
  assert.deepEqual(
    [...inDoc.keys()].sort(),
    [...generated.keys()].sort(),
    "the document has every golden block",
  );
  // The manifest examples must stay valid manifests.
  parseEkalaManifest(generated.get("ekala-toml") ?? "", "docs/format.md");
  parseAtomManifest(generated.get("atom-toml") ?? "", "docs/format.md");
  if (process.env["EKA_UPDATE_GOLDEN"] === "1") {
    writeFileSync(
      DOC,
      text.replace(
        MARK,
        (_m, name: string, lang: string) =>
          `<!-- golden: ${name} -->\n\`\`\`${lang}\n${generated.get(name)}\`\`\``,
      ),
    );
    return;
  }
  for (const [name, body] of generated)
    assert.equal(inDoc.get(name), body, `golden block \`${name}\` drifted`);
});
