import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { mutateText } from "../../test/helpers/mutate-text.ts";
import { parseAtomManifest } from "./atom-manifest.ts";
import { addSet, removeDependency, setDependency } from "./atom-manifest-edit.ts";
import type { EkaError } from "./errors.ts";

const PKG = '[package]\nlabel = "a"\nversion = "1.0.0"\n';

/** `after` is `before` with lines inserted and at most `touched` lines changed in one place. */
function assertKept(before: string, after: string, touched: number): void {
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
  assert.ok(changed <= touched, `${changed} lines changed:\n${before}\n---\n${after}`);
}

function deps(text: string): string[] {
  return parseAtomManifest(text).deps.map((d) => `${d.set}/${d.label}=${d.requirement}`);
}

describe("setDependency", () => {
  // [name, before, after adding auth = "^1.5" from set c]
  const cases: [string, string, string][] = [
    [
      "into an existing [deps.from.c]",
      `${PKG}[package.sets]\nc = "https://x.example/r"\n\n[deps.from.c]\nold = "1" # keep\n\n[nix]\nentry = "nix"\n`,
      `${PKG}[package.sets]\nc = "https://x.example/r"\n\n[deps.from.c]\nold = "1" # keep\nauth = "^1.5"\n\n[nix]\nentry = "nix"\n`,
    ],
    [
      "into an empty [deps.from.c] with a comment on its header",
      `${PKG}[package.sets]\nc = "https://x.example/r"\n[deps.from.c]   # none yet\n`,
      `${PKG}[package.sets]\nc = "https://x.example/r"\n[deps.from.c]   # none yet\nauth = "^1.5"\n`,
    ],
    [
      "a new table after the last [deps.from.*], before a comment attached to the next header",
      `${PKG}[package.sets]\nc = "https://x.example/r"\nd = "https://y.example/r"\n\n[deps.from.d]\nx = "2"\n# x2 = "3"\n\n# evaluation\n[nix]\nentry = "nix"\n`,
      `${PKG}[package.sets]\nc = "https://x.example/r"\nd = "https://y.example/r"\n\n[deps.from.d]\nx = "2"\n# x2 = "3"\n\n[deps.from.c]\nauth = "^1.5"\n\n# evaluation\n[nix]\nentry = "nix"\n`,
    ],
    [
      "a new table at the end",
      `${PKG}\n[package.sets]\nc = "https://x.example/r"\n`,
      `${PKG}\n[package.sets]\nc = "https://x.example/r"\n\n[deps.from.c]\nauth = "^1.5"\n`,
    ],
    [
      "a new table at the end of a file without a final newline",
      `${PKG}[package.sets]\nc = "https://x.example/r"`,
      `${PKG}[package.sets]\nc = "https://x.example/r"\n\n[deps.from.c]\nauth = "^1.5"`,
    ],
    [
      "a new table after [deps.direct.nix] when there is no [deps.from.*]",
      `${PKG}[package.sets]\nc = "https://x.example/r"\n[deps.direct.nix]\nn = { url = "https://x" }\n[nix]\n`,
      `${PKG}[package.sets]\nc = "https://x.example/r"\n[deps.direct.nix]\nn = { url = "https://x" }\n\n[deps.from.c]\nauth = "^1.5"\n[nix]\n`,
    ],
    [
      "an inline set table",
      `${PKG}[package.sets]\nc = "https://x.example/r"\n[deps.from]\nc = { old = "1" }\n`,
      `${PKG}[package.sets]\nc = "https://x.example/r"\n[deps.from]\nc = { old = "1", auth = "^1.5" }\n`,
    ],
    [
      "an empty inline set table",
      `${PKG}[package.sets]\nc = "https://x.example/r"\n[deps.from]\nc = {}\n`,
      `${PKG}[package.sets]\nc = "https://x.example/r"\n[deps.from]\nc = { auth = "^1.5" }\n`,
    ],
    [
      "an inline deps table",
      `${PKG}[package.sets]\nc = "https://x.example/r"\n[deps]\nfrom = { d = {} }\n`.replace(
        "[package.sets]\nc",
        '[package.sets]\nd = "https://y.example/r"\nc',
      ),
      `${PKG}[package.sets]\nd = "https://y.example/r"\nc = "https://x.example/r"\n[deps]\nfrom = { d = {}, c = { auth = "^1.5" } }\n`,
    ],
    [
      "dotted keys under [deps]",
      `${PKG}[package.sets]\nc = "https://x.example/r"\n[deps]\nfrom.c.old = "1"\n  from . c . other = "2"\n`,
      `${PKG}[package.sets]\nc = "https://x.example/r"\n[deps]\nfrom.c.old = "1"\n  from . c . other = "2"\n  from . c.auth = "^1.5"\n`,
    ],
    [
      "dotted keys of a sibling set at the top level",
      `deps.from.d.x = "1"\n${PKG}[package.sets]\nc = "https://x.example/r"\nd = "https://y.example/r"\n`,
      `deps.from.d.x = "1"\ndeps.from.c.auth = "^1.5"\n${PKG}[package.sets]\nc = "https://x.example/r"\nd = "https://y.example/r"\n`,
    ],
    [
      "quoted set names",
      `${PKG}[package.sets]\n"lang:nix" = "https://x.example/r"\n`,
      `${PKG}[package.sets]\n"lang:nix" = "https://x.example/r"\n\n[deps.from."lang:nix"]\nauth = "^1.5"\n`,
    ],
    [
      "CRLF",
      `${PKG}[package.sets]\nc = "https://x.example/r"\n[deps.from.c]\nold = "1"\n`.replace(
        /\n/g,
        "\r\n",
      ),
      `${PKG}[package.sets]\nc = "https://x.example/r"\n[deps.from.c]\nold = "1"\nauth = "^1.5"\n`.replace(
        /\n/g,
        "\r\n",
      ),
    ],
    [
      "CRLF, new table",
      `${PKG}[package.sets]\nc = "https://x.example/r"\n`.replace(/\n/g, "\r\n"),
      `${PKG}[package.sets]\nc = "https://x.example/r"\n\n[deps.from.c]\nauth = "^1.5"\n`.replace(
        /\n/g,
        "\r\n",
      ),
    ],
    [
      "indented table",
      `${PKG}[package.sets]\nc = "https://x.example/r"\n  [deps.from.c]\n  old = "1"\n`,
      `${PKG}[package.sets]\nc = "https://x.example/r"\n  [deps.from.c]\n  old = "1"\n  auth = "^1.5"\n`,
    ],
  ];
  for (const [name, before, expected] of cases) {
    it(name, () => {
      const label = name === "quoted set names" ? "lang:nix" : "c";
      const after = setDependency(before, label, "auth", "^1.5");
      assert.equal(after, expected);
      assert.ok(deps(after).includes(`${label}/auth=^1.5`));
      assert.deepEqual(
        deps(after).filter((d) => d !== `${label}/auth=^1.5`),
        deps(before),
      );
    });
  }

  it("replaces the requirement of a dependency in place, keeping its comment", () => {
    const before = `${PKG}[package.sets]\nc = "https://x.example/r"\n[deps.from.c]\nauth = '^1.0'   # pinned for now\nother = "2"\n`;
    const after = setDependency(before, "c", "auth", ">=1.2, <1.5");
    assert.equal(after, before.replace("'^1.0'", '">=1.2, <1.5"'));
    assert.equal(setDependency(after, "c", "auth", ">=1.2, <1.5"), after);
  });

  it("finds a key written in another normalisation form", () => {
    const before = `${PKG}[package.sets]\nc = "https://x.example/r"\n[deps.from.c]\n"e\u0301te\u0301" = "1"\n`;
    const after = setDependency(before, "c", "été", "2");
    assert.equal(after, before.replace('= "1"', '= "2"'));
  });

  it("refuses an undeclared set, a bad label or requirement, an invalid manifest", () => {
    const base = `${PKG}[package.sets]\nc = "https://x.example/r"\n`;
    assert.throws(
      () => setDependency(base, "cc", "auth", "1"),
      (e: EkaError) => e.code === "EKA_SET_UNKNOWN" && /declares c/.test(e.hint ?? ""),
    );
    assert.throws(
      () => setDependency(base, "c", "1auth", "1"),
      (e: EkaError) => e.code === "EKA_LABEL_INVALID",
    );
    assert.throws(
      () => setDependency(base, "c", "auth", ">=1 <2"),
      (e: EkaError) => e.code === "EKA_REQUIREMENT_INVALID",
    );
    assert.throws(
      () => setDependency(`${base}[deps.from.c\n`, "c", "auth", "1"),
      (e: EkaError) => e.code === "EKA_TOML_SYNTAX",
    );
    assert.throws(
      () => setDependency(`${base}bogus = 1\n`, "c", "auth", "1"),
      (e: EkaError) => e.code === "EKA_MANIFEST_INVALID",
    );
  });
});

