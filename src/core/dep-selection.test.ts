import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseAtomManifest } from "./atom-manifest.ts";
import { selectDeps } from "./dep-selection.ts";
import type { EkaError } from "./errors.ts";

const MANIFEST = parseAtomManifest(`[package]
label = "app"
version = "0.1.0"

[package.sets]
acme = "https://a.example/r"
beta = "https://b.example/r"
empty = "https://e.example/r"

[deps.from.acme]
foo = "^1"
auth = "^1"

[deps.from.beta]
foo = "^2"
log = "*"

[deps.direct.nix]
auth = { git = "https://g.example/auth", ref = "main" }
nixpkgs = { git = "https://g.example/nixpkgs", ref = "main" }
`);

const show = (names: string[], set?: string) =>
  selectDeps(MANIFEST, names, set).map((d) => `${d.set}/${d.type === "atom" ? d.label : d.name}`);

function refused(names: string[], set: string | undefined, code: string): EkaError {
  let caught: EkaError | undefined;
  assert.throws(
    () => selectDeps(MANIFEST, names, set),
    (e: EkaError) => {
      caught = e;
      return e.code === code;
    },
  );
  return caught!;
}

describe("selectDeps", () => {
  it("a name matching one dependency picks it: atom or direct", () => {
    assert.deepEqual(show(["log", "nixpkgs"]), ["beta/log", "nix/nixpkgs"]);
    assert.deepEqual(show(["ｌｏｇ", "log"]), ["beta/log"], "NFKC, each once");
  });

  it("--set picks one of several, --set nix the direct dependency", () => {
    assert.deepEqual(show(["foo"], "acme"), ["acme/foo"]);
    assert.deepEqual(show(["foo"], "beta"), ["beta/foo"]);
    assert.deepEqual(show(["auth"], "acme"), ["acme/auth"]);
    assert.deepEqual(show(["auth"], "nix"), ["nix/auth"]);
    assert.deepEqual(show(["auth"], "ｎｉｘ"), ["nix/auth"]);
  });

  it("no name: every dependency, or every one of the set", () => {
    assert.deepEqual(show([]), [
      "acme/foo",
      "acme/auth",
      "beta/foo",
      "beta/log",
      "nix/auth",
      "nix/nixpkgs",
    ]);
    assert.deepEqual(show([], "beta"), ["beta/foo", "beta/log"]);
    assert.deepEqual(show([], "nix"), ["nix/auth", "nix/nixpkgs"]);
    assert.deepEqual(show([], "empty"), []);
  });

  it("refuses a name matching several, naming each and the --set that picks it", () => {
    const two = refused(["foo"], undefined, "EKA_DEP_AMBIGUOUS");
    assert.equal(
      two.message,
      "foo is a dependency from sets acme and beta; name one with --set acme or --set beta",
    );
    const mixed = refused(["log", "auth", "foo"], undefined, "EKA_DEP_AMBIGUOUS");
    assert.equal(
      mixed.message,
      "auth is a dependency from set acme and a direct dependency (deps.nix.auth); name one with --set acme or --set nix; foo is a dependency from sets acme and beta; name one with --set acme or --set beta",
    );
    assert.deepEqual(mixed.data?.["ambiguous"], [
      { name: "auth", sets: ["acme", "nix"] },
      { name: "foo", sets: ["acme", "beta"] },
    ]);
  });

  it("refuses names matching nothing, listing the dependencies (direct ones too)", () => {
    const none = refused(["zz", "foo", "yy"], undefined, "EKA_DEP_NOT_FOUND");
    assert.equal(none.message, "zz and yy are not dependencies in atom.toml");
    assert.equal(
      none.hint,
      "the dependencies are: foo, auth (from set acme); foo, log (from set beta); auth, nixpkgs (direct, --set nix)",
    );
    assert.deepEqual(none.data?.["unknown"], ["zz", "yy"]);
    const other = refused(["log"], "acme", "EKA_DEP_NOT_FOUND");
    assert.equal(other.message, "log is not a dependency from set acme in atom.toml");
    assert.equal(
      other.hint,
      "log is a dependency from set beta (--set beta); the dependencies from set acme are: foo, auth",
    );
    const direct = refused(["foo"], "nix", "EKA_DEP_NOT_FOUND");
    assert.equal(direct.message, "foo is not a direct dependency in atom.toml");
    assert.match(direct.hint ?? "", /the direct dependencies are: auth, nixpkgs$/);
    const empty = refused(["foo"], "empty", "EKA_DEP_NOT_FOUND");
    assert.match(empty.hint ?? "", /set empty has no dependencies$/);
  });

  it("refuses a set the manifest does not declare, and a bad set name", () => {
    const unknown = refused(["foo"], "gamma", "EKA_SET_UNKNOWN");
    assert.match(unknown.hint ?? "", /acme, beta, empty; --set nix names the direct dependencies/);
    refused(["foo"], "bad name", "EKA_TAG_INVALID");
  });
});
