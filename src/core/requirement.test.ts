import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { compare, parse } from "semver";
import { arbitraryVersion } from "../../test/helpers/arbitrary-version.ts";
import { EkaError } from "./errors.ts";
import {
  ANY_VERSION,
  type Comparator,
  formatRequirement,
  highestMatch,
  isRequirement,
  matches,
  parseRequirement,
  type Requirement,
  type RequirementOp,
} from "./requirement.ts";
import type { Version } from "./types.ts";

const v = (text: string) => text as Version;
const req = (text: string) => parseRequirement(text);

/** Every release 0.0.0 … 3.4.5: the grid the Cargo examples are checked on. */
const RELEASES: Version[] = [];
for (let major = 0; major <= 3; major++)
  for (let minor = 0; minor <= 4; minor++)
    for (let patch = 0; patch <= 5; patch++) RELEASES.push(v(`${major}.${minor}.${patch}`));

type Bound = [">=" | ">" | "<" | "<=" | "=", string];

/** An independent oracle for releases: plain comparisons with node-semver's `compare`. */
function within(version: Version, bounds: readonly Bound[]): boolean {
  return bounds.every(([op, b]) => {
    const c = compare(version, b);
    return op === ">="
      ? c >= 0
      : op === ">"
        ? c > 0
        : op === "<"
          ? c < 0
          : op === "<="
            ? c <= 0
            : c === 0;
  });
}

describe("requirements: every example of Cargo's documentation", () => {
  // [requirement, what it means as plain bounds]
  const examples: [string, Bound[]][] = [
    // Caret requirements (also what a bare version means)
    [
      "^1.2.3",
      [
        [">=", "1.2.3"],
        ["<", "2.0.0"],
      ],
    ],
    [
      "^1.2",
      [
        [">=", "1.2.0"],
        ["<", "2.0.0"],
      ],
    ],
    [
      "^1",
      [
        [">=", "1.0.0"],
        ["<", "2.0.0"],
      ],
    ],
    [
      "^0.2.3",
      [
        [">=", "0.2.3"],
        ["<", "0.3.0"],
      ],
    ],
    [
      "^0.2",
      [
        [">=", "0.2.0"],
        ["<", "0.3.0"],
      ],
    ],
    [
      "^0.0.3",
      [
        [">=", "0.0.3"],
        ["<", "0.0.4"],
      ],
    ],
    [
      "^0.0",
      [
        [">=", "0.0.0"],
        ["<", "0.1.0"],
      ],
    ],
    [
      "^0",
      [
        [">=", "0.0.0"],
        ["<", "1.0.0"],
      ],
    ],
    [
      "1.2.3",
      [
        [">=", "1.2.3"],
        ["<", "2.0.0"],
      ],
    ],
    [
      "1.2",
      [
        [">=", "1.2.0"],
        ["<", "2.0.0"],
      ],
    ],
    [
      "1",
      [
        [">=", "1.0.0"],
        ["<", "2.0.0"],
      ],
    ],
    [
      "0.2.3",
      [
        [">=", "0.2.3"],
        ["<", "0.3.0"],
      ],
    ],
    ["0.0.3", [["=", "0.0.3"]]],
    ["0.0", [["<", "0.1.0"]]],
    ["0", [["<", "1.0.0"]]],
    // Tilde requirements
    [
      "~1.2.3",
      [
        [">=", "1.2.3"],
        ["<", "1.3.0"],
      ],
    ],
    [
      "~1.2",
      [
        [">=", "1.2.0"],
        ["<", "1.3.0"],
      ],
    ],
    [
      "~1",
      [
        [">=", "1.0.0"],
        ["<", "2.0.0"],
      ],
    ],
    // Wildcard requirements
    ["*", [[">=", "0.0.0"]]],
    [
      "1.*",
      [
        [">=", "1.0.0"],
        ["<", "2.0.0"],
      ],
    ],
    [
      "1.2.*",
      [
        [">=", "1.2.0"],
        ["<", "1.3.0"],
      ],
    ],
    [
      "1.x",
      [
        [">=", "1.0.0"],
        ["<", "2.0.0"],
      ],
    ],
    [
      "1.2.X",
      [
        [">=", "1.2.0"],
        ["<", "1.3.0"],
      ],
    ],
    [
      "1.*.*",
      [
        [">=", "1.0.0"],
        ["<", "2.0.0"],
      ],
    ],
    // Comparison requirements
    [">= 1.2.0", [[">=", "1.2.0"]]],
    ["> 1", [[">=", "2.0.0"]]],
    ["< 2", [["<", "2.0.0"]]],
    ["= 1.2.3", [["=", "1.2.3"]]],
    // Multiple requirements
    [
      ">= 1.2, < 1.5",
      [
        [">=", "1.2.0"],
        ["<", "1.5.0"],
      ],
    ],
    // Partial versions of every operator (semver crate's Op documentation)
    [
      "=1.2",
      [
        [">=", "1.2.0"],
        ["<", "1.3.0"],
      ],
    ],
    [
      "=1",
      [
        [">=", "1.0.0"],
        ["<", "2.0.0"],
      ],
    ],
    [">1.2.3", [[">", "1.2.3"]]],
    [">1.2", [[">=", "1.3.0"]]],
    [">=1.2", [[">=", "1.2.0"]]],
    [">=1", [[">=", "1.0.0"]]],
    ["<1.2.3", [["<", "1.2.3"]]],
    ["<1.2", [["<", "1.2.0"]]],
    ["<=1.2.3", [["<=", "1.2.3"]]],
    ["<=1.2", [["<", "1.3.0"]]],
    ["<=1", [["<", "2.0.0"]]],
    ["~0.0", [["<", "0.1.0"]]],
    [">=1.*", [[">=", "1.0.0"]]],
    [
      "=1.2.*",
      [
        [">=", "1.2.0"],
        ["<", "1.3.0"],
      ],
    ],
    [
      "  >=0.1.4,<0.3  ",
      [
        [">=", "0.1.4"],
        ["<", "0.3.0"],
      ],
    ],
    [
      ">1, <=2.3, ~2",
      [
        [">=", "2.0.0"],
        ["<", "2.4.0"],
      ],
    ],
  ];
  for (const [text, bounds] of examples) {
    it(`${text} := ${bounds.map(([op, b]) => op + b).join(", ")}`, () => {
      const r = req(text);
      for (const version of RELEASES) {
        assert.equal(matches(r, version), within(version, bounds), `${text} on ${version}`);
      }
    });
  }
});

