import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  aliasNameProblem,
  aliasTargetProblem,
  BUILTIN_ALIASES,
  withBuiltinAliases,
} from "./alias.ts";
import {
  type AtomUri,
  formatAtomSpec,
  formatAtomUri,
  NEWEST_RELEASE,
  parseAtomSpec,
  parseAtomUri,
} from "./atom-uri.ts";
import { EkaError } from "./errors.ts";
import { formatLegacyUrl, parseLegacyUrl } from "./legacy-url.ts";
import { mirrorProblem } from "./mirror.ts";
import { formatRequirement, parseRequirement } from "./requirement.ts";
import { resolveMirrorUrl } from "./uri-mirror.ts";

const ALIASES = withBuiltinAliases(
  new Map([
    ["company", "https://git.example.com/atoms"],
    ["work", "git@git.work.example:"],
  ]),
);

const parse = (text: string) => parseAtomUri(text, ALIASES);

/**
 * Whether the expanded URL should pass the manifest's mirror check as it is: relative paths
 * are resolved first (resolveMirrorUrl), and core/mirror.ts does not yet accept the userless
 * scp form `host.with.dot:path`.
 */
function manifestReady(uri: AtomUri): boolean {
  if (uri.mirror.url.startsWith(".")) return false;
  return !(
    uri.mirror.scheme === "ssh" &&
    /^[^@/:]+:/.test(uri.mirror.url) &&
    !uri.mirror.url.includes("://")
  );
}

