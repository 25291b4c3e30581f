import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { parse, valid } from "semver";
import { arbitraryPlainVersion, arbitraryVersion } from "../../test/helpers/arbitrary-version.ts";
import type { EkaError } from "./errors.ts";
import type { Version } from "./types.ts";
import { compareVersions, isVersion, parseVersion, sortNewestFirst } from "./version.ts";

describe("parseVersion", () => {
  it("accepts strict semver 2.0.0", () => {
    for (const v of [
      "0.0.0",
      "1.0.0",
      "1.2.3-alpha.1",
      "1.0.0-0.3.7",
      "1.0.0-x.7.z.92",
      "1.0.0+20130313144700",
      "1.0.0-beta+exp.sha.5114f85",
      "1.0.0+build.01",
      "10.20.30",
    ]) {
      assert.equal(parseVersion(v), v);
      assert.ok(isVersion(v));
    }
  });

  const invalid: [string, RegExp][] = [
    ["v1.0.0", /starts with "v"/],
    ["V1.0.0", /starts with "V"/],
    ["=1.0.0", /starts with "="/],
    [" 1.0.0", /spaces/],
    ["1.0.0 ", /spaces/],
    ["1.0", /all three numbers/],
    ["1", /all three numbers/],
    ["01.0.0", /leading zeros/],
    ["1.0.0-01", /leading zeros/],
    ["1.0.0-a.lock", /\.lock/],
    ["", /not a semver/],
    ["1.0.0-", /not a semver/],
    ["1.0.0+", /not a semver/],
    ["1.0.0-a..b", /not a semver/],
    ["1.2.3.4", /not a semver/],
    ["latest", /not a semver/],
    ["99999999999999999999.0.0", /not a semver/],
  ];
  for (const [text, why] of invalid) {
    it(`refuses ${JSON.stringify(text)}`, () => {
      assert.throws(
        () => parseVersion(text),
        (e: EkaError) =>
          e.code === "EKA_VERSION_INVALID" &&
          why.test(e.message) &&
          e.hint?.includes("semver") === true,
      );
      assert.equal(isVersion(text), false);
    });
  }
});

describe("compareVersions", () => {
  it("sorts by precedence, pre-releases first, build metadata last, totally", () => {
    const sorted = [
      "1.0.0",
      "1.0.0-alpha",
      "1.0.0+b",
      "1.0.0-alpha.1",
      "0.9.9",
      "1.0.0-beta",
      "1.0.0-alpha.beta",
      "1.0.0-rc.1",
      "2.0.0",
      "1.0.0-beta.11",
      "1.0.0-beta.2",
      "1.0.0+a",
    ]
      .map((v) => parseVersion(v))
      .sort(compareVersions);
    assert.deepEqual(sorted, [
      "0.9.9",
      "1.0.0-alpha",
      "1.0.0-alpha.1",
      "1.0.0-alpha.beta",
      "1.0.0-beta",
      "1.0.0-beta.2",
      "1.0.0-beta.11",
      "1.0.0-rc.1",
      "1.0.0",
      "1.0.0+a",
      "1.0.0+b",
      "2.0.0",
    ]);
  });

  it("is 0 only for identical text", () => {
    assert.equal(compareVersions("1.0.0" as Version, "1.0.0" as Version), 0);
    assert.notEqual(compareVersions("1.0.0+1" as Version, "1.0.0+01" as Version), 0);
  });
});