describe("requirements: pre-releases and build metadata", () => {
  // [requirement, versions that match, versions that do not]
  const cases: [string, string[], string[]][] = [
    ["*", ["1.0.0", "0.0.0"], ["1.0.0-beta", "0.0.0-0"]],
    ["^1", ["1.5.0"], ["1.5.0-rc.1", "2.0.0-alpha"]],
    [
      ">=1.2.3-alpha",
      ["1.2.3-alpha", "1.2.3-beta", "1.2.3", "1.3.0", "9.0.0"],
      ["1.2.4-alpha", "1.2.2", "1.2.3-0"],
    ],
    [
      "^1.2.3-alpha",
      ["1.2.3-alpha.1", "1.2.3", "1.9.0"],
      ["1.3.0-beta", "2.0.0-alpha", "2.0.0", "1.2.3-0"],
    ],
    ["=1.2.3-beta.2", ["1.2.3-beta.2", "1.2.3-beta.2+b"], ["1.2.3-beta.3", "1.2.3"]],
    ["<1.2.3-beta", ["1.2.3-alpha", "1.2.2", "0.1.0"], ["1.2.3-beta", "1.2.3", "1.2.2-rc"]],
    [">1.2.3-alpha.1, <1.2.3", ["1.2.3-alpha.2", "1.2.3-beta"], ["1.2.3-alpha.1", "1.2.3"]],
    ["~1.2.3-beta", ["1.2.3-beta", "1.2.3", "1.2.9"], ["1.3.0", "1.2.4-alpha", "1.2.3-alpha"]],
    ["^0.0.3-alpha", ["0.0.3-alpha.2", "0.0.3"], ["0.0.4", "0.0.3-0"]],
    ["^0.2.3-rc.1", ["0.2.3-rc.2", "0.2.9"], ["0.3.0", "0.2.4-rc.1"]],
    ["=1.2.3", ["1.2.3+build.5", "1.2.3"], ["1.2.3-build"]],
    ["=1.2.3+ignored", ["1.2.3", "1.2.3+other"], ["1.2.4"]],
    [">=1.2", ["1.3.0"], ["1.2.5-alpha", "1.3.0-alpha"]],
    ["<=2.0.0-rc.1", ["2.0.0-beta", "2.0.0-rc.1", "1.9.9"], ["2.0.0-rc.2", "2.0.0", "1.9.9-rc"]],
  ];
  for (const [text, yes, no] of cases) {
    it(text, () => {
      const r = req(text);
      for (const x of yes) assert.ok(matches(r, v(x)), `${text} should match ${x}`);
      for (const x of no) assert.ok(!matches(r, v(x)), `${text} should not match ${x}`);
    });
  }

  it("orders pre-releases by semver precedence", () => {
    const chain = [
      "1.0.0-alpha",
      "1.0.0-alpha.1",
      "1.0.0-alpha.beta",
      "1.0.0-beta",
      "1.0.0-beta.2",
      "1.0.0-beta.11",
      "1.0.0-rc.1",
      "1.0.0",
    ];
    for (const [i, lower] of chain.entries()) {
      for (const higher of chain.slice(i + 1)) {
        const r = req(`>${lower}`);
        assert.ok(matches(r, v(higher)), `${higher} > ${lower}`);
        assert.ok(!matches(req(`<${lower}`), v(higher)), `not ${higher} < ${lower}`);
      }
    }
  });
});