describe("parseAtomUri", () => {
  // [uri, expanded url, scheme, alias, label, requirement (canonical) or null for newest]
  const cases: [string, string, string | null, string | undefined, string, string | null][] = [
    [
      "gh:owner/repo::button@^1.2",
      "https://github.com/owner/repo",
      "https",
      "gh",
      "button",
      "^1.2",
    ],
    [
      "https://git.example.com/atoms::auth",
      "https://git.example.com/atoms",
      "https",
      undefined,
      "auth",
      null,
    ],
    ["git@host:org/repo::x", "git@host:org/repo", "ssh", undefined, "x", null],
    ["company::auth", "https://git.example.com/atoms", "https", "company", "auth", null],
    [
      "company:sub/more::auth@1",
      "https://git.example.com/atoms/sub/more",
      "https",
      "company",
      "auth",
      "^1",
    ],
    ["work:team/repo::x@=2.0.0", "git@git.work.example:team/repo", "ssh", "work", "x", "=2.0.0"],
    ["./relative/repo::x", "./relative/repo", "file", undefined, "x", null],
    ["../up::x@*", "../up", "file", undefined, "x", "*"],
    [".::x", ".", "file", undefined, "x", null],
    ["/srv/git/atoms::x", "file:///srv/git/atoms", "file", undefined, "x", null],
    ["file:///srv/git/atoms::x", "file:///srv/git/atoms", "file", undefined, "x", null],
    ["HTTPS://Example.com/A::x", "https://Example.com/A", "https", undefined, "x", null],
    [
      "http://localhost:8080/repo.git::x",
      "http://localhost:8080/repo.git",
      "http",
      undefined,
      "x",
      null,
    ],
    ["ssh://git@host:22/org/repo::x", "ssh://git@host:22/org/repo", "ssh", undefined, "x", null],
    ["git://host/repo::x", "git://host/repo", "git", undefined, "x", null],
    ["example.com/x::y", "https://example.com/x", "https", undefined, "y", null],
    ["git.example.com::y", "https://git.example.com", "https", undefined, "y", null],
    ["example.com:org/repo::y", "example.com:org/repo", "ssh", undefined, "y", null],
    ["::here", "::", null, undefined, "here", null],
    [
      "gl:group/sub/project::a-b@>= 1.2, < 1.5",
      "https://gitlab.com/group/sub/project",
      "https",
      "gl",
      "a-b",
      ">=1.2, <1.5",
    ],
    ["cb:o/r::x", "https://codeberg.org/o/r", "https", "cb", "x", null],
    ["sr:~user/repo::x", "https://git.sr.ht/~user/repo", "https", "sr", "x", null],
    ["gh:o/r::été", "https://github.com/o/r", "https", "gh", "été", null],
    ["gh:o/r::e\u0301te\u0301", "https://github.com/o/r", "https", "gh", "été", null],
  ];
  for (const [text, url, scheme, alias, label, requirement] of cases) {
    it(text, () => {
      const uri = parse(text);
      assert.equal(uri.mirror.raw, text.slice(0, text.lastIndexOf("::")));
      assert.equal(uri.mirror.url, url);
      assert.equal(uri.mirror.scheme, scheme);
      assert.equal(uri.mirror.alias, alias);
      assert.equal(uri.label, label);
      if (requirement === null) assert.equal(uri.requirement, NEWEST_RELEASE);
      else assert.equal(formatRequirement(uri.requirement as never), requirement);
      assert.deepEqual(parse(formatAtomUri(uri)), uri);
      if (manifestReady(uri)) assert.equal(mirrorProblem(uri.mirror.url), null, url);
    });
  }

  it("formats the requirement canonically and keeps the mirror as written", () => {
    assert.equal(formatAtomUri(parse("gh:o/r::x@1.2")), "gh:o/r::x@^1.2");
    assert.equal(formatAtomUri(parse("gh:o/r::x")), "gh:o/r::x");
    assert.equal(formatAtomUri(parse("gh:o/r::x@ 1.x ")), "gh:o/r::x@1.*");
  });

  it("tells the newest release apart from an explicit *", () => {
    assert.equal(parse("gh:o/r::x").requirement, NEWEST_RELEASE);
    assert.deepEqual(parse("gh:o/r::x@*").requirement, { comparators: [] });
  });

  it("splits at the last ::", () => {
    assert.throws(
      () => parse("ext::sh -c evil::x"),
      (e: EkaError) => e.code === "EKA_URI_INVALID",
    );
    assert.throws(
      () => parse("gh:o/r::x::y"),
      (e: EkaError) => e.code === "EKA_URI_INVALID" && /"::"/.test(e.message),
    );
  });

  it("lets a user alias override a built-in", () => {
    const mine = withBuiltinAliases(new Map([["gh", "git@github.com:"]]));
    const uri = parseAtomUri("gh:o/r::x", mine);
    assert.equal(uri.mirror.url, "git@github.com:o/r");
    assert.equal(uri.mirror.scheme, "ssh");
  });

  it("uses the built-in aliases by default", () => {
    assert.equal(parseAtomUri("gh:o/r::x").mirror.url, "https://github.com/o/r");
    assert.equal(BUILTIN_ALIASES.get("sr"), "https://git.sr.ht/");
  });

  it("refuses unknown aliases, listing the known ones", () => {
    for (const text of ["gx:o/r::x", "nope::x", "localhost:repo::x"]) {
      assert.throws(
        () => parse(text),
        (e: EkaError) =>
          e.code === "EKA_ALIAS_UNKNOWN" &&
          (e.hint ?? "").includes("cb, company, gh, gl, sr, work") &&
          Array.isArray(e.data?.["known"]),
        text,
      );
    }
    assert.throws(
      () => parse("gx:o/r::x"),
      (e: EkaError) => (e.hint ?? "").startsWith("did you mean gh?"),
    );
    assert.throws(
      () => parseAtomUri("company::x", new Map()),
      (e: EkaError) => e.code === "EKA_ALIAS_UNKNOWN" && /none are configured/.test(e.hint ?? ""),
    );
  });

  const invalid: [string, RegExp][] = [
    ["", /no "::"/],
    ["gh:o/r", /no "::"/],
    ["gh:o/r::", /no atom label/],
    ["gh:o/r::@1", /no atom label/],
    ["gh:o/r::x@", /nothing follows "@"/],
    ["gh:o/r::x@>=1.2 <2", /separate comparators with commas/],
    ["gh:o/r::1x", /cannot start with "1"/],
    ["gh:o/r::a b", /not allowed in a label/],
    ["ftp://host/x::a", /ftp:\/\/ scheme is not supported/],
    ["https:host/x::a", /must be followed by "\/\/"/],
    ["https:///x::a", /names no host/],
    ["ssh://-oProxyCommand=x/y::a", /starts with '-'/],
    ["-upload-pack=x::a", /starts with '-'/],
    ["git@-host:x::a", /starts with '-'/],
    ["git@host:::a", /names no path after ":"/],
    ["host name/x::a", /spaces/],
    ["owner/repo::a", /not a URL, an alias or a path/],
    ["git@example.com/x::a", /no ":" after the host/],
    ["1abc:x::a", /neither a URL scheme, an alias nor a host/],
    ["example.com:::a", /names no path after ":"/],
  ];
  for (const [text, reason] of invalid) {
    it(`refuses ${JSON.stringify(text)}`, () => {
      assert.throws(
        () => parse(text),
        (e: EkaError) =>
          e.code === "EKA_URI_INVALID" && reason.test(e.message) && (e.hint ?? "") !== "",
      );
    });
  }

  it("refuses credentials in URLs without repeating them", () => {
    for (const text of [
      "https://user:secret@host/x::a",
      "https://ghp_secret@github.com/o/r::a",
      "ssh://git:secret@host/x::a",
    ]) {
      assert.throws(
        () => parse(text),
        (e: EkaError) =>
          e.code === "EKA_URI_INVALID" &&
          !JSON.stringify(e.toJSON()).includes("secret") &&
          /credential/.test(e.hint ?? ""),
        text,
      );
    }
    assert.equal(parse("ssh://git@host/x::a").mirror.url, "ssh://git@host/x");
  });
});

