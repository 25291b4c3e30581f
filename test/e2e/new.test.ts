/** `eka new` and `eka status` on real repositories, through the real CLI. */
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import {
  atomId,
  parseAtomManifest,
  parseGitOid,
  parseLabel,
  setIdFromOid,
} from "../../src/core/index.ts";
import { runEka, runEkaJson, snapshot } from "../helpers/eka.ts";
import { fsckStrict, git, tempRepo } from "../helpers/git.ts";

async function initialized(t: import("node:test").TestContext, manifest?: string): Promise<string> {
  const repo = await tempRepo(t, { initialCommit: true });
  if (manifest !== undefined) writeFileSync(join(repo, "ekala.toml"), manifest);
  const run = await runEka(repo, ["init"]);
  assert.equal(run.code, 0, run.stderr);
  return repo;
}

test("new creates atom.toml with defaults and lists the path, preserving ekala.toml", async (t) => {
  const original = [
    "# The acme set.",
    "[set]",
    "packages = [",
    "  # tools first",
    '  "tools/lint",   # the linter',
    "]",
    "",
    "[metadata]",
    'license = "MIT"  # keep',
    "",
  ].join("\n");
  const repo = await initialized(t, original);
  mkdirSync(join(repo, "tools/lint"), { recursive: true });
  writeFileSync(
    join(repo, "tools/lint/atom.toml"),
    '[package]\nlabel = "lint"\nversion = "2.0.0"\n',
  );
  const run = await runEkaJson(repo, ["new", "pkgs/button"]);
  assert.equal(run.code, 0, JSON.stringify(run.json));
  assert.deepEqual(
    { path: run.json.data.path, label: run.json.data.label, version: run.json.data.version },
    { path: "pkgs/button", label: "button", version: "0.1.0" },
  );
  const atom = parseAtomManifest(readFileSync(join(repo, "pkgs/button/atom.toml"), "utf8"));
  assert.equal(atom.label, "button");
  assert.equal(atom.version, "0.1.0");
  const edited = readFileSync(join(repo, "ekala.toml"), "utf8");
  for (const line of original.split("\n")) assert.ok(edited.includes(line), `kept: ${line}`);
  assert.equal(edited.match(/"pkgs\/button"/g)?.length, 1);
  const status = await runEkaJson(repo, ["status"]);
  assert.deepEqual(
    status.json.data.atoms.map((a: { path: string }) => a.path),
    ["tools/lint", "pkgs/button"],
  );
  fsckStrict(repo);
});

test("new with --label and --version, from a subdirectory", async (t) => {
  const repo = await initialized(t);
  mkdirSync(join(repo, "sub"));
  const run = await runEkaJson(join(repo, "sub"), [
    "new",
    "deep/thing",
    "--label",
    "Café",
    "--version",
    "1.2.3-rc.1",
  ]);
  assert.equal(run.code, 0, JSON.stringify(run.json));
  assert.equal(run.json.data.path, "sub/deep/thing");
  const atom = parseAtomManifest(readFileSync(join(repo, "sub/deep/thing/atom.toml"), "utf8"));
  assert.equal(atom.label, "Café");
  assert.equal(atom.version, "1.2.3-rc.1");
});

test("status shows every atom with its id derived from the set id and label", async (t) => {
  const repo = await initialized(t);
  assert.equal((await runEka(repo, ["new", "pkgs/button"])).code, 0);
  assert.equal((await runEka(repo, ["new", "pkgs/validator", "--version", "1.0.0"])).code, 0);
  const run = await runEkaJson(repo, ["status"]);
  assert.equal(run.code, 0);
  const setId = git(repo, "rev-parse", "refs/ekala/init").trim();
  assert.equal(run.json.data.setId, setId);
  const set = setIdFromOid(parseGitOid(setId));
  assert.deepEqual(run.json.data.atoms, [
    {
      path: "pkgs/button",
      label: "button",
      version: "0.1.0",
      id: atomId(set, parseLabel("button")),
    },
    {
      path: "pkgs/validator",
      label: "validator",
      version: "1.0.0",
      id: atomId(set, parseLabel("validator")),
    },
  ]);
  const text = await runEka(repo, ["status"]);
  assert.match(text.stdout, /^button {2}.*pkgs\/button/m);
});