describe("highestMatch", () => {
  const versions = [
    "1.0.0",
    "1.4.2",
    "1.5.0-rc.1",
    "1.4.10",
    "2.0.0",
    "0.9.0",
    "1.4.10+b",
    "2.1.0-beta",
  ].map(v);

  it("picks the highest version that satisfies", () => {
    assert.equal(highestMatch(req("^1"), versions), "1.4.10+b");
    assert.equal(highestMatch(req("~1.4.2"), versions), "1.4.10+b");
    assert.equal(highestMatch(req("*"), versions), "2.0.0");
    assert.equal(highestMatch(req(">=1.5.0-rc.1"), versions), "2.0.0");
    assert.equal(highestMatch(req(">=1.5.0-rc.0, <2"), versions), "1.5.0-rc.1");
    assert.equal(highestMatch(req("^2.1.0-alpha"), versions), "2.1.0-beta");
    assert.equal(highestMatch(req("^0.9"), versions), "0.9.0");
  });

  it("returns null when nothing matches", () => {
    assert.equal(highestMatch(req("^3"), versions), null);
    assert.equal(highestMatch(req("*"), []), null);
    assert.equal(highestMatch(req("^1.5"), [v("1.5.0-rc.1")]), null);
  });

  it("does not depend on the order of the versions", () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(versions), (subset) => {
        const forward = highestMatch(req(">=1.0.0"), subset);
        assert.equal(highestMatch(req(">=1.0.0"), [...subset].reverse()), forward);
      }),
    );
  });
});

describe("formatRequirement", () => {
  const cases: [string, string][] = [
    ["1.2", "^1.2"],
    ["^1.2.3", "^1.2.3"],
    [">= 1.2 ,<1.5", ">=1.2, <1.5"],
    ["1.x", "1.*"],
    ["1.2.X", "1.2.*"],
    ["1.*.*", "1.*"],
    [" * ", "*"],
    ["x", "*"],
    ["X", "*"],
    ["=1.2.3+build", "=1.2.3"],
    [">=1.*", ">=1"],
    ["~ 1.2.3-beta.1", "~1.2.3-beta.1"],
    ["0", "^0"],
  ];
  for (const [input, canonical] of cases) {
    it(`${JSON.stringify(input)} → ${canonical}`, () => {
      assert.equal(formatRequirement(req(input)), canonical);
      assert.deepEqual(req(canonical), req(input));
    });
  }

  it("writes * for the requirement with no comparators", () => {
    assert.equal(formatRequirement(ANY_VERSION), "*");
  });
});

