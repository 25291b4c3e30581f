import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseAtomManifest } from "./atom-manifest.ts";
import { type Diagnostic, EkaError } from "./errors.ts";

const EXAMPLE = `[package]
label = "button"              # §3 label rules
version = "1.0.0"             # semver 2.0.0, no leading \`v\`
description = "optional"

[package.sets]                # where dependencies come from: name -> mirror(s)
company = "https://git.example.com/atoms"                        # one mirror
public  = ["https://a.example/atoms", "ssh://git@b.example/atoms"] # mirrors, tried together
local   = "::"                                                   # this repository (dev flow)

[metadata]                    # optional, open: license, maintainer, tags = [...]
tags = ["ui"]

[deps.from.company]           # atom dependencies: label = version requirement (§6)
auth-service = "^1.5"

[deps.direct.nix]             # non-atom ("legacy") dependencies, §8
nixpkgs = { git = "https://github.com/NixOS/nixpkgs", ref = "nixos-unstable" }

[nix]                         # optional: how the atom is evaluated (§10)
entry = "nix"                 # directory holding the top mod.nix; default: the atom directory
[nix.config]                  # optional default configuration, overridable on the command line
system = "x86_64-linux"
`;

function problems(text: string): Diagnostic[] {
  try {
    parseAtomManifest(text, "pkgs/x/atom.toml");
  } catch (error) {
    assert.ok(error instanceof EkaError);
    assert.equal(error.code, "EKA_MANIFEST_INVALID");
    for (const d of error.diagnostics) {
      assert.equal(d.file, "pkgs/x/atom.toml");
      assert.ok(
        d.line >= 1 && d.column >= 1 && d.message !== "" && (d.hint ?? "") !== "",
        JSON.stringify(d),
      );
    }
    return [...error.diagnostics];
  }
  assert.fail("the manifest was accepted");
}

const messages = (text: string) => problems(text).map((d) => `${d.line}:${d.column} ${d.message}`);
const MINIMAL = '[package]\nlabel = "a"\nversion = "1.0.0"\n';

