import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { parseAtomManifest } from "./atom-manifest.ts";
import { parseEkalaManifest } from "./ekala-manifest.ts";
import type { EkaError } from "./errors.ts";
import { parseLabel } from "./label.ts";
import { addPackagePath } from "./manifest-edit.ts";
import { renderAtomManifest, renderEkalaManifest } from "./manifest-render.ts";
import { parseVersion } from "./version.ts";

const labelArb = fc
  .tuple(
    fc.constantFrom("a", "z", "A", "é", "α", "ж", "ひ", "漢", "ᚠ"),
    fc.array(fc.constantFrom("a", "0", "9", "_", "-", "ñ", "한", "ⅸ", "e\u0301"), {
      maxLength: 20,
    }),
  )
  .map(([first, rest]) => parseLabel(first + rest.join("")));

const identifier = fc.oneof(
  fc.nat({ max: 1000 }).map(String),
  fc.stringMatching(/^[0-9A-Za-z-]*[A-Za-z-][0-9A-Za-z-]*$/),
);
const versionArb = fc
  .tuple(
    fc.nat(),
    fc.nat(),
    fc.nat(),
    fc.array(identifier, { maxLength: 3 }),
    fc.array(fc.stringMatching(/^[0-9A-Za-z-]+$/), { maxLength: 2 }),
  )
  .map(
    ([a, b, c, pre, build]) =>
      `${a}.${b}.${c}${pre.length > 0 ? `-${pre.join(".")}` : ""}${build.length > 0 ? `+${build.join(".")}` : ""}`,
  )
  .filter((v) => !v.endsWith(".lock"))
  .map((v) => parseVersion(v));

const descriptionArb = fc.option(fc.string({ unit: "binary", maxLength: 40 }), { nil: undefined });

describe("renderAtomManifest", () => {
  it("writes a [package] table", () => {
    const text = renderAtomManifest({
      label: parseLabel("button"),
      version: parseVersion("0.1.0"),
      description: 'a "button"',
    });
    assert.equal(
      text,
      '[package]\nlabel = "button"\nversion = "0.1.0"\ndescription = "a \\"button\\""\n',
    );
    assert.equal(
      renderAtomManifest({ label: parseLabel("b"), version: parseVersion("1.0.0") }),
      '[package]\nlabel = "b"\nversion = "1.0.0"\n',
    );
  });

  it("parse(render(x)) = x (property)", () => {
    fc.assert(
      fc.property(labelArb, versionArb, descriptionArb, (label, version, description) => {
        const atom = { label, version, ...(description === undefined ? {} : { description }) };
        const parsed = parseAtomManifest(renderAtomManifest(atom));
        const back = {
          label: parsed.label,
          version: parsed.version,
          ...(parsed.description === undefined ? {} : { description: parsed.description }),
        };
        assert.deepEqual(back, atom);
      }),
      { numRuns: 300 },
    );
  });
});

describe("renderEkalaManifest", () => {
  it("writes a commented file with an empty or one-per-line list", () => {
    const empty = renderEkalaManifest([]);
    assert.match(empty, /^# /);
    assert.ok(empty.endsWith("[set]\npackages = []\n"));
    assert.ok(
      renderEkalaManifest(["b", "./a/"]).endsWith('[set]\npackages = [\n  "b",\n  "a",\n]\n'),
    );
    assert.deepEqual(parseEkalaManifest(empty).packages, []);
  });

  it("refuses bad and repeated paths", () => {
    assert.throws(
      () => renderEkalaManifest(["../x"]),
      (e: EkaError) => e.code === "EKA_PATH_INVALID",
    );
    assert.throws(
      () => renderEkalaManifest(["a", "./a"]),
      (e: EkaError) => e.code === "EKA_DUPLICATE_PATH",
    );
  });

  it("parse(render(paths)) = paths, and adding keeps the style (property)", () => {
    const path = fc
      .array(fc.constantFrom("a", "b", "c d", "é", "x.y"), { minLength: 1, maxLength: 3 })
      .map((p) => p.join("/"));
    fc.assert(
      fc.property(fc.uniqueArray(path, { maxLength: 6 }), path, (paths, extra) => {
        const text = renderEkalaManifest(paths);
        assert.deepEqual(
          parseEkalaManifest(text).packages.map((p) => p.path),
          paths,
        );
        if (paths.includes(extra)) return;
        const after = addPackagePath(text, extra);
        assert.deepEqual(
          parseEkalaManifest(after).packages.map((p) => p.path),
          [...paths, extra],
        );
        // A one-line `[]` stays one line; a one-per-line list gets one more line.
        const expected =
          paths.length === 0
            ? text.replace("[]", `[${JSON.stringify(extra)}]`)
            : renderEkalaManifest([...paths, extra]);
        assert.equal(after, expected);
      }),
    );
  });
});