describe("removeDependency", () => {
  const cases: [string, string, string][] = [
    [
      "a line with its comment",
      `${PKG}[package.sets]\nc = "https://x.example/r"\n# deps\n[deps.from.c]\nauth = "1" # the auth\nother = "2"\n`,
      `${PKG}[package.sets]\nc = "https://x.example/r"\n# deps\n[deps.from.c]\nother = "2"\n`,
    ],
    [
      "the last line, leaving the table",
      `${PKG}[package.sets]\nc = "https://x.example/r"\n[deps.from.c]\nauth = "1"\n\n[nix]\n`,
      `${PKG}[package.sets]\nc = "https://x.example/r"\n[deps.from.c]\n\n[nix]\n`,
    ],
    [
      "the first of an inline table",
      `${PKG}[package.sets]\nc = "https://x.example/r"\n[deps.from]\nc = { auth = "1", other = "2" }\n`,
      `${PKG}[package.sets]\nc = "https://x.example/r"\n[deps.from]\nc = { other = "2" }\n`,
    ],
    [
      "the last of an inline table",
      `${PKG}[package.sets]\nc = "https://x.example/r"\n[deps.from]\nc = { other = "2" , auth = "1" }\n`,
      `${PKG}[package.sets]\nc = "https://x.example/r"\n[deps.from]\nc = { other = "2" }\n`,
    ],
    [
      "the only one of an inline table",
      `${PKG}[package.sets]\nc = "https://x.example/r"\n[deps.from]\nc = { auth = "1" }\n`,
      `${PKG}[package.sets]\nc = "https://x.example/r"\n[deps.from]\nc = {}\n`,
    ],
    [
      "a dotted key",
      `${PKG}[package.sets]\nc = "https://x.example/r"\n[deps]\nfrom.c.auth = "1"\nfrom.c.other = "2"\n`,
      `${PKG}[package.sets]\nc = "https://x.example/r"\n[deps]\nfrom.c.other = "2"\n`,
    ],
    [
      "CRLF, no final newline",
      `${PKG}[package.sets]\nc = "https://x.example/r"\n[deps.from.c]\nother = "2"\nauth = "1"`.replace(
        /\n/g,
        "\r\n",
      ),
      `${PKG}[package.sets]\nc = "https://x.example/r"\n[deps.from.c]\nother = "2"\n`.replace(
        /\n/g,
        "\r\n",
      ),
    ],
  ];
  for (const [name, before, expected] of cases) {
    it(name, () => {
      const after = removeDependency(before, "c", "auth");
      assert.equal(after, expected);
      assert.deepEqual(
        deps(after),
        deps(before).filter((d) => !d.startsWith("c/auth=")),
      );
    });
  }

  it("refuses a label that is not a dependency of the set, listing those that are", () => {
    const text = `${PKG}[package.sets]\nc = "https://x.example/r"\nd = "::"\n[deps.from.c]\nx = "1"\ny = "1"\n[deps.from.d]\nauth = "1"\n`;
    assert.throws(
      () => removeDependency(text, "c", "auth"),
      (e: EkaError) => e.code === "EKA_DEP_NOT_FOUND" && /are: x, y/.test(e.hint ?? ""),
    );
  });
});

