import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import fc from "fast-check";
import { mutateText } from "../../test/helpers/mutate-text.ts";
import { atomId } from "./atom-id.ts";
import { b3DigestFromBytes } from "./b3-digest.ts";
import { EkaError } from "./errors.ts";
import { canonicalLock, formatLock, parseLock } from "./lock.ts";
import type { Lock, LockedDep, LockedSet } from "./lock-types.ts";
import { type SriHash, sriHashFromBytes } from "./sri-hash.ts";
import type { B3Digest, GitOid, Label, SetId, Tag, Version } from "./types.ts";

const golden = (name: string) => readFileSync(new URL(`testdata/${name}`, import.meta.url), "utf8");

const S1 = "3f786850e387550fdab836ed7e6dc881de23001b" as SetId;
const S2 = "89e6c98d92887913cadf06b2adb97f26cde4849b" as SetId;
const S3 = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824" as SetId;

function atom(set: SetId, label: string, version: string, rev: string, content: string): LockedDep {
  return {
    type: "atom",
    label: label as Label,
    version: version as Version,
    set,
    rev: rev as GitOid,
    id: atomId(set, label as Label),
    content: content as B3Digest,
  };
}

/** The value lock-golden.lock holds, in a scrambled order. */
const GOLDEN: Lock = {
  version: 1,
  sets: [
    {
      id: S1,
      name: "company" as Tag,
      mirrors: ["https://git.example.com/atoms", "git@b.example:atoms"],
    },
    { id: S2, name: "public" as Tag, mirrors: ["::", "https://a.example/atoms"] },
    { id: S3, name: "lang:nix" as Tag, mirrors: ["ssh://git@c.example/x"] },
  ],
  deps: [
    {
      type: "nix+build",
      name: "tool" as Label,
      url: "https://example.com/tool",
      hash: "sha256-PiPoFgA5WUoziU9lZOGxNIu9egCI1CxKy3PurtWcAJ0=" as SriHash,
      unpack: true,
      exec: false,
    },
    atom(
      S1,
      "button",
      "2.0.0-rc.1",
      "e9d71f5ee7c92d6dc9e92ffdad17b8bd49418f98",
      "23isuf9sh97pud38p365hrl8929a4buqrf0qpch420cg0h61ql9g",
    ),
    {
      type: "nix+git",
      name: "nixpkgs" as Label,
      url: "https://github.com/NixOS/nixpkgs",
      ref: "nixos-unstable",
      rev: "0123456789abcdef0123456789abcdef01234567" as GitOid,
    },
    atom(
      S2,
      "été",
      "0.1.0",
      "da39a3ee5e6b4b0d3255bfef95601890afd80709",
      "t9ta3v4uvmv10rdre0r9ktf9csfq57ainlal6pohnscn8ttou0gg",
    ),
    {
      type: "nix+url",
      name: "a-file" as Label,
      url: 'https://example.com/file?q="x"\\y',
      hash: "sha256-C/6TXnDDIcfKOvx1zg0MovmLVCLgCLsxwAxtfx8cCtY=" as SriHash,
    },
    atom(
      S1,
      "auth-service",
      "1.5.2",
      "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3",
      "2tr2vnepd6i574itclonlgvek89i1djbagq2vngl2a6mpbp145fg",
    ),
    {
      type: "nix+tar",
      name: "src-tar" as Label,
      url: "https://example.com/src.tar.gz",
      hash: "sha256-47mKTaMaEn1L3m5DAz9muidMqw636xxw7EFAK/YnPdg=" as SriHash,
    },
    {
      type: "nix+git",
      name: "semver-dep" as Label,
      url: "git@git.example.com:org/semver-dep",
      ref: "v1.4.0",
      version: "1.4.0" as Version,
      rev: "fedcba9876543210fedcba9876543210fedcba98" as GitOid,
    },
    atom(
      S3,
      "zeta",
      "1.0.0+build.7",
      "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
      "qnmuae7m53r8fpf088m7eldl0dijromsqs2jpa3p3bt5qhs7r11g",
    ),
  ],
};