describe("parseAtomSpec", () => {
  it("parses a label and its requirement", () => {
    assert.deepEqual(parseAtomSpec("auth@~1.5"), {
      label: "auth",
      requirement: parseRequirement("~1.5"),
    });
    assert.deepEqual(parseAtomSpec("auth"), { label: "auth", requirement: NEWEST_RELEASE });
    assert.equal(formatAtomSpec(parseAtomSpec("auth@1")), "auth@^1");
    assert.throws(
      () => parseAtomSpec("au th"),
      (e: EkaError) => e.code === "EKA_URI_INVALID" && /invalid atom "au th"/.test(e.message),
    );
  });
});

describe("resolveMirrorUrl", () => {
  it("turns a relative path into a file:// URL against a directory", () => {
    const url = (text: string) => resolveMirrorUrl(parse(`${text}::x`).mirror, "/home/u/proj");
    assert.equal(url("./repo"), "file:///home/u/proj/repo");
    assert.equal(url("../other/./repo/"), "file:///home/u/other/repo");
    assert.equal(url("."), "file:///home/u/proj");
    assert.equal(url("/abs"), "file:///abs");
    assert.equal(url("gh:o/r"), "https://github.com/o/r");
    assert.equal(url(""), "::");
    assert.throws(() => resolveMirrorUrl(parse("./x::x").mirror, "rel"));
  });
});

describe("aliases", () => {
  it("validates names and targets", () => {
    assert.equal(aliasNameProblem("gh"), null);
    assert.equal(aliasNameProblem("my_alias-2"), null);
    assert.match(aliasNameProblem("https") ?? "", /URL scheme/);
    assert.match(aliasNameProblem("HTTP") ?? "", /URL scheme/);
    assert.match(aliasNameProblem("a.b") ?? "", /not an alias name/);
    assert.match(aliasNameProblem("") ?? "", /empty/);
    assert.equal(aliasTargetProblem("https://git.example.com/"), null);
    assert.equal(aliasTargetProblem("git@host:"), null);
    assert.notEqual(aliasTargetProblem("ext::sh"), null);
    assert.notEqual(aliasTargetProblem("ftp://x/"), null);
    assert.notEqual(aliasTargetProblem(""), null);
  });
});

describe("parseLegacyUrl", () => {
  it("parses a URL and its ref", () => {
    const nixpkgs = parseLegacyUrl("gh:NixOS/nixpkgs^^nixos-unstable", ALIASES);
    assert.equal(nixpkgs.url, "https://github.com/NixOS/nixpkgs");
    assert.equal(nixpkgs.ref, "nixos-unstable");
    assert.equal(nixpkgs.alias, "gh");
    assert.equal(formatLegacyUrl(nixpkgs), "gh:NixOS/nixpkgs^^nixos-unstable");
    const tar = parseLegacyUrl("https://example.com/a.tar.gz?x=1", ALIASES);
    assert.equal(tar.url, "https://example.com/a.tar.gz?x=1");
    assert.equal(tar.ref, undefined);
    assert.equal(parseLegacyUrl("./x^^refs/heads/main").ref, "refs/heads/main");
  });

  const invalid: [string, RegExp, string][] = [
    ["", /names no URL/, "EKA_URI_INVALID"],
    ["^^main", /names no URL/, "EKA_URI_INVALID"],
    ["gh:o/r^^", /the ref "": it is empty/, "EKA_URI_INVALID"],
    ["gh:o/r^^a^^b", /contains "\^"/, "EKA_URI_INVALID"],
    ["gh:o/r^^a..b", /not a valid git ref/, "EKA_URI_INVALID"],
    ["gh:o/r^^/main", /not a valid git ref/, "EKA_URI_INVALID"],
    ["gh:o/r^^main.lock", /not a valid git ref/, "EKA_URI_INVALID"],
    ["::", /"::"/, "EKA_URI_INVALID"],
    ["zz:o/r", /unknown alias/, "EKA_ALIAS_UNKNOWN"],
  ];
  for (const [text, reason, code] of invalid) {
    it(`refuses ${JSON.stringify(text)}`, () => {
      assert.throws(
        () => parseLegacyUrl(text, ALIASES),
        (e: EkaError) => e.code === code && reason.test(e.message),
      );
    });
  }
});