describe("parseRequirement refuses", () => {
  const invalid: [string, RegExp][] = [
    ["", /empty/],
    ["   ", /empty/],
    ["v1.2", /no "v"/],
    ["1.2.3.4", /comma or the end/],
    [">=1.2 <1.5", /separate comparators with commas/],
    ["1.2,", /must follow the last comma/],
    [",1.2", /expected the major/],
    ["01.2", /leading zero/],
    ["1.02", /leading zero/],
    ["1.2.3-", /empty identifier/],
    ["1.2.3-01", /leading zero/],
    ["1.2.3-a..b", /empty identifier/],
    ["1.2-beta", /all three version numbers/],
    ["1+build", /all three version numbers/],
    ["*, 1.2", /only comparator/],
    ["1.2, *", /stands alone/],
    ["x.1", /stands alone/],
    [">=*", /cannot follow the operator >=/],
    ["1.*.3", /cannot follow a wildcard/],
    ["1.2.*-alpha", /all three version numbers/],
    ["^^1", /expected the major/],
    ["99999999999999999999", /too large/],
    ["1.2.3-be ta", /comma or the end/],
    ["~>1.2", /expected the major/],
    ["1 - 2", /comma or the end, found "-"/],
    ["1.2 || 2", /comma or the end/],
    ["1.2\t", /comma or the end/],
  ];
  for (const [text, reason] of invalid) {
    it(JSON.stringify(text), () => {
      assert.ok(!isRequirement(text));
      assert.throws(
        () => parseRequirement(text, "atom.toml:3:7"),
        (e: EkaError) =>
          e.code === "EKA_REQUIREMENT_INVALID" &&
          reason.test(e.message) &&
          e.data?.["requirement"] === text &&
          e.where === "atom.toml:3:7" &&
          (e.hint ?? "").includes(">=1.2, <1.5"),
      );
    });
  }
});

const OPS: readonly RequirementOp[] = ["^", "~", "=", ">", ">=", "<", "<="];

const preRelease = fc
  .array(
    fc.oneof(
      fc.nat({ max: 20 }).map(String),
      fc.stringMatching(/^[0-9A-Za-z-]*[A-Za-z-][0-9A-Za-z-]*$/),
    ),
    { minLength: 1, maxLength: 3 },
  )
  .map((ids) => ids.join("."));

const comparator: fc.Arbitrary<Comparator> = fc.oneof(
  fc.record({
    op: fc.constantFrom(...OPS),
    major: fc.nat({ max: 30 }),
    minor: fc.option(fc.nat({ max: 30 })),
    patch: fc.option(fc.nat({ max: 30 })),
    pre: fc.oneof(fc.constant(""), preRelease),
  }),
  fc.record({
    op: fc.constant<RequirementOp>("*"),
    major: fc.nat({ max: 30 }),
    minor: fc.option(fc.nat({ max: 30 })),
    patch: fc.constant(null),
    pre: fc.constant(""),
  }),
);

const requirement: fc.Arbitrary<Requirement> = fc
  .array(comparator, { maxLength: 4 })
  .map((comparators) => ({
    comparators: comparators.map((c) => {
      // Only a comparator with all three numbers has a patch and a pre-release.
      const minor = c.minor;
      const patch = minor === null ? null : c.patch;
      return { ...c, minor, patch, pre: patch === null ? "" : c.pre };
    }),
  }));

