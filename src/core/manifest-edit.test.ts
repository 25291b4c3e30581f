import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { parseEkalaManifest } from "./ekala-manifest.ts";
import type { EkaError } from "./errors.ts";
import { addPackagePath } from "./manifest-edit.ts";

/**
 * Checks that `after` is `before` with lines inserted, and at most `touched` original lines
 * changed in one place: every other original line is kept byte for byte, in order.
 */
function assertPreserved(before: string, after: string, touched: number): void {
  const a = before.split("\n");
  const b = after.split("\n");
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  let suffix = 0;
  while (
    suffix < a.length - prefix &&
    suffix < b.length - prefix &&
    a[a.length - 1 - suffix] === b[b.length - 1 - suffix]
  )
    suffix++;
  const changed = a.length - prefix - suffix;
  assert.ok(changed <= touched, `${changed} original lines changed:\n${before}\n---\n${after}`);
  assert.ok(b.length >= a.length);
}

function assertAdded(before: string, path: string, touched: number): string {
  const after = addPackagePath(before, path);
  const listed = parseEkalaManifest(after).packages.map((p) => p.path);
  assert.equal(listed.filter((p) => p === path).length, 1, after);
  assert.equal(listed.at(-1), path);
  assertPreserved(before, after, touched);
  if (before.includes("\r\n")) assert.doesNotMatch(after, /[^\r]\n/, "line ends stay CRLF");
  return after;
}

