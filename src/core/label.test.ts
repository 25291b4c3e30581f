import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EkaError } from "./errors.ts";
import { isLabel, parseLabel } from "./label.ts";
import { isRefComponent } from "./ref-component.ts";

function labelError(input: string): EkaError {
  try {
    parseLabel(input);
  } catch (error) {
    assert.ok(error instanceof EkaError);
    assert.equal(error.code, "EKA_LABEL_INVALID");
    assert.ok(error.hint !== undefined && error.hint.length > 0);
    return error;
  }
  assert.fail(`${JSON.stringify(input)} was accepted`);
}

describe("parseLabel", () => {
  it("accepts every valid label of vectors.md", () => {
    for (const label of [
      "α",
      "ñ_1",
      "Café_au_lait-123",
      "ひらがな",
      "한글漢字",
      "кириллица",
      "Ææ",
      "ᚠ",
    ]) {
      assert.equal(parseLabel(label), label.normalize("NFKC"));
      assert.ok(isLabel(label));
    }
  });

  it("accepts the ordinary ASCII shapes", () => {
    for (const label of ["a", "nix-lock", "dev", "a1", "a_b-c", "A-", "x".repeat(128)]) {
      assert.equal(parseLabel(label), label);
    }
  });

  // [input, text the message must contain]
  const invalid: [string, string][] = [
    ["", "empty"],
    ["9atom", 'cannot start with "9"'],
    ["_atom", 'cannot start with "_"'],
    ["-atom", 'cannot start with "-"'],
    ["'atom", `cannot start with "'"`],
    ["%atom", 'cannot start with "%"'],
    ["a-!@#$%^&*()_-asdf", '"!@#$%^&*()"'],
    ["\u200b", "cannot start with U+200B"],
    ["α\u200b", "contains U+200B"],
    ["한글 漢字", "contains U+0020 (space)"],
    ["Café♥", 'contains "♥"'],
    ["Öö\t", "contains U+0009 (tab)"],
    ["ひらがな。", 'contains "。"'],
    ["a".repeat(129), "129 bytes"],
  ];
  for (const [input, named] of invalid) {
    it(`refuses ${JSON.stringify(input.slice(0, 20))}, naming ${named}`, () => {
      const error = labelError(input);
      assert.ok(error.message.includes(named), error.message);
      assert.equal(isLabel(input), false);
    });
  }

  it("names only the offending characters, each once", () => {
    const error = labelError("a-!@#$%^&*()_-asdf");
    assert.match(error.message, /contains "!@#\$%\^&\*\(\)", which are not allowed/);
    assert.match(labelError("a!b!c").message, /contains "!", which is not/);
  });

  it("lists visible and invisible offenders apart", () => {
    const error = labelError("a b\u200b!");
    assert.ok(
      error.message.includes('U+0020 (space), U+200B (zero width space), "!"'),
      error.message,
    );
  });

  it("reports a bad start and bad characters together", () => {
    const error = labelError("9a!");
    assert.ok(error.message.includes('cannot start with "9"'));
    assert.ok(error.message.includes('contains "!"'));
  });

  it("counts the limit in UTF-8 bytes", () => {
    assert.equal(parseLabel("é".repeat(64)), "é".repeat(64));
    assert.ok(labelError("é".repeat(65)).message.includes("130 bytes"));
    assert.equal(parseLabel(`a${"x".repeat(127)}`).length, 128);
  });

  it("normalises to NFKC first: e + U+0301 is é", () => {
    const composed = parseLabel("caf\u00e9");
    const decomposed = parseLabel("cafe\u0301");
    assert.equal(decomposed, composed);
    assert.equal(decomposed, "café");
    assert.equal(parseLabel("ｆｏｏ"), "foo");
    assert.equal(parseLabel("ﬁle"), "file");
  });

  it("measures the length after normalisation", () => {
    // U+FDFA is one character that NFKC expands to 18.
    const error = labelError(`a${"\ufdfa".repeat(3)}`);
    assert.equal(error.code, "EKA_LABEL_INVALID");
    assert.ok(error.message.includes("after NFKC normalisation"));
  });

  it("refuses what git refuses in a ref component", () => {
    for (const bad of [
      "a.lock",
      "a..b",
      ".a",
      "a.",
      "a b",
      "a:b",
      "a~",
      "a^",
      "a?",
      "a*",
      "a[",
      "a\\b",
      "@",
      "a@{b",
      "",
    ]) {
      assert.equal(isRefComponent(bad), false, bad);
      assert.equal(isLabel(bad), false, bad);
    }
    for (const good of ["a", "é", "nix-lock", "1.0.0", "a.b", "a@b"])
      assert.ok(isRefComponent(good), good);
  });

  it("carries where, when given", () => {
    assert.throws(
      () => parseLabel("9", "atom.toml:2:9"),
      (e: EkaError) => e.where === "atom.toml:2:9",
    );
  });
});
