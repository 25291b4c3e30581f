import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { EkaError } from "./errors.ts";
import { isTag, parseTag } from "./tag.ts";

describe("parseTag", () => {
  it("accepts labels and also . and :", () => {
    for (const tag of ["ui", "ui-kit", "lang:nix", "a.b", "v1.2", "company", "α:β", "x.y:z"]) {
      assert.equal(parseTag(tag), tag);
    }
  });

  it("refuses .., bad starts and other characters", () => {
    const cases: [string, string][] = [
      ["a..b", '".."'],
      [".a", 'cannot start with "."'],
      [":a", 'cannot start with ":"'],
      ["a b", "U+0020 (space)"],
      ["a/b", '"/"'],
      ["", "empty"],
    ];
    for (const [input, named] of cases) {
      assert.throws(
        () => parseTag(input),
        (e: EkaError) =>
          e.code === "EKA_TAG_INVALID" && e.message.includes(named) && e.hint !== undefined,
        input,
      );
      assert.equal(isTag(input), false);
    }
  });

  it("normalises to NFKC and names what the tag is", () => {
    assert.equal(parseTag("cafe\u0301:x"), "café:x");
    assert.throws(() => parseTag("a b", "set name"), /invalid set name "a b"/);
  });
});