describe("parseAtomManifest", () => {
  it("reads the example of protocol.md §1", () => {
    const m = parseAtomManifest(EXAMPLE);
    assert.equal(m.file, "atom.toml");
    assert.deepEqual([m.label, m.labelLine, m.labelColumn], ["button", 2, 9]);
    assert.deepEqual([m.version, m.versionLine, m.versionColumn], ["1.0.0", 3, 11]);
    assert.equal(m.description, "optional");
    assert.deepEqual(
      m.sets.map((s) => [s.name, s.mirrors, s.line]),
      [
        ["company", ["https://git.example.com/atoms"], 7],
        ["public", ["https://a.example/atoms", "ssh://git@b.example/atoms"], 8],
        ["local", ["::"], 9],
      ],
    );
    assert.deepEqual(m.tags, ["ui"]);
    assert.deepEqual(m.metadata, { tags: ["ui"] });
    assert.deepEqual(m.deps, [
      {
        type: "atom",
        set: "company",
        label: "auth-service",
        requirement: "^1.5",
        line: 15,
        column: 1,
      },
    ]);
    assert.deepEqual(m.nixDeps, [
      {
        name: "nixpkgs",
        spec: { git: "https://github.com/NixOS/nixpkgs", ref: "nixos-unstable" },
        line: 18,
        column: 1,
      },
    ]);
    assert.deepEqual(m.nix, { entry: "nix", config: { system: "x86_64-linux" } });
  });

  it("fills defaults for what is optional", () => {
    const m = parseAtomManifest(MINIMAL);
    assert.equal("description" in m, false);
    assert.deepEqual([m.sets, m.deps, m.nixDeps, m.tags, m.metadata], [[], [], [], [], {}]);
    assert.deepEqual(m.nix, { entry: null, config: {} });
  });

  it("stores the label normalised", () => {
    assert.equal(
      parseAtomManifest('[package]\nlabel = "cafe\u0301"\nversion = "1.0.0"').label,
      "café",
    );
  });

  it("accepts every mirror form", () => {
    const mirrors = [
      "::",
      "https://h.example/x",
      "http://h/x",
      "ssh://git@h:22/x",
      "git://h/x",
      "file:///srv/x",
      "git@github.com:org/repo.git",
      "HTTPS://H/x",
    ];
    const text = `${MINIMAL}[package.sets]\n${mirrors.map((m, i) => `s${i} = ${JSON.stringify(m)}`).join("\n")}\nall = ${JSON.stringify(mirrors)}`;
    const m = parseAtomManifest(text);
    assert.deepEqual(m.sets.at(-1)?.mirrors, mirrors);
  });

  it("reports every problem at once, sorted, with file:line:column", () => {
    const found = messages(`label = "x"
[package]
label = "9x"
versoin = "1.0"
description = 3
[package.sets]
a = "ext::sh -c whoami"
b = ["https://x", "::"]
"c d" = []
g = "gh:owner/repo"
i = ["file:///srv/x", "file:///srv/x"]
j = []
k = 5
l = "fd::3"
[deps.from.compnay]
x = "^1"
[deps.from.a]
"!x" = ""
y = 1
[deps.direct.nix]
np = "https://x"
[deps.direkt]
[nix]
entry = "../x"
config = 1
[foo]
`);
    assert.deepEqual(found, [
      "1:1 unknown key label at the top level",
      "2:1 [package] has no version",
      '3:9 invalid label "9x": it cannot start with "9"',
      "4:1 unknown key versoin in [package]",
      "5:15 package.description must be a string, not an integer",
      '7:5 mirror "ext::sh -c whoami" of set a: git\'s ext:: and fd:: transports run commands and are never allowed',
      '8:19 "::" comes after other mirrors of set b',
      '9:1 invalid set name "c d": it contains U+0020 (space), which is not allowed in a tag',
      '10:5 mirror "gh:owner/repo" of set g: "gh:" is not a URL scheme eka accepts; aliases are expanded before manifests are written, so write the full URL',
      '11:23 mirror "file:///srv/x" of set i is listed twice',
      "12:5 set j has no mirrors",
      "13:5 set k must be a mirror URL or an array of them, not an integer",
      '14:5 mirror "fd::3" of set l: git\'s ext:: and fd:: transports run commands and are never allowed',
      "15:12 [deps.from.compnay] uses set compnay, which [package.sets] does not declare",
      '18:1 invalid label "!x": it cannot start with "!"',
      '18:8 the version requirement of "!x" is empty',
      "19:5 deps.from.a.y must be a string, not an integer",
      "21:6 deps.direct.nix.np must be a table, not a string",
      "22:7 unknown table [deps.direkt]",
      '24:9 path "../x" leads outside the atom directory',
      "25:10 nix.config must be a table, not an integer",
      "26:2 unknown table [foo]",
    ]);
  });

  it("gives hints: did you mean, and where a misplaced key belongs", () => {
    const found = problems(
      `${MINIMAL}descripton = "x"\n[package.sets]\ncompany = "::"\n[deps.from.compnay]\n[dependencies]\n[nix]\nentri = "x"\n`,
    );
    const hints = found.map((d) => d.hint);
    assert.match(hints[0]!, /did you mean description\?/);
    assert.match(hints[1]!, /did you mean company\?/);
    assert.match(hints[2]!, /\[deps\.from\.<set>\]/);
    assert.match(hints[3]!, /did you mean entry\?/);
    assert.match(problems('version = "1.0.0"\n[package]\nlabel = "a"')[0]!.hint!, /\[package\]/);
  });

  it("requires [package] with label and version", () => {
    assert.deepEqual(messages("[metadata]"), [
      "1:1 atom.toml has no [package] table".replace("atom.toml", "pkgs/x/atom.toml"),
    ]);
    assert.deepEqual(messages("[package]"), [
      "1:1 [package] has no label",
      "1:1 [package] has no version",
    ]);
    assert.deepEqual(messages("package = 1"), ["1:11 package must be a table, not an integer"]);
    assert.deepEqual(messages('[package]\nlabel = "a"\nversion = "v1.0.0"'), [
      '3:11 invalid version "v1.0.0": it starts with "v"; write the bare version',
    ]);
    assert.deepEqual(messages("[package]\nlabel = 1\nversion = 1.0"), [
      "2:9 package.label must be a string, not an integer",
      "3:11 package.version must be a string, not a float",
    ]);
  });

  it("finds names that are equal only after normalisation", () => {
    const found = messages(
      `${MINIMAL}[package.sets]\n"caf\u00e9" = "::"\n"cafe\u0301" = "::"\n[deps.from."caf\u00e9"]\n"x\u00e9" = "1"\n"xe\u0301" = "2"\n[deps.direct.nix]\n"n\u00e9" = {}\n"ne\u0301" = {}`,
    );
    assert.equal(found.length, 3);
    assert.match(found[0]!, /set café is declared twice/);
    assert.match(found[1]!, /xé is listed twice/);
    assert.match(found[2]!, /né is listed twice/);
  });

  it("refuses atoms from a set named nix, which deps.nix (the direct dependencies) would hide", () => {
    const sets = `${MINIMAL}[package.sets]\nnix = "https://x.example/nix"\n`;
    const found = problems(`${sets}[deps.from.nix]\nfoo = "^1"\n`);
    assert.equal(found.length, 1, JSON.stringify(found));
    assert.equal(`${found[0]!.line}:${found[0]!.column}`, "6:12");
    assert.match(found[0]!.message, /^\[deps\.from\.nix\] takes atoms from set nix/);
    assert.match(found[0]!.message, /declared in \[package\.sets\] on line 5/);
    assert.match(found[0]!.message, /deps\.nix/);
    assert.match(found[0]!.hint ?? "", /rename the set .* e\.g\. to nix-atoms/);
    // Every spelling that names the same set: NFKC (fullwidth letters), dotted keys, no
    // declaration at all (reported next to the undeclared set).
    const fullwidth = messages(
      `${MINIMAL}[package.sets]\n"\uff4e\uff49\uff58" = "https://x.example/nix"\n[deps.from."\uff4e\uff49\uff58"]\nfoo = "1"\n`,
    );
    assert.equal(fullwidth.length, 1);
    assert.match(fullwidth[0]!, /^6:12 .* takes atoms from set nix /);
    assert.match(messages(`${sets}[deps]\nfrom.nix.foo = "1"\n`)[0]!, /^7:6 .* from set nix /);
    const undeclared = messages(`${MINIMAL}[deps.from.nix]\nfoo = "1"\n`);
    assert.equal(undeclared.length, 2);
    assert.match(undeclared[0]!, /takes atoms from set nix: atom-nix/);
    assert.match(undeclared[1]!, /which \[package\.sets\] does not declare/);
  });

  it("accepts an atom and a direct dependency of one name (deps.<set>.<label>, deps.nix.<name>)", () => {
    const m = parseAtomManifest(
      `${MINIMAL}[package.sets]\nnix = "https://x.example/unused"\nNix = "https://x.example/nix"\n[deps.from.Nix]\nfoo = "1"\n[deps.direct.nix]\nfoo = { url = "https://x.example/foo" }\n`,
    );
    assert.deepEqual(
      m.deps.map((d) => `${d.set}.${d.label}`),
      ["Nix.foo"],
    );
    assert.deepEqual(
      m.nixDeps.map((d) => d.name),
      ["foo"],
    );
  });

  it("checks [nix] entry as a path inside the atom", () => {
    assert.equal(parseAtomManifest(`${MINIMAL}[nix]\nentry = "./nix//"`).nix.entry, "nix");
    for (const [entry, why] of [
      [".", /atom directory itself/],
      ["/x", /absolute/],
      [".git", /\.git/],
      ["a\\\\b", /backslash/],
    ] as const) {
      assert.match(messages(`${MINIMAL}[nix]\nentry = "${entry}"`)[0]!, why);
    }
    assert.match(messages(`${MINIMAL}[nix]\nentry = 1`)[0]!, /nix\.entry must be a string/);
    assert.match(messages(`${MINIMAL}[nix]\nsystem = "x"`)[0]!, /unknown key system in \[nix\]/);
  });

  it("keeps [metadata], [nix.config] and direct dependencies open", () => {
    const m = parseAtomManifest(
      `${MINIMAL}[metadata]\nanything = 1\n[nix.config]\nx = { y = [true] }\n[deps.direct.nix]\nfoo = { whatever = 1 }\n[deps.direct.nix.bar]\ngit = "https://x"\n`,
    );
    assert.deepEqual(m.metadata, { anything: 1 });
    assert.deepEqual(m.nix.config, { x: { y: [true] } });
    assert.deepEqual(
      m.nixDeps.map((d) => [d.name, d.spec]),
      [
        ["foo", { whatever: 1 }],
        ["bar", { git: "https://x" }],
      ],
    );
  });

  it("throws EKA_TOML_SYNTAX for text that is not TOML", () => {
    assert.throws(
      () => parseAtomManifest("[package\n"),
      (e: EkaError) => e.code === "EKA_TOML_SYNTAX" && e.diagnostics.length === 1,
    );
  });
});
