import assert from "node:assert/strict";
import { test } from "node:test";
import { parseAtomManifest } from "./atom-manifest.ts";
import { checkDirectDepsEdit } from "./check-direct-deps-edit.ts";

const BEFORE = `[package]
label = "app"
version = "0.1.0"

[package.sets]
acme = "https://example.com/acme.git"

[deps.from.acme]
button = "^1"

[deps.direct.nix]
pkgs = { url = "https://example.com/a.tar.gz" }
`;

const before = parseAtomManifest(BEFORE, "atom.toml");
const pkgs = { name: "pkgs", spec: { url: "https://example.com/a.tar.gz" } };
const tool = { name: "tool", spec: { url: "https://example.com/t" } };
const internal = (what: RegExp) => ({ code: "EKA_INTERNAL", message: what });

test("an edit that changed only the direct dependencies as expected passes", () => {
  const added = BEFORE.replace(
    "\n[deps.direct.nix]\n",
    '\n[deps.direct.nix]\ntool = { url = "https://example.com/t" }\n',
  );
  checkDirectDepsEdit(before, added, [pkgs, tool], "adding tool", "atom.toml");
  const removed = BEFORE.replace('pkgs = { url = "https://example.com/a.tar.gz" }\n', "");
  checkDirectDepsEdit(before, removed, [], "removing pkgs", "atom.toml");
});

test("an edit that touched anything else, or broke the file, is an internal error", () => {
  const check =
    (text: string, expected = [pkgs]) =>
    () =>
      checkDirectDepsEdit(before, text, expected, "editing", "atom.toml");
  // The direct dependencies are not the expected ones: one missing, one changed, one extra.
  assert.throws(check(BEFORE, [pkgs, tool]), internal(/did not give the expected manifest/));
  assert.throws(check(BEFORE.replace("a.tar.gz", "b.tar.gz")), internal(/did not give/));
  assert.throws(check(BEFORE, []), internal(/did not give/));
  // Something else moved: a set's mirror, an atom's requirement, the version, [nix].
  assert.throws(check(BEFORE.replace("acme.git", "other.git")), internal(/did not give/));
  assert.throws(check(BEFORE.replace('button = "^1"', 'button = "^2"')), internal(/did not give/));
  assert.throws(
    check(BEFORE.replace('version = "0.1.0"', 'version = "0.2.0"')),
    internal(/did not give/),
  );
  assert.throws(
    check(BEFORE.replace('label = "app"', 'label = "other"')),
    internal(/did not give/),
  );
  assert.throws(check(`${BEFORE}\n[nix]\nentry = "src"\n`), internal(/did not give/));
  // Not a manifest any more.
  assert.throws(check(`${BEFORE}[[`), internal(/produced an invalid manifest/));
});