describe("addSet", () => {
  const cases: [string, string, string[], string][] = [
    [
      "into [package.sets]",
      `${PKG}\n[package.sets]   # where deps come from\nc = "https://x.example/r" # c\n\n[deps.from.c]\nx = "1"\n`,
      ["https://y.example/r"],
      `${PKG}\n[package.sets]   # where deps come from\nc = "https://x.example/r" # c\nnew = "https://y.example/r"\n\n[deps.from.c]\nx = "1"\n`,
    ],
    [
      'several mirrors, "::" first',
      `${PKG}[package.sets]\n`,
      ["::", "https://y.example/r"],
      `${PKG}[package.sets]\nnew = ["::", "https://y.example/r"]\n`,
    ],
    [
      "a new [package.sets] after [package]",
      `# my atom\n${PKG}description = "d"\n\n[metadata]\ntags = ["t"]\n`,
      ["https://y.example/r"],
      `# my atom\n${PKG}description = "d"\n\n[package.sets]\nnew = "https://y.example/r"\n\n[metadata]\ntags = ["t"]\n`,
    ],
    [
      "dotted keys in [package]",
      `${PKG}sets.c = "https://x.example/r"\n`,
      ["https://y.example/r"],
      `${PKG}sets.c = "https://x.example/r"\nsets.new = "https://y.example/r"\n`,
    ],
    [
      "an inline sets table",
      `${PKG}sets = { c = "https://x.example/r" }\n`,
      ["https://y.example/r"],
      `${PKG}sets = { c = "https://x.example/r", new = "https://y.example/r" }\n`,
    ],
    [
      "an inline package table",
      'package = { label = "a", version = "1.0.0" }\n',
      ["https://y.example/r"],
      'package = { label = "a", version = "1.0.0", sets = { new = "https://y.example/r" } }\n',
    ],
    [
      "top-level dotted keys",
      'package.label = "a"\npackage.version = "1.0.0"\n',
      ["git@h.example:r"],
      'package.label = "a"\npackage.version = "1.0.0"\npackage.sets.new = "git@h.example:r"\n',
    ],
    [
      "CRLF",
      `${PKG}[package.sets]\nc = "https://x.example/r"\n`.replace(/\n/g, "\r\n"),
      ["https://y.example/r"],
      `${PKG}[package.sets]\nc = "https://x.example/r"\nnew = "https://y.example/r"\n`.replace(
        /\n/g,
        "\r\n",
      ),
    ],
  ];
  for (const [name, before, mirrors, expected] of cases) {
    it(name, () => {
      const after = addSet(before, "new", mirrors);
      assert.equal(after, expected);
      const set = parseAtomManifest(after).sets.find((s) => s.name === "new");
      assert.deepEqual(set?.mirrors, mirrors);
    });
  }

  it("quotes a set name that needs it, and escapes mirrors", () => {
    const after = addSet(PKG, "lang:nix", ['file:///srv/a"b']);
    assert.equal(after, `${PKG}\n[package.sets]\n"lang:nix" = "file:///srv/a\\"b"\n`);
  });

  it("is a no-op for a set declared with the same mirrors, and refuses other mirrors", () => {
    const text = `${PKG}[package.sets]\nc = ["::", "https://x.example/r"]\n`;
    assert.equal(addSet(text, "c", ["::", "https://x.example/r"]), text);
    assert.throws(
      () => addSet(text, "c", ["https://x.example/r"]),
      (e: EkaError) => e.code === "EKA_SET_CONFLICT" && e.where === "atom.toml:5:1",
    );
  });

  it("refuses unexpanded aliases and bad mirrors", () => {
    for (const mirrors of [["gh:o/r"], [], ["https://a.example/x", "::"], ["ext::sh"]]) {
      assert.throws(
        () => addSet(PKG, "x", mirrors),
        (e: EkaError) => e.code === "EKA_USAGE",
        mirrors.join(" "),
      );
    }
    assert.throws(
      () => addSet(PKG, "a b", ["https://a.example/x"]),
      (e: EkaError) => e.code === "EKA_TAG_INVALID",
    );
  });
});