function problemsOf(text: string): { code: string; lines: string[] } {
  try {
    parseLock(text, "pkgs/a/atom.lock");
  } catch (error) {
    assert.ok(error instanceof EkaError, String(error));
    return {
      code: error.code,
      lines: error.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`),
    };
  }
  assert.fail(`accepted:\n${text}`);
}

describe("formatLock (golden files)", () => {
  it("writes lock-golden.lock byte for byte", () => {
    assert.equal(formatLock(GOLDEN), golden("lock-golden.lock"));
  });

  it("writes the same bytes whatever the order of the arrays", () => {
    fc.assert(
      fc.property(
        fc.shuffledSubarray(GOLDEN.sets as LockedSet[], { minLength: 3, maxLength: 3 }),
        fc.shuffledSubarray(GOLDEN.deps as LockedDep[], {
          minLength: GOLDEN.deps.length,
          maxLength: GOLDEN.deps.length,
        }),
        (sets, deps) => {
          assert.equal(formatLock({ version: 1, sets, deps }), golden("lock-golden.lock"));
        },
      ),
    );
  });

  it("reads lock-golden.lock back to the same value, in canonical order", () => {
    const lock = parseLock(golden("lock-golden.lock"));
    assert.deepEqual(lock, canonicalLock(GOLDEN));
    assert.deepEqual(
      lock.deps.map((d) => (d.type === "atom" ? d.label : d.name)),
      [
        "zeta",
        "auth-service",
        "button",
        "été",
        "a-file",
        "nixpkgs",
        "semver-dep",
        "src-tar",
        "tool",
      ],
    );
  });

  it("writes an empty lock as the header and the version", () => {
    const text = formatLock({ version: 1, sets: [], deps: [] });
    assert.equal(text, golden("lock-empty.lock"));
    assert.deepEqual(parseLock(text), { version: 1, sets: [], deps: [] });
  });

  it("drops fields a dependency's kind does not have", () => {
    const extra = { ...GOLDEN.deps[2]!, hash: "x", comment: "y" } as unknown as LockedDep;
    const text = formatLock({
      ...GOLDEN,
      deps: [...GOLDEN.deps.slice(0, 2), extra, ...GOLDEN.deps.slice(3)],
    });
    assert.equal(text, golden("lock-golden.lock"));
  });

  it("refuses to write a lock the reader would refuse", () => {
    const bad: Lock[] = [
      { ...GOLDEN, sets: GOLDEN.sets.slice(1) },
      { ...GOLDEN, deps: [...GOLDEN.deps, GOLDEN.deps[1]!] },
      {
        ...GOLDEN,
        deps: [
          {
            ...(GOLDEN.deps[1] as LockedDep & { type: "atom" }),
            id: GOLDEN.deps[3]!.type === "atom" ? GOLDEN.deps[3]!.id : ("" as never),
          },
        ],
      },
      { ...GOLDEN, sets: [{ ...GOLDEN.sets[0]!, mirrors: [] }] },
      { ...GOLDEN, sets: [{ ...GOLDEN.sets[0]!, name: "a b" as Tag }] },
      { version: 2 as 1, sets: [], deps: [] },
      { ...GOLDEN, deps: [{ ...GOLDEN.deps[0]!, hash: "sha256-x" } as LockedDep] },
      { ...GOLDEN, sets: GOLDEN.sets.map((s) => (s.id === S1 ? { ...s, name: "nix" as Tag } : s)) },
    ];
    for (const lock of bad) {
      assert.throws(
        () => formatLock(lock),
        (e: EkaError) => e.code === "EKA_INTERNAL",
      );
    }
  });
});

describe("parseLock", () => {
  it("accepts any TOML spelling and returns the canonical value", () => {
    const text = `# hand-written
version = 1
deps = [
  { type = "nix+git", rev = "0123456789abcdef0123456789abcdef01234567", url = "https://x.example/r", name = "b" },
  { type = "nix+url", name = "a", url = 'https://x.example/f', hash = "sha256-C/6TXnDDIcfKOvx1zg0MovmLVCLgCLsxwAxtfx8cCtY=" },
]
[sets]
`;
    const lock = parseLock(text);
    assert.deepEqual(
      lock.deps.map((d) => (d.type === "atom" ? d.label : d.name)),
      ["a", "b"],
    );
    assert.equal(parseLock(formatLock(lock)).deps.length, 2);
  });

  it("refuses a lock of another format version", () => {
    for (const v of ["2", "99999999999999999999"]) {
      assert.throws(
        () => parseLock(`version = ${v}\n[sets.zz]\nname = 1\n`, "a/atom.lock"),
        (e: EkaError) =>
          e.code === "EKA_LOCK_VERSION_UNSUPPORTED" &&
          e.where === "a/atom.lock:1:11" &&
          e.message.includes(`version ${v}`) &&
          /upgrade eka/.test(e.hint ?? ""),
      );
    }
  });

  const invalid: [string, string, string[]][] = [
    ["no version", "[sets]\n", ["1:1 pkgs/a/atom.lock has no version"]],
    ["version 0", "version = 0\n", ["1:11 version must be a format number such as 1, not 0"]],
    [
      "version as a string",
      'version = "1"\n',
      ["1:11 version must be a format number such as 1, not a string"],
    ],
    ["bad TOML", "version = 1\n[[deps]\n", ["3:1 not valid TOML: "]],
    [
      "unknown top-level key",
      "version = 1\nlocked = true\n",
      ["2:1 unknown key locked at the top level"],
    ],
    [
      "unknown dependency type",
      'version = 1\n[[deps]]\ntype = "npm"\n',
      ['3:8 unknown dependency type "npm"'],
    ],
    [
      "unknown key in a dependency",
      `version = 1\n[[deps]]\ntype = "nix+tar"\nname = "t"\nurl = "https://x/t"\nhash = "sha256-47mKTaMaEn1L3m5DAz9muidMqw636xxw7EFAK/YnPdg="\nrev = "x"\n`,
      ["7:1 unknown key rev in [deps]"],
    ],
    [
      "every field of an atom wrong at once",
      `version = 1
[sets.${S1}]
name = "c"
mirrors = ["https://x.example/r"]
[[deps]]
type = "atom"
label = "1abc"
version = "v1.0"
set = "${S1.toUpperCase()}"
rev = "abc"
id = "nope"
content = 7
`,
      [
        '7:9 invalid label "1abc"',
        '8:11 invalid version "v1.0"',
        "9:7 not a set id",
        '10:7 not a git object id: "abc"',
        '11:6 not an atom id: "nope"',
        "12:11 content of dependency 1 must be a string, not an integer",
      ],
    ],
    [
      "missing fields",
      'version = 1\n[[deps]]\ntype = "nix+build"\nname = "b"\n',
      [
        "2:1 dependency 1 has no url",
        "2:1 dependency 1 has no hash",
        "2:1 dependency 1 has no unpack",
        "2:1 dependency 1 has no exec",
      ],
    ],
    [
      "bad set table",
      `version = 1\n[sets.xyz]\nname = "a b"\nmirrors = ["ftp://x", "::"]\nextra = 1\n`,
      [
        "2:7 not a set id",
        '3:8 invalid set name "a b"',
        '4:11 mirrors of set xyz: mirror "ftp://x": the "ftp" scheme is not allowed',
        "5:1 unknown key extra in [sets.xyz]",
      ],
    ],
    [
      "bad nix fields",
      `version = 1
[[deps]]
type = "nix+git"
name = "n"
url = "ext::sh"
ref = "a..b"
version = "1"
rev = "0123456789abcdef0123456789abcdef01234567"
[[deps]]
type = "nix+url"
name = "u"
url = "ftp://x"
hash = "sha256-C/6TXnDDIcfKOvx1zg0MovmLVCLgCLsxwAxtfx8cCtZ="
[[deps]]
type = "nix+build"
name = "b"
url = "https://x/b"
hash = "sha256-C/6TXnDDIcfKOvx1zg0MovmLVCLgCLsxwAxtfx8cCtY="
unpack = "yes"
exec = false
`,
      [
        '5:7 url "ext::sh" of dependency 1',
        '6:7 ref "a..b" of dependency 1: it is not a valid git ref name',
        '7:11 invalid version "1"',
        '12:7 url "ftp://x" of dependency 2: it is not an https://, http:// or file:// URL',
        '13:8 not a sha256 SRI hash: "sha256-C/6TXnDDIcfKOvx1zg0MovmLVCLgCLsxwAxtfx8cCtZ="',
        "19:10 unpack of dependency 3 must be true or false, not a string",
      ],
    ],
    [
      "rules across entries",
      `version = 1
[sets.${S1}]
name = "c"
mirrors = ["https://x.example/r"]
[sets.${S2}]
name = "c"
mirrors = ["https://y.example/r"]
[[deps]]
type = "atom"
label = "a"
version = "1.0.0"
set = "${S3}"
rev = "${"0".repeat(64)}"
id = "${atomId(S3, "a" as Label)}"
content = "2tr2vnepd6i574itclonlgvek89i1djbagq2vngl2a6mpbp145fg"
[[deps]]
type = "atom"
label = "b"
version = "1.0.0"
set = "${S1}"
rev = "${"0".repeat(64)}"
id = "${atomId(S2, "b" as Label)}"
content = "2tr2vnepd6i574itclonlgvek89i1djbagq2vngl2a6mpbp145fg"
[[deps]]
type = "atom"
label = "b"
version = "2.0.0"
set = "${S1}"
rev = "${"0".repeat(40)}"
id = "${atomId(S1, "b" as Label)}"
content = "2tr2vnepd6i574itclonlgvek89i1djbagq2vngl2a6mpbp145fg"
[[deps]]
type = "nix+tar"
name = "t"
url = "https://x/t"
hash = "sha256-47mKTaMaEn1L3m5DAz9muidMqw636xxw7EFAK/YnPdg="
[[deps]]
type = "nix+tar"
name = "t"
url = "https://x/u"
hash = "sha256-47mKTaMaEn1L3m5DAz9muidMqw636xxw7EFAK/YnPdg="
`,
      [
        `5:7 sets ${S2} and ${S1} are both named c`,
        `8:1 a comes from set ${S3}, which has no [sets.${S3}]`,
        `16:1 b's rev ${"0".repeat(64)} does not have the object id length of its set (40 characters)`,
        `16:1 b's id ${atomId(S2, "b" as Label)} is not the atom id of that label in set ${S1}`,
        `24:1 b of set ${S1} is locked twice`,
        "37:1 t is locked twice",
      ],
    ],
    [
      "atoms from a set named nix, which deps.nix (the direct dependencies) would hide",
      `version = 1
[sets.${S1}]
name = "nix"
mirrors = ["https://x.example/nix"]
[sets.${S2}]
name = "Nix"
mirrors = ["https://y.example/r"]
[[deps]]
type = "atom"
label = "a"
version = "1.0.0"
set = "${S1}"
rev = "${"0".repeat(40)}"
id = "${atomId(S1, "a" as Label)}"
content = "2tr2vnepd6i574itclonlgvek89i1djbagq2vngl2a6mpbp145fg"
[[deps]]
type = "atom"
label = "a"
version = "1.0.0"
set = "${S2}"
rev = "${"0".repeat(40)}"
id = "${atomId(S2, "a" as Label)}"
content = "2tr2vnepd6i574itclonlgvek89i1djbagq2vngl2a6mpbp145fg"
[[deps]]
type = "nix+tar"
name = "a"
url = "https://x/t"
hash = "sha256-47mKTaMaEn1L3m5DAz9muidMqw636xxw7EFAK/YnPdg="
`,
      [`8:1 a comes from set ${S1}, named nix on line 2: atom-nix gives`],
    ],
    [
      "deps not an array",
      'version = 1\ndeps = "x"\n',
      ["2:8 deps must be an array of tables ([[deps]]), not a string"],
    ],
    ["sets not a table", "version = 1\nsets = 1\n", ["2:8 sets must be a table, not an integer"]],
  ];
  for (const [name, text, expected] of invalid) {
    it(`reports ${name}`, () => {
      const { code, lines } = problemsOf(text);
      assert.equal(code, "EKA_LOCK_INVALID");
      assert.equal(lines.length, expected.length, lines.join("\n"));
      for (const [i, prefix] of expected.entries()) {
        assert.ok(lines[i]!.startsWith(prefix), `${lines[i]}\n  does not start with\n${prefix}`);
      }
    });
  }

  it("locates the error at its first problem and hints at regenerating", () => {
    assert.throws(
      () => parseLock('version = 1\n[[deps]]\ntype = "x"\n', "p/atom.lock"),
      (e: EkaError) =>
        e.where === "p/atom.lock:3:8" &&
        e.message === "p/atom.lock has 1 problem" &&
        /eka resolve/.test(e.hint ?? "") &&
        e.diagnostics[0]?.file === "p/atom.lock",
    );
  });
});

