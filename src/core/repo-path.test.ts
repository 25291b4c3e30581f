import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { EkaError } from "./errors.ts";
import { normaliseRepoPath } from "./repo-path.ts";

describe("normaliseRepoPath", () => {
  it("normalises", () => {
    const cases: [string, string][] = [
      ["a", "a"],
      ["a/b", "a/b"],
      ["./a", "a"],
      ["a/./b", "a/b"],
      ["a//b", "a/b"],
      ["a/b/", "a/b"],
      ["a/b/..", "a"],
      ["a/../b", "b"],
      ["a/b/../../c", "c"],
      ["pkgs/my atom", "pkgs/my atom"],
      ["é/ü", "é/ü"],
      ["a.git", "a.git"],
      [".gitignore-dir", ".gitignore-dir"],
      ["...", "..."],
    ];
    for (const [input, expected] of cases) assert.equal(normaliseRepoPath(input), expected, input);
  });

  const invalid: [string, RegExp][] = [
    ["", /empty/],
    [".", /repository root itself/],
    ["./", /repository root itself/],
    ["a/..", /repository root itself/],
    ["//", /absolute/],
    ["/a", /absolute/],
    ["C:/a", /absolute/],
    ["c:", /absolute/],
    ["..", /leads outside/],
    ["../a", /leads outside/],
    ["a/../../b", /leads outside/],
    ["a/../..", /leads outside/],
    [".git", /\.git/],
    [".git/hooks", /\.git/],
    ["a/.GIT/b", /\.git/],
    ["a/.Git", /\.git/],
    ["a/.git./b", /\.git/],
    ["a/.git /b", /\.git/],
    ["GIT~1/x", /\.git/],
    ["a/.git/../b", /\.git/],
    ["a\u0000b", /U\+0000 \(NUL\)/],
    ["a\nb", /U\+000A \(line feed\)/],
    ["a\rb", /U\+000D/],
    ["a\\b", /backslash/],
  ];
  for (const [input, why] of invalid) {
    it(`refuses ${JSON.stringify(input)}`, () => {
      assert.throws(
        () => normaliseRepoPath(input),
        (e: EkaError) =>
          e.code === "EKA_PATH_INVALID" && why.test(e.message) && (e.hint?.length ?? 0) > 0,
      );
    });
  }

  it("is idempotent and its results stay inside the repository", () => {
    const part = fc.constantFrom("a", "b", "..", ".", "", "c d", "é");
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 8 }), (parts) => {
        let normal: string;
        try {
          normal = normaliseRepoPath(parts.join("/"));
        } catch (error) {
          assert.ok(error instanceof EkaError && error.code === "EKA_PATH_INVALID");
          return;
        }
        assert.equal(normaliseRepoPath(normal), normal);
        assert.ok(!normal.split("/").some((p) => p === "" || p === "." || p === ".."));
      }),
    );
  });
});