test("new refuses bad input with nothing written", async (t) => {
  const cases: {
    name: string;
    args: string[];
    code: RegExp;
    setup?: (repo: string) => void;
    init?: boolean;
  }[] = [
    {
      name: "an invalid label",
      args: ["new", "pkgs/x", "--label", "9atom"],
      code: /EKA_LABEL_INVALID.*"9"/,
    },
    {
      name: "a directory name that is no label",
      args: ["new", "pkgs/_private"],
      code: /EKA_LABEL_INVALID/,
    },
    {
      name: "an invalid version",
      args: ["new", "pkgs/x", "--version", "1.0"],
      code: /EKA_VERSION_INVALID/,
    },
    {
      name: "a `v` version",
      args: ["new", "pkgs/x", "--version", "v1.0.0"],
      code: /EKA_VERSION_INVALID/,
    },
    { name: "a path outside the repository", args: ["new", "../escape"], code: /EKA_PATH_INVALID/ },
    {
      name: "an absolute path outside",
      args: ["new", "/tmp/eka-elsewhere"],
      code: /EKA_PATH_INVALID/,
    },
    { name: "the repository root", args: ["new", "."], code: /EKA_PATH_INVALID/ },
    { name: "a .git path", args: ["new", ".git/x"], code: /EKA_PATH_INVALID/ },
    {
      name: "a duplicate path",
      args: ["new", "pkgs/a", "--label", "other"],
      code: /EKA_DUPLICATE_PATH/,
    },
    {
      name: "a duplicate path, spelled differently",
      args: ["new", "./pkgs//a/"],
      code: /EKA_DUPLICATE_PATH/,
    },
    {
      name: "a duplicate label",
      args: ["new", "pkgs/b", "--label", "a"],
      code: /EKA_DUPLICATE_LABEL.*pkgs\/a/,
    },
    {
      name: "an existing atom.toml",
      args: ["new", "pkgs/c"],
      code: /EKA_ATOM_EXISTS/,
      setup: (repo) => {
        mkdirSync(join(repo, "pkgs/c"), { recursive: true });
        writeFileSync(join(repo, "pkgs/c/atom.toml"), "# someone's\n");
      },
    },
    {
      name: "malformed TOML in ekala.toml",
      args: ["new", "pkgs/x"],
      code: /EKA_(MANIFEST_INVALID|TOML_SYNTAX)[^\n]*\n?[^\n]*ekala\.toml:3:/,
      setup: (repo) =>
        writeFileSync(join(repo, "ekala.toml"), '[set]\npackages = ["pkgs/a"]\npackages = 3\n'),
    },
    {
      name: "unknown keys in ekala.toml",
      args: ["new", "pkgs/x"],
      code: /EKA_MANIFEST_INVALID[\s\S]*ekala\.toml:3:1/,
      setup: (repo) =>
        writeFileSync(join(repo, "ekala.toml"), '[set]\npackages = ["pkgs/a"]\nextra = 1\n'),
    },
    {
      name: "a listed path without atom.toml",
      args: ["new", "pkgs/x"],
      code: /EKA_MANIFEST_INVALID[\s\S]*`pkgs\/missing` has no atom\.toml/,
      setup: (repo) =>
        writeFileSync(join(repo, "ekala.toml"), '[set]\npackages = ["pkgs/a", "pkgs/missing"]\n'),
    },
    {
      name: "a missing ekala.toml (not initialized)",
      args: ["new", "pkgs/x"],
      code: /EKA_NOT_INITIALIZED/,
      init: false,
    },
  ];
  for (const c of cases) {
    await t.test(c.name, async (t) => {
      const repo =
        c.init === false ? await tempRepo(t, { initialCommit: true }) : await initialized(t);
      if (c.init !== false) assert.equal((await runEka(repo, ["new", "pkgs/a"])).code, 0);
      c.setup?.(repo);
      const before = snapshot(repo);
      const run = await runEka(repo, c.args);
      assert.notEqual(run.code, 0, run.stdout);
      assert.match(run.stderr, /^error\[EKA_[A-Z_]+\]: /m);
      assert.match(run.stderr, c.code);
      assert.match(run.stderr, /hint: /);
      assert.deepEqual(snapshot(repo), before);
    });
  }
});