const hex = (n: number) =>
  fc
    .uint8Array({ minLength: n / 2, maxLength: n / 2 })
    .map((b) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join(""));
const setArb: fc.Arbitrary<LockedSet> = fc.record({
  id: fc.oneof(hex(40), hex(64)).map((s) => s as SetId),
  name: fc.constantFrom("company", "public", "lang:nix", "a.b", "été", "x-1") as fc.Arbitrary<Tag>,
  mirrors: fc.uniqueArray(
    fc.constantFrom(
      "https://a.example/x",
      "git@b.example:y",
      "ssh://git@c.example/z",
      'file:///srv/quote"d',
      "git://d.example/w",
    ),
    { minLength: 1, maxLength: 3 },
  ),
});
const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
const labelArb = fc.constantFrom(
  "a",
  "b",
  "auth-service",
  "été",
  "Ω",
  "x_y",
  "𝒳",
  "ｶ",
) as fc.Arbitrary<string>;
const versionArb = fc.constantFrom(
  "0.0.1",
  "1.2.3",
  "2.0.0-rc.1",
  "1.0.0+b.7",
) as fc.Arbitrary<Version>;

const lockArb: fc.Arbitrary<Lock> = fc
  .uniqueArray(setArb, { selector: (s) => s.id, maxLength: 3 })
  .map((sets) => {
    // Set names are unique in a lock.
    const seen = new Set<string>();
    return sets.filter((s) => !seen.has(s.name) && seen.add(s.name));
  })
  .chain((sets) => {
    const atoms =
      sets.length === 0
        ? fc.constant([] as LockedDep[])
        : fc
            .uniqueArray(
              fc.tuple(fc.constantFrom(...sets), labelArb, versionArb, bytes32, fc.boolean()),
              { selector: ([s, l]) => `${s.id}/${l.normalize("NFKC")}`, maxLength: 6 },
            )
            .chain((items) =>
              fc.tuple(...items.map(([s]) => hex(s.id.length))).map((revs) =>
                items.map(
                  ([s, l, v, b], i): LockedDep => ({
                    type: "atom",
                    label: l.normalize("NFKC") as Label,
                    version: v,
                    set: s.id,
                    rev: revs[i] as GitOid,
                    id: atomId(s.id, l.normalize("NFKC") as Label),
                    content: b3DigestFromBytes(b),
                  }),
                ),
              ),
            );
    const nixName = fc.constantFrom("nixpkgs", "a", "b-2", "été", "z");
    const url = fc.constantFrom(
      "https://example.com/a",
      'https://example.com/q?x="1"&y=\\2',
      "file:///tmp/x.tar",
      "http://h.example/ü",
    );
    const nix: fc.Arbitrary<LockedDep> = fc.oneof(
      fc.record(
        {
          type: fc.constant("nix+git" as const),
          name: nixName as fc.Arbitrary<Label>,
          url: fc.constantFrom("https://github.com/NixOS/nixpkgs", "git@h.example:r"),
          ref: fc.constantFrom("main", "v1.2.0", "refs/heads/x"),
          version: versionArb,
          rev: hex(40) as fc.Arbitrary<GitOid>,
        },
        { requiredKeys: ["type", "name", "url", "rev"] },
      ),
      fc.record({
        type: fc.constantFrom("nix+url" as const, "nix+tar" as const),
        name: nixName as fc.Arbitrary<Label>,
        url,
        hash: bytes32.map(sriHashFromBytes),
      }),
      fc.record({
        type: fc.constant("nix+build" as const),
        name: nixName as fc.Arbitrary<Label>,
        url,
        hash: bytes32.map(sriHashFromBytes),
        unpack: fc.boolean(),
        exec: fc.boolean(),
      }),
    );
    return fc
      .tuple(
        atoms,
        fc.uniqueArray(nix, { selector: (d) => (d.type === "atom" ? "" : d.name), maxLength: 4 }),
      )
      .map(([a, n]): Lock => ({ version: 1, sets, deps: [...n, ...a] }));
  });