describe("requirements (properties)", () => {
  it("parse(format(r)) = r", () => {
    fc.assert(
      fc.property(requirement, (r) => {
        assert.deepEqual(parseRequirement(formatRequirement(r)), r);
      }),
      { numRuns: 2000 },
    );
  });

  const alphabet = fc.string({
    unit: fc.constantFrom(
      ..."0123456789.*xX^~=<>-+, ab\t|".split(""),
      "01",
      "99999999999999999",
      ">=",
      "é",
      "\u0000",
    ),
    maxLength: 20,
  });

  it("never throws anything but EKA_REQUIREMENT_INVALID, and what it accepts round-trips", () => {
    fc.assert(
      fc.property(fc.oneof(alphabet, fc.string(), fc.string({ unit: "binary" })), (text) => {
        let r: Requirement;
        try {
          r = parseRequirement(text);
        } catch (error) {
          assert.ok(error instanceof EkaError, String(error));
          assert.equal(error.code, "EKA_REQUIREMENT_INVALID");
          return;
        }
        assert.deepEqual(parseRequirement(formatRequirement(r)), r);
      }),
      { numRuns: 3000 },
    );
  });

  /** What a comparator means as plain bounds, from the semver crate's `Op` documentation. */
  function bounds(c: Comparator): Bound[] {
    const { major: i, minor: j, patch: k } = c;
    const full = `${i}.${j}.${k}${c.pre === "" ? "" : `-${c.pre}`}`;
    const nextMajor = `${i + 1}.0.0`;
    const nextMinor = `${i}.${(j ?? 0) + 1}.0`;
    const exact: Bound[] =
      j === null
        ? [
            [">=", `${i}.0.0`],
            ["<", nextMajor],
          ]
        : k === null
          ? [
              [">=", `${i}.${j}.0`],
              ["<", nextMinor],
            ]
          : [["=", full]];
    switch (c.op) {
      case "=":
      case "*":
        return exact;
      case ">":
        return j === null ? [[">=", nextMajor]] : k === null ? [[">=", nextMinor]] : [[">", full]];
      case ">=":
        return [[">=", j === null ? `${i}.0.0` : k === null ? `${i}.${j}.0` : full]];
      case "<":
        return [["<", j === null ? `${i}.0.0` : k === null ? `${i}.${j}.0` : full]];
      case "<=":
        return j === null ? [["<", nextMajor]] : k === null ? [["<", nextMinor]] : [["<=", full]];
      case "~":
        return k === null
          ? exact
          : [
              [">=", full],
              ["<", nextMinor],
            ];
      case "^":
        if (j === null) return exact;
        if (k === null)
          return i > 0
            ? [
                [">=", `${i}.${j}.0`],
                ["<", nextMajor],
              ]
            : exact;
        if (i > 0)
          return [
            [">=", full],
            ["<", nextMajor],
          ];
        if (j > 0)
          return [
            [">=", full],
            ["<", nextMinor],
          ];
        return [
          [">=", full],
          ["<", `0.0.${k + 1}`],
        ];
    }
  }

  it("agrees with the documented meaning of each operator on releases", () => {
    const release = fc
      .tuple(fc.nat({ max: 31 }), fc.nat({ max: 31 }), fc.nat({ max: 31 }))
      .map(([a, b, c]) => v(`${a}.${b}.${c}`));
    fc.assert(
      fc.property(requirement, release, (r, version) => {
        const expected = r.comparators.every((c) => within(version, bounds(c)));
        assert.equal(matches(r, version), expected, `${formatRequirement(r)} on ${version}`);
      }),
      { numRuns: 5000 },
    );
  });
});

describe("matches reads a version's numbers and pre-release, never its build metadata", () => {
  it("agrees with node-semver's reading on random versions", () => {
    fc.assert(
      fc.property(arbitraryVersion, (version) => {
        const p = parse(version)!;
        const pre = p.prerelease.length > 0 ? `-${p.prerelease.join(".")}` : "";
        const exact = `${p.major}.${p.minor}.${p.patch}${pre}`;
        assert.ok(matches(req(`=${exact}`), version), `=${exact} matches ${version}`);
        assert.ok(!matches(req(`=${p.major}.${p.minor}.${p.patch + 1}${pre}`), version));
        assert.ok(!matches(req(`=${p.major}.${p.minor + 1}.${p.patch}${pre}`), version));
        assert.equal(matches(req(`=${p.major}.${p.minor}.${p.patch}`), version), pre === "");
        assert.equal(matches(req(`^${p.major}`), version), pre === "");
      }),
      { numRuns: 1000 },
    );
  });
});