const word = fc.stringMatching(/^[a-z][a-z0-9-]{0,6}$/);
const label = fc.oneof(word, fc.constantFrom("été", "x_y", "Δ-1", "a"));
const pathSeg = fc
  .stringMatching(/^[A-Za-z0-9_][A-Za-z0-9._~-]{0,5}$/)
  .filter((s) => !s.includes(".."));
const path = fc.array(pathSeg, { minLength: 1, maxLength: 3 }).map((p) => p.join("/"));
const mirror = fc.oneof(
  fc
    .tuple(fc.constantFrom("gh", "gl", "cb", "sr", "company", "work"), path)
    .map(([a, p]) => `${a}:${p}`),
  fc.constantFrom("company", "gh", ""),
  fc
    .tuple(fc.constantFrom("https", "http", "ssh", "git", "HTTP"), word, path)
    .map(([s, h, p]) => `${s}://${h}.example/${p}`),
  fc.tuple(word, word, path).map(([u, h, p]) => `${u}@${h}:${p}`),
  fc.tuple(word, path).map(([h, p]) => `${h}.example.com/${p}`),
  fc.tuple(word, path).map(([h, p]) => `${h}.example.com:${p}`),
  fc.tuple(fc.constantFrom("./", "../", "/", "file:///"), path).map(([a, p]) => a + p),
);
const requirementText = fc.oneof(
  fc.constant(""),
  fc
    .constantFrom("^1.2", "1", "~0.3.1", ">=1.2, <1.5", "*", "1.x", "=1.0.0-rc.1", "0.0.3")
    .map((r) => `@${r}`),
);

describe("atom URIs (properties)", () => {
  it("parse → format → parse gives the same value", () => {
    fc.assert(
      fc.property(mirror, label, requirementText, (m, l, r) => {
        const uri: AtomUri = parse(`${m}::${l}${r}`);
        assert.deepEqual(parse(formatAtomUri(uri)), uri);
        if (manifestReady(uri)) assert.equal(mirrorProblem(uri.mirror.url), null, uri.mirror.url);
      }),
      { numRuns: 2000 },
    );
  });

  it("legacy URLs round-trip", () => {
    const ref = fc.constantFrom("main", "nixos-unstable", "v1.2.0", "refs/heads/x", "release/1.x");
    fc.assert(
      fc.property(
        mirror.filter((m) => m !== ""),
        fc.option(ref),
        (m, r) => {
          const text = r === null ? m : `${m}^^${r}`;
          const url = parseLegacyUrl(text, ALIASES);
          assert.equal(formatLegacyUrl(url), text);
          assert.deepEqual(parseLegacyUrl(formatLegacyUrl(url), ALIASES), url);
        },
      ),
    );
  });

  const noisy = fc.string({
    unit: fc.constantFrom(
      ..."abgh:/.@^~-_ 1*,>=".split(""),
      "::",
      "^^",
      "https://",
      "gh:",
      "company",
      "é",
      "\u0000",
      "\n",
    ),
    maxLength: 24,
  });

  it("never throws anything but EkaError on arbitrary text, and what parses round-trips", () => {
    fc.assert(
      fc.property(fc.oneof(noisy, fc.string(), fc.string({ unit: "binary" })), (text) => {
        for (const attempt of [
          () => {
            const uri = parse(text);
            assert.deepEqual(parse(formatAtomUri(uri)), uri);
          },
          () => {
            const url = parseLegacyUrl(text, ALIASES);
            assert.deepEqual(parseLegacyUrl(formatLegacyUrl(url), ALIASES), url);
          },
          () => parseAtomSpec(text),
        ]) {
          try {
            attempt();
          } catch (error) {
            assert.ok(error instanceof EkaError, String(error));
            assert.ok(["EKA_URI_INVALID", "EKA_ALIAS_UNKNOWN"].includes(error.code), error.code);
          }
        }
      }),
      { numRuns: 3000 },
    );
  });
});
