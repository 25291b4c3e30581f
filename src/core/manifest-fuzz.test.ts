/** No input crashes the manifest parsers or the editor: they return, or throw an EkaError. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { mutateText } from "../../test/helpers/mutate-text.ts";
import { parseAtomManifest } from "./atom-manifest.ts";
import { parseEkalaManifest } from "./ekala-manifest.ts";
import { EkaError } from "./errors.ts";
import { addPackagePath } from "./manifest-edit.ts";

const SEEDS = [
  '[package]\nlabel = "a"\nversion = "1.0.0"\ndescription = "d"\n[package.sets]\nc = ["::", "https://x/y"]\n[metadata]\ntags = ["t"]\n[deps.from.c]\nb = "^1"\n[deps.direct.nix]\nn = { git = "https://x", ref = "r" }\n[nix]\nentry = "nix"\n[nix.config]\ns = "x"\n',
  '# c\n[set]\npackages = [\n  "a", # x\n  "b",\n]\n[metadata]\ntags = ["ui"]\n',
  'set.packages = ["a"]\nset = { packages = [] }\n[[set]]\n',
];

/** A seed with random edits: characters inserted, removed or replaced at random places. */
const mutated = fc
  .tuple(
    fc.constantFrom(...SEEDS),
    fc.array(
      fc.tuple(
        fc.nat(),
        fc.nat({ max: 3 }),
        fc.string({
          unit: fc.constantFrom(
            "[",
            "]",
            '"',
            "=",
            ",",
            "\n",
            ".",
            "#",
            "{",
            "}",
            "'",
            "\\",
            " ",
            "a",
            "1",
            "::",
            "\r",
            "é",
            "\u0000",
          ),
          maxLength: 3,
        }),
      ),
      { maxLength: 6 },
    ),
  )
  .map(([seed, edits]) => mutateText(seed, edits));

const junk = fc.oneof(
  fc.string({ unit: "binary" }),
  fc.string({ unit: "grapheme-ascii" }),
  fc.string({ unit: fc.constantFrom("[", "]", "=", '"', "\n", "a", ".", "{", "}", ",") }),
  mutated,
);

function onlyEkaErrors(run: () => unknown): void {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof EkaError, `not an EkaError: ${String(error)}`);
    assert.notEqual(error.code, "EKA_INTERNAL", error.message);
    for (const d of error.diagnostics) {
      assert.ok(
        Number.isInteger(d.line) && d.line >= 1 && Number.isInteger(d.column) && d.column >= 1,
      );
      assert.ok(d.message.length > 0 && (d.hint ?? "").length > 0);
    }
  }
}

describe("manifest parsers and editor on junk", () => {
  it("parseAtomManifest and parseEkalaManifest only throw EkaErrors with located diagnostics", () => {
    fc.assert(
      fc.property(junk, (text) => {
        onlyEkaErrors(() => parseAtomManifest(text));
        onlyEkaErrors(() => parseEkalaManifest(text));
      }),
      { numRuns: 2000 },
    );
  });

  it("addPackagePath lists the path once or throws an EkaError", () => {
    fc.assert(
      fc.property(junk, (text) => {
        onlyEkaErrors(() => {
          const after = addPackagePath(text, "new/atom");
          const listed = parseEkalaManifest(after).packages.filter((p) => p.path === "new/atom");
          assert.equal(listed.length, 1);
        });
      }),
      { numRuns: 2000 },
    );
  });
});