describe("atom.toml edits (properties)", () => {
  const style = fc.record({
    form: fc.constantFrom("header", "inline", "dotted", "none"),
    crlf: fc.boolean(),
    comments: fc.boolean(),
    existing: fc.uniqueArray(fc.constantFrom("x", "y", "z", "auth"), { maxLength: 3 }),
    nixAfter: fc.boolean(),
  });
  it("add then remove leaves the dependencies as they were, and keeps other lines", () => {
    fc.assert(
      fc.property(style, fc.constantFrom("auth", "new-one", "été"), (s, label) => {
        const entries = s.existing.map((l) => `${l} = "1"${s.comments ? ` # ${l}` : ""}`);
        let deps = "";
        if (s.form === "header") deps = `[deps.from.c]\n${entries.join("\n")}\n`;
        else if (s.form === "inline") {
          deps = `[deps.from]\nc = { ${s.existing.map((l) => `${l} = "1"`).join(", ")} }\n`;
        } else if (s.form === "dotted")
          deps = `[deps]\n${s.existing.map((l) => `from.c.${l} = "1"`).join("\n")}\n`;
        const nix = '[nix]\n# the entry\nentry = "nix"\n';
        let text = `# top\n${PKG}${s.comments ? "# sets\n" : ""}[package.sets]\nc = "https://x.example/r"\n\n${s.nixAfter ? deps + nix : nix + deps}`;
        if (s.crlf) text = text.replace(/\n/g, "\r\n");
        const before = parseAtomManifest(text).deps.map((d) => d.label);
        const added = setDependency(text, "c", label, "^2");
        assertKept(text, added, 1);
        if (s.crlf) assert.doesNotMatch(added, /[^\r]\n/);
        const after = parseAtomManifest(added).deps.map((d) => d.label);
        if (before.includes(label as never)) assert.deepEqual(after, before);
        else assert.deepEqual(after.sort(), [...before, label].sort());
        const removed = removeDependency(added, "c", label);
        assert.deepEqual(
          parseAtomManifest(removed).deps.map((d) => d.label),
          before.filter((l) => l !== label),
        );
        if (!before.includes(label as never) && s.form !== "inline") {
          // Removing what was added gives back the original text, unless a table was created.
          if (s.form === "header" || (s.form === "dotted" && s.existing.length > 0)) {
            assert.equal(removed, text);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("atom.toml edits (fuzz)", () => {
  const SEEDS = [
    `# top\n${PKG}[package.sets]\nc = ["::", "https://x.example/r"] # c\nd = "git@h.example:r"\n\n[deps.from.c]\nauth = "^1" # a\n\n[deps]\nfrom.d.x = "1"\n[deps.direct.nix]\nn = { git = "https://x.example/n", ref = "main" }\n[nix]\nentry = "nix"\n`,
    `package = { label = "a", version = "1.0.0", sets = { c = "https://x.example/r" } }\ndeps = { from = { c = { auth = "1" } } }\n`,
    `package.label = "a"\npackage.version = "1.0.0"\npackage.sets.c = "https://x.example/r"\ndeps.from.c.auth = "1"\n`,
  ];
  const mutated = fc
    .tuple(
      fc.constantFrom(...SEEDS),
      fc.array(
        fc.tuple(
          fc.nat(),
          fc.nat({ max: 3 }),
          fc.constantFrom(
            "",
            "[",
            "]",
            '"',
            "=",
            ",",
            "\n",
            "\r\n",
            ".",
            "#",
            "{",
            "}",
            " ",
            "c",
            "auth",
            "x = 1\n",
          ),
        ),
        { maxLength: 4 },
      ),
    )
    .map(([seed, edits]) => mutateText(seed, edits));

  it("edits any valid manifest correctly and refuses the rest with a user error", () => {
    fc.assert(
      fc.property(
        mutated,
        fc.constantFrom("c", "d", "e"),
        fc.constantFrom("auth", "x", "new"),
        (text, set, label) => {
          for (const edit of [
            () => addSet(text, set, ["https://n.example/r"]),
            () => setDependency(text, set, label, "~2.1"),
            () => removeDependency(text, set, label),
          ]) {
            try {
              edit();
            } catch (error) {
              const e = error as EkaError;
              assert.ok(
                typeof e.code === "string" && e.code !== "EKA_INTERNAL",
                `${String(error)}\n${JSON.stringify(text)}`,
              );
            }
          }
        },
      ),
      { numRuns: 1500 },
    );
  });
});