describe("addPackagePath", () => {
  // [before, expected after adding "new/x"]
  const cases: [string, string, string][] = [
    ["one-line list", '[set]\npackages = ["a", "b"]\n', '[set]\npackages = ["a", "b", "new/x"]\n'],
    [
      "one-line list without spaces",
      '[set]\npackages = ["a","b"]\n',
      '[set]\npackages = ["a","b","new/x"]\n',
    ],
    [
      "one-line with trailing comma and comment",
      '[set]\npackages = ["a", "b",] # c\n',
      '[set]\npackages = ["a", "b", "new/x",] # c\n',
    ],
    ["empty list", "[set]\npackages = []\n", '[set]\npackages = ["new/x"]\n'],
    ["empty list with a space", "[set]\npackages = [ ]\n", '[set]\npackages = ["new/x"]\n'],
    ["empty multi-line list", "[set]\npackages = [\n]\n", '[set]\npackages = [\n  "new/x",\n]\n'],
    [
      "empty list with a comment inside",
      "[set]\npackages = [\n    # none yet\n]\n",
      '[set]\npackages = [\n    # none yet\n    "new/x",\n]\n',
    ],
    [
      "multi-line with trailing comma and comments",
      '[set]\npackages = [\n  "a",\n  "b", # the b\n  # "c",\n]\n',
      '[set]\npackages = [\n  "a",\n  "b", # the b\n  "new/x",\n  # "c",\n]\n',
    ],
    [
      "multi-line without trailing comma",
      '[set]\npackages = [\n  "a",\n  "b"\n]\n',
      '[set]\npackages = [\n  "a",\n  "b",\n  "new/x"\n]\n',
    ],
    [
      "multi-line, comment after the last element",
      '[set]\npackages = [\n  "a",\n  "b" # no comma\n]\n',
      '[set]\npackages = [\n  "a",\n  "b", # no comma\n  "new/x"\n]\n',
    ],
    [
      "aligned, bracket on the last line",
      '[set]\npackages = ["a",\n            "b"]\n',
      '[set]\npackages = ["a",\n            "b",\n            "new/x"]\n',
    ],
    [
      "tabs",
      '\t[set]\n\tpackages = [\n\t\t"a",\n\t]\n',
      '\t[set]\n\tpackages = [\n\t\t"a",\n\t\t"new/x",\n\t]\n',
    ],
    [
      "CRLF",
      '[set]\r\npackages = [\r\n  "a",\r\n]\r\n',
      '[set]\r\npackages = [\r\n  "a",\r\n  "new/x",\r\n]\r\n',
    ],
    [
      "CRLF one-line",
      "# x\r\n[set]\r\npackages = []\r\n",
      '# x\r\n[set]\r\npackages = ["new/x"]\r\n',
    ],
    [
      "dotted key",
      'set.packages = ["a"]\n[metadata]\nx = 1\n',
      'set.packages = ["a", "new/x"]\n[metadata]\nx = 1\n',
    ],
    ["inline table", "set = { packages = [] }\n", 'set = { packages = ["new/x"] }\n'],
    ["empty inline table", "set = { }\n", 'set = { packages = ["new/x"] }\n'],
    [
      "[set] without packages",
      "[set]\n# comment\n\n[metadata]\n",
      '[set]\npackages = ["new/x"]\n# comment\n\n[metadata]\n',
    ],
    ["[set] on the last line", "[set]", '[set]\npackages = ["new/x"]\n'],
    ["no [set]", "# only a comment\n", '# only a comment\n\n[set]\npackages = ["new/x"]\n'],
    [
      "no [set], no final newline",
      "[metadata]\ntags = []",
      '[metadata]\ntags = []\n\n[set]\npackages = ["new/x"]\n',
    ],
    ["empty file", "", '[set]\npackages = ["new/x"]\n'],
    ["quoted keys", '"set"."packages" = ["a"]\n', '"set"."packages" = ["a", "new/x"]\n'],
  ];
  for (const [name, before, expected] of cases) {
    it(name, () => {
      const after = addPackagePath(before, "new/x");
      assert.equal(after, expected);
      assertAdded(before, "new/x", 1);
    });
  }

  it("keeps everything around the list byte for byte", () => {
    const before = `# ekala.toml of a monorepo\n\n[set]   # the set\npackages = [\n  "pkgs/a", # first\n\n  # grouped\n  "pkgs/b",\n] # end\n\n[metadata]\ndomain = "example.com"\n`;
    const after = assertAdded(before, "pkgs/c", 0);
    assert.equal(after, before.replace('  "pkgs/b",\n', '  "pkgs/b",\n  "pkgs/c",\n'));
  });

  it("adds the normalised path, quoted as TOML needs", () => {
    assert.equal(
      addPackagePath("[set]\npackages = []\n", "./a//b/"),
      '[set]\npackages = ["a/b"]\n',
    );
    assert.equal(
      addPackagePath("[set]\npackages = []\n", 'we"ird'),
      '[set]\npackages = ["we\\"ird"]\n',
    );
  });

  it("refuses a path already listed, even written differently", () => {
    assert.throws(
      () => addPackagePath('[set]\npackages = ["a/b"]\n', "./a/b/"),
      (e: EkaError) => e.code === "EKA_DUPLICATE_PATH" && e.where === "ekala.toml:2:13",
    );
  });

  it("refuses bad paths, bad TOML and a set or packages of the wrong type", () => {
    assert.throws(
      () => addPackagePath("[set]\npackages = []\n", "../x"),
      (e: EkaError) => e.code === "EKA_PATH_INVALID",
    );
    assert.throws(
      () => addPackagePath("[set\n", "x"),
      (e: EkaError) => e.code === "EKA_TOML_SYNTAX",
    );
    for (const text of [
      'set = "x"',
      '[set]\npackages = "a"',
      "[[set]]",
      "[set]\npackages = [1]",
      "[[set.packages]]\nx = 1",
      "set.packages.x = 1",
    ]) {
      assert.throws(
        () => addPackagePath(text, "x"),
        (e: EkaError) => e.code === "EKA_MANIFEST_INVALID",
        text,
      );
    }
  });

  it("appends to lists of any style, keeping the rest (property)", () => {
    const path = fc
      .array(fc.constantFrom("a", "b", "pkgs", "é", "x-y", "v1.2", "sp ace"), {
        minLength: 1,
        maxLength: 3,
      })
      .map((parts) => parts.join("/"));
    const style = fc.record({
      paths: fc.uniqueArray(path, { maxLength: 5 }),
      multiLine: fc.boolean(),
      trailingComma: fc.boolean(),
      indent: fc.constantFrom("  ", "    ", "\t"),
      comments: fc.boolean(),
      crlf: fc.boolean(),
      form: fc.constantFrom("header", "dotted", "inline"),
      metadataFirst: fc.boolean(),
    });
    fc.assert(
      fc.property(style, path, (s, extra) => {
        fc.pre(!s.paths.includes(extra));
        const items = s.paths.map((p) => JSON.stringify(p));
        let list: string;
        if (!s.multiLine || s.form === "inline") {
          list = `[${items.join(", ")}${s.trailingComma && items.length > 0 ? "," : ""}]`;
        } else {
          const lines = items.map(
            (item, i) =>
              `${s.indent}${item}${i < items.length - 1 || s.trailingComma ? "," : ""}${s.comments ? ` # ${i}` : ""}`,
          );
          list = [
            "[",
            ...(s.comments ? [`${s.indent}# the atoms`] : []),
            ...lines,
            ...(s.comments ? [`${s.indent}# "old/one",`] : []),
            "]",
          ].join("\n");
        }
        const set =
          s.form === "header"
            ? `[set] # s\npackages = ${list}`
            : s.form === "dotted"
              ? `set.packages = ${list}`
              : `set = { packages = ${list} }`;
        const metadata = '[metadata]\n# tags\ntags = ["t"]';
        const parts = s.form === "header" && s.metadataFirst ? [metadata, set] : [set, metadata];
        let text = `# top\n\n${parts.join("\n\n")}\n`;
        if (s.crlf) text = text.replace(/\n/g, "\r\n");
        const after = assertAdded(text, extra, 1);
        assert.deepEqual(
          parseEkalaManifest(after).packages.map((p) => p.path),
          [...s.paths, extra],
        );
      }),
    );
  });
});