describe("sortNewestFirst", () => {
  it("orders as compareVersions does, reversed, whatever the versions", () => {
    fc.assert(
      fc.property(fc.array(arbitraryVersion, { maxLength: 60 }), (versions) => {
        const items = versions.map((version, n) => ({ version, n }));
        const expected = [...items].sort((a, b) => compareVersions(b.version, a.version));
        assert.deepEqual(
          sortNewestFirst(items).map((i) => i.version),
          expected.map((i) => i.version),
        );
      }),
      { numRuns: 1000 },
    );
  });

  it("orders plain versions as compareVersions does, duplicates in their order", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(arbitraryPlainVersion, fc.constant(parseVersion("1.2.3"))), {
          maxLength: 80,
        }),
        (versions) => {
          const items = versions.map((version, n) => ({ version, n }));
          const expected = [...items].sort((a, b) => compareVersions(b.version, a.version));
          assert.deepEqual(sortNewestFirst(items), expected);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("orders numbers at the edges of the fast comparison", () => {
    const edges = [
      "1.0.999999",
      "1.1.0",
      "1.1.100000",
      "1.0.1000000",
      "1.999999.0",
      "1.1000000.0",
      "2.0.0",
      "9007199254740991.0.0",
      "123456789012345.1.0",
      "1.1.100000-rc.1",
      "1.1.100000+b",
      "9006.999999.999999",
      "9007.0.0",
      "9006.999999.999998",
    ].map((v) => ({ version: parseVersion(v) }));
    const expected = [...edges].sort((a, b) => compareVersions(b.version, a.version));
    for (const order of [edges, [...edges].reverse()]) {
      assert.deepEqual(sortNewestFirst(order), expected);
    }
    // Plain versions whose majors fit one exact number each, duplicates kept in their order.
    const small = ["9006.999999.999999", "9006.999999.999998", "0.0.0", "9006.0.1", "10.2.3"];
    const items = [...small, "10.2.3"].map((v, n) => ({ version: parseVersion(v), n }));
    assert.deepEqual(
      sortNewestFirst(items).map((i) => i.n),
      [0, 1, 3, 4, 5, 2],
    );
    assert.deepEqual(
      sortNewestFirst(items.slice(0, 5)).map((i) => i.n),
      [0, 1, 3, 4, 2],
    );
  });

  it("returns a new array and leaves the input as it was", () => {
    const items = ["1.0.0", "1.10.0", "1.9.0"].map((v) => ({ version: parseVersion(v) }));
    const sorted = sortNewestFirst(items);
    assert.deepEqual(
      sorted.map((i) => i.version),
      ["1.10.0", "1.9.0", "1.0.0"],
    );
    assert.deepEqual(
      items.map((i) => i.version),
      ["1.0.0", "1.10.0", "1.9.0"],
    );
    assert.equal(sorted[0], items[1]);
  });
});

describe("isVersion and parseVersion on plain releases", () => {
  it("agree with node-semver's strict reading on digits and dots", () => {
    const digitsAndDots = fc
      .array(
        fc.oneof(
          { weight: 6, arbitrary: fc.constantFrom(..."0123456789") },
          { weight: 2, arbitrary: fc.constant(".") },
          { weight: 1, arbitrary: fc.constantFrom("-", "+", "a", " ", "v") },
        ),
        { maxLength: 40 },
      )
      .map((chars) => chars.join(""));
    const plain = fc
      .array(
        fc.oneof(fc.nat(20).map(String), fc.bigInt(0n, 10n ** 17n).map(String), fc.constant("00")),
        { minLength: 3, maxLength: 3 },
      )
      .map((parts) => parts.join("."));
    fc.assert(
      fc.property(fc.oneof(digitsAndDots, plain), (text) => {
        const p = parse(text, { loose: false });
        const build = p !== null && p.build.length > 0 ? `+${p.build.join(".")}` : "";
        const expected = p !== null && p.version + build === text && !text.endsWith(".lock");
        assert.equal(isVersion(text), expected, text);
        assert.equal(
          (() => {
            try {
              return parseVersion(text) === text;
            } catch {
              return false;
            }
          })(),
          expected,
          text,
        );
      }),
      { numRuns: 3000 },
    );
    for (const text of ["999999999999999.0.0", "9007199254740991.0.0", "9007199254740992.0.0"]) {
      assert.equal(isVersion(text), valid(text) === text, text);
    }
  });
});