describe("atom.lock (properties)", () => {
  it("parse(format(x)) = x, in canonical order", () => {
    fc.assert(
      fc.property(lockArb, (lock) => {
        const text = formatLock(lock);
        assert.deepEqual(parseLock(text), canonicalLock(lock));
        assert.equal(formatLock(parseLock(text)), text);
        assert.ok(text.endsWith("\n") && !text.endsWith("\n\n") && !text.includes("\r"));
      }),
      { numRuns: 300 },
    );
  });

  it("writes identical bytes for any order of the same content", () => {
    fc.assert(
      fc.property(
        lockArb.chain((lock) =>
          fc.tuple(
            fc.constant(lock),
            fc.shuffledSubarray([...lock.sets], { minLength: lock.sets.length }),
            fc.shuffledSubarray([...lock.deps], { minLength: lock.deps.length }),
          ),
        ),
        ([lock, sets, deps]) => {
          assert.equal(formatLock({ version: 1, sets, deps }), formatLock(lock));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("never throws anything but an EkaError on damaged locks", () => {
    const seed = golden("lock-golden.lock");
    const damaged = fc
      .array(
        fc.tuple(
          fc.nat(),
          fc.nat({ max: 4 }),
          fc.constantFrom(
            "",
            "[",
            "]",
            '"',
            "=",
            "\n",
            "1",
            "a",
            "#",
            "[[deps]]\n",
            "version = 2\n",
            ",",
          ),
        ),
        {
          maxLength: 5,
        },
      )
      .map((edits) => mutateText(seed, edits));
    fc.assert(
      fc.property(fc.oneof(damaged, fc.string()), (text) => {
        try {
          parseLock(text);
        } catch (error) {
          assert.ok(error instanceof EkaError, String(error));
          assert.ok(["EKA_LOCK_INVALID", "EKA_LOCK_VERSION_UNSUPPORTED"].includes(error.code));
        }
      }),
      { numRuns: 500 },
    );
  });
});
