import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseEkalaManifest } from "./ekala-manifest.ts";
import { type Diagnostic, EkaError } from "./errors.ts";

function problems(text: string): Diagnostic[] {
  try {
    parseEkalaManifest(text);
  } catch (error) {
    assert.ok(error instanceof EkaError);
    assert.equal(error.code, "EKA_MANIFEST_INVALID");
    assert.equal(
      error.message,
      `ekala.toml has ${error.diagnostics.length} problem${error.diagnostics.length === 1 ? "" : "s"}`,
    );
    for (const d of error.diagnostics) {
      assert.equal(d.file, "ekala.toml");
      assert.ok(
        d.line >= 1 && d.column >= 1 && d.message !== "" && (d.hint ?? "") !== "",
        JSON.stringify(d),
      );
    }
    return [...error.diagnostics];
  }
  assert.fail("the manifest was accepted");
}

const at = (d: Diagnostic) => `${d.line}:${d.column}`;

describe("parseEkalaManifest", () => {
  it("reads the example of protocol.md §1", () => {
    const manifest = parseEkalaManifest(
      '[set]\npackages = ["path/to/button", "path/to/validator"]   # relative paths\n\n[metadata]\ndomain = "example.com"\nlicense = "MIT"\ntags = ["ui-kit"]\n',
    );
    assert.deepEqual(
      manifest.packages.map((p) => [p.path, p.line, p.column]),
      [
        ["path/to/button", 2, 13],
        ["path/to/validator", 2, 31],
      ],
    );
    assert.deepEqual(manifest.metadata, {
      domain: "example.com",
      license: "MIT",
      tags: ["ui-kit"],
    });
    assert.deepEqual(manifest.tags, ["ui-kit"]);
    assert.equal(manifest.file, "ekala.toml");
  });

  it("normalises paths and keeps what was written", () => {
    const manifest = parseEkalaManifest('[set]\npackages = ["./a//b/", "c/../d"]');
    assert.deepEqual(
      manifest.packages.map((p) => [p.path, p.written]),
      [
        ["a/b", "./a//b/"],
        ["d", "c/../d"],
      ],
    );
  });

  it("accepts an empty list and every TOML spelling of [set]", () => {
    assert.deepEqual(parseEkalaManifest("[set]\npackages = []").packages, []);
    assert.equal(parseEkalaManifest('set.packages = ["a"]').packages[0]?.path, "a");
    assert.equal(parseEkalaManifest('set = { packages = ["a"] }').packages[0]?.path, "a");
  });

  it("reports every problem at once, in order, with positions", () => {
    const found = problems(
      '[set]\npackages = ["a", "./a", "../x", 3, "b/.git", "/abs", "a"]\npakages = 1\n[metadta]\n[metadata]\ntags = ["ok", "a..b", 5]\n',
    );
    assert.deepEqual(found.map(at), [
      "2:18",
      "2:25",
      "2:33",
      "2:36",
      "2:46",
      "2:54",
      "3:1",
      "4:2",
      "6:15",
      "6:23",
    ]);
    assert.match(found[0]!.message, /"\.\/a" names the same directory as "a" on line 2/);
    assert.match(found[1]!.message, /leads outside/);
    assert.match(found[2]!.message, /integer/);
    assert.match(found[3]!.message, /\.git/);
    assert.match(found[4]!.message, /absolute/);
    assert.match(found[5]!.message, /"a" is listed twice \(first on line 2\)/);
    assert.match(found[6]!.message, /unknown key pakages in \[set\]/);
    assert.match(found[6]!.hint!, /did you mean packages\?/);
    assert.match(found[7]!.message, /unknown table \[metadta\]/);
    assert.match(found[7]!.hint!, /did you mean metadata\?/);
    assert.match(found[8]!.message, /invalid tag "a\.\.b"/);
    assert.match(found[9]!.message, /tags holds an integer/);
  });

  it("requires [set] and its packages, of the right types", () => {
    assert.match(problems("# empty")[0]!.message, /no \[set\] table/);
    assert.match(problems("[set]")[0]!.message, /\[set\] has no packages/);
    assert.match(problems('set = "x"')[0]!.message, /set must be a table, not a string/);
    assert.match(
      problems('[set]\npackages = "x"')[0]!.message,
      /must be an array of paths, not a string/,
    );
    assert.match(
      problems("[metadata]\ntags = 'x'\n[set]\npackages = []")[0]!.message,
      /tags must be an array/,
    );
    assert.match(
      problems("[set]\npackages = []\nmetadata = 1")[0]!.message,
      /unknown key metadata in \[set\]/,
    );
  });

  it("refuses unknown top-level keys, with a hint for near misses", () => {
    const [unknown, typo] = problems("[set]\npackages = []\n[sett]\n[stuff]\n");
    assert.match(typo!.message, /unknown table \[stuff\]/);
    assert.match(unknown!.hint!, /did you mean set\?/);
    assert.doesNotMatch(typo!.hint!, /did you mean/);
  });

  it("keeps [metadata] open", () => {
    const manifest = parseEkalaManifest(
      "[set]\npackages = []\n[metadata]\nanything = { nested = [1, 2] }\n",
    );
    assert.deepEqual(manifest.metadata, { anything: { nested: [1, 2] } });
  });

  it("throws EKA_TOML_SYNTAX for text that is not TOML", () => {
    assert.throws(
      () => parseEkalaManifest('[set]\npackages = ["a"', "x/ekala.toml"),
      (e: EkaError) => {
        return (
          e.code === "EKA_TOML_SYNTAX" &&
          e.diagnostics[0]?.file === "x/ekala.toml" &&
          e.diagnostics[0]?.line === 2
        );
      },
    );
  });
});
