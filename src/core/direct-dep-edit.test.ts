import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { mutateText } from "../../test/helpers/mutate-text.ts";
import { parseAtomManifest } from "./atom-manifest.ts";
import { removeDirectDependency } from "./direct-dep-edit.ts";
import type { EkaError } from "./errors.ts";

const PKG = '[package]\nlabel = "a"\nversion = "1.0.0"\n';
const SETS = '[package.sets]\nc = "https://x.example/r"\n\n[deps.from.c]\nfoo = "^1"\n';
const G = 'git = "https://g.example/foo"';
const R = 'ref = "main"';

/** Each direct dependency as `name=spec`, and the atom dependencies, of a manifest. */
function deps(text: string): { nix: string[]; atoms: string[] } {
  const m = parseAtomManifest(text);
  return {
    nix: m.nixDeps.map((d) => `${d.name}=${JSON.stringify(d.spec)}`),
    atoms: m.deps.map((d) => `${d.set}/${d.label}=${d.requirement}`),
  };
}

describe("removeDirectDependency", () => {
  // [name, before, after removing foo]
  const cases: [string, string, string][] = [
    [
      "an inline table under [deps.direct.nix], with its comment",
      `${PKG}[deps.direct.nix]\n# pins\nfoo = { ${G}, ${R} } # the foo\nbar = { url = "https://b.example/x" }\n`,
      `${PKG}[deps.direct.nix]\n# pins\nbar = { url = "https://b.example/x" }\n`,
    ],
    [
      "the last entry, leaving the table, an atom of the same name kept",
      `${PKG}${SETS}\n[deps.direct.nix]\nfoo = { ${G}, ${R} }\n\n[nix]\nentry = "nix"\n`,
      `${PKG}${SETS}\n[deps.direct.nix]\n\n[nix]\nentry = "nix"\n`,
    ],
    [
      "a [deps.direct.nix.foo] section between two others",
      `${PKG}[deps.direct.nix.bar]\nurl = "https://b.example/x"\n\n[deps.direct.nix.foo] # foo\n${G}\n${R}\n\n# evaluation\n[nix]\nentry = "nix"\n`,
      `${PKG}[deps.direct.nix.bar]\nurl = "https://b.example/x"\n\n# evaluation\n[nix]\nentry = "nix"\n`,
    ],
    [
      "a [deps.direct.nix.foo] section at the end, without its blank line",
      `${PKG}\n[deps.direct.nix.foo]\n${G}\n${R}\n`,
      `${PKG}`,
    ],
    [
      "a [deps.direct.nix.foo] section at the end of a file without a final newline",
      `${PKG}[deps.direct.nix.bar]\nurl = "https://b.example/x"\n\n[deps.direct.nix.foo]\n${G}`,
      `${PKG}[deps.direct.nix.bar]\nurl = "https://b.example/x"\n`,
    ],
    [
      "a section and its sub-table at the end, with the blank lines before them",
      `${PKG}\n[deps.direct.nix.bar]\nurl = "https://b.example/x"\n\n[deps.direct.nix.foo]\n${G}\n\n[deps.direct.nix.foo.meta]\nx = "1"\n`,
      `${PKG}\n[deps.direct.nix.bar]\nurl = "https://b.example/x"\n`,
    ],
    [
      "a sub-table of a dotted-key entry, before another section",
      `deps.direct.nix.foo.url = "https://f.example/x"\n${PKG}\n[deps.direct.nix.foo.meta]\nx = "1"\n\n[deps.direct.nix.bar]\nurl = "https://b.example/x"\n`,
      `${PKG}\n[deps.direct.nix.bar]\nurl = "https://b.example/x"\n`,
    ],
    [
      "dotted keys under [deps.direct.nix], others between them kept",
      `${PKG}[deps.direct.nix]\nfoo.git = "https://g.example/foo"\nbar.url = "https://b.example/x"\nfoo.ref = "main"\n`,
      `${PKG}[deps.direct.nix]\nbar.url = "https://b.example/x"\n`,
    ],
    [
      "a dotted key under [deps.direct]",
      `${PKG}[deps.direct]\nnix.foo = { ${G}, ${R} }\nnix.bar = { url = "https://b.example/x" }\n`,
      `${PKG}[deps.direct]\nnix.bar = { url = "https://b.example/x" }\n`,
    ],
    [
      "dotted keys from the top, a dotted key of another entry kept",
      `deps.direct.nix.bar.url = "https://b.example/x"\ndeps.direct.nix.foo.git = "https://g.example/foo"\ndeps.direct.nix.foo.ref = "main"\n${PKG}`,
      `deps.direct.nix.bar.url = "https://b.example/x"\n${PKG}`,
    ],
    [
      "the first of an inline [deps.direct] nix table",
      `${PKG}[deps.direct]\nnix = { foo = { ${G} }, bar = { url = "https://b.example/x" } }\n`,
      `${PKG}[deps.direct]\nnix = { bar = { url = "https://b.example/x" } }\n`,
    ],
    [
      "the last of an inline table",
      `${PKG}[deps.direct]\nnix = { bar = { url = "https://b.example/x" } , foo = { ${G} } }\n`,
      `${PKG}[deps.direct]\nnix = { bar = { url = "https://b.example/x" } }\n`,
    ],
    [
      "the only one of an inline table",
      `${PKG}[deps.direct]\nnix = { foo = { ${G} } }\n`,
      `${PKG}[deps.direct]\nnix = {}\n`,
    ],
    [
      "dotted keys inside an inline table, around another entry",
      `${PKG}[deps]\ndirect = { nix = { foo.git = "https://g.example/foo", bar = { url = "https://b.example/x" }, foo.ref = "main" } }\n`,
      `${PKG}[deps]\ndirect = { nix = { bar = { url = "https://b.example/x" } } }\n`,
    ],
    [
      "dotted keys ending an inline table",
      `deps = { direct = { nix = { bar = { url = "https://b.example/x" }, foo.git = "https://g.example/foo", foo.ref = "main" } } }\n${PKG}`,
      `deps = { direct = { nix = { bar = { url = "https://b.example/x" } } } }\n${PKG}`,
    ],
    [
      "a key written in another normalisation form, quoted",
      `${PKG}[deps.direct.nix]\n"ｆｏｏ" = { ${G} }\nbar = { url = "https://b.example/x" }\n`,
      `${PKG}[deps.direct.nix]\nbar = { url = "https://b.example/x" }\n`,
    ],
    [
      "CRLF, a section then the end of the file",
      `${PKG}[deps.direct.nix]\nbar = { url = "https://b.example/x" }\n\n[deps.direct.nix.foo]\n${G}\n`.replace(
        /\n/g,
        "\r\n",
      ),
      `${PKG}[deps.direct.nix]\nbar = { url = "https://b.example/x" }\n`.replace(/\n/g, "\r\n"),
    ],
    [
      "CRLF, a line without a final newline",
      `${PKG}[deps.direct.nix]\nbar = { url = "https://b.example/x" }\nfoo = { ${G} }`.replace(
        /\n/g,
        "\r\n",
      ),
      `${PKG}[deps.direct.nix]\nbar = { url = "https://b.example/x" }\n`.replace(/\n/g, "\r\n"),
    ],
  ];
  for (const [name, before, expected] of cases) {
    it(name, () => {
      const after = removeDirectDependency(before, "foo");
      assert.equal(after, expected);
      const was = deps(before);
      const now = deps(after);
      assert.deepEqual(now.atoms, was.atoms);
      assert.deepEqual(
        now.nix,
        was.nix.filter((d) => !d.startsWith("foo=")),
      );
      assert.equal(was.nix.length - now.nix.length, 1);
    });
  }

  it("refuses a name that is not a direct dependency (an atom label included), naming those that are", () => {
    const text = `${PKG}${SETS}[deps.direct.nix]\nx = { ${G} }\ny = { ${G} }\n`;
    assert.throws(
      () => removeDirectDependency(text, "zz"),
      (e: EkaError) =>
        e.code === "EKA_DEP_NOT_FOUND" && /zz/.test(e.message) && /are: x, y/.test(e.hint ?? ""),
    );
    const atomOnly = `${PKG}${SETS}`;
    assert.throws(
      () => removeDirectDependency(atomOnly, "foo"),
      (e: EkaError) =>
        e.code === "EKA_DEP_NOT_FOUND" && /no direct dependencies/.test(e.hint ?? ""),
    );
    assert.throws(
      () => removeDirectDependency(text, "Bad Name"),
      (e: EkaError) => e.code === "EKA_LABEL_INVALID",
    );
    assert.throws(
      () => removeDirectDependency(`${text}[`, "x"),
      (e: EkaError) => e.code === "EKA_TOML_SYNTAX",
    );
  });
});

describe("removeDirectDependency (properties)", () => {
  /** One direct dependency written in one of the forms TOML allows. */
  const entry = (form: string, name: string, url: string): { top: string; body: string } => {
    switch (form) {
      case "inline":
        return { top: "", body: `[deps.direct.nix]\n${name} = { url = "${url}" }\n` };
      case "section":
        return { top: "", body: `[deps.direct.nix.${name}]\nurl = "${url}"\n` };
      case "dotted":
        return { top: "", body: `[deps.direct.nix]\n${name}.url = "${url}"\n` };
      case "direct-dotted":
        return { top: "", body: `[deps.direct]\nnix.${name} = { url = "${url}" }\n` };
      default:
        return { top: `deps.direct.nix.${name}.url = "${url}"\n`, body: "" };
    }
  };
  it("removes exactly the named entry from any mix of forms, keeping the other entries' text", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.constantFrom("foo", "bar", "baz", "qux"), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.constantFrom("nix", "direct-dotted", "top-dotted"),
        fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
        fc.nat(),
        fc.boolean(),
        fc.boolean(),
        (names, mode, sections, pick, blank, crlf) => {
          // One way of writing [deps.direct.nix] per file (TOML allows no mix of a table's
          // header and dotted keys defining it), each entry in it or as its own section.
          const parts = names.map((name, i) => {
            const f = sections[i]
              ? "section"
              : mode === "nix"
                ? i % 2
                  ? "dotted"
                  : "inline"
                : mode;
            return { name, ...entry(f, name, `https://x.example/${name}`) };
          });
          // Entries sharing a header are written under it, in order.
          const bodies = new Map<string, string>();
          for (const p of parts) {
            const [header, ...lines] = p.body.split("\n");
            if (header === undefined || header === "") continue;
            const key = header.startsWith("[deps.direct.nix.") ? p.name : header;
            const prefix = bodies.get(key) ?? `${header}\n`;
            bodies.set(key, prefix + lines.filter((l) => l !== "").join("\n") + "\n");
          }
          const sep = blank ? "\n" : "";
          let text = `${parts.map((p) => p.top).join("")}${PKG}${[...bodies.values()].map((b) => sep + b).join("")}`;
          if (crlf) text = text.replace(/\n/g, "\r\n");
          const target = names[pick % names.length]!;
          const after = removeDirectDependency(text, target);
          const was = deps(text).nix;
          assert.deepEqual(
            deps(after).nix,
            was.filter((d) => !d.startsWith(`${target}=`)),
          );
          if (crlf) assert.doesNotMatch(after, /[^\r]\n/);
          // Every line of the result was a line of the input, and their order is kept.
          const lines = text.split(/\r?\n/);
          let at = 0;
          for (const line of after.split(/\r?\n/)) {
            while (at < lines.length && lines[at] !== line) at++;
            assert.ok(at < lines.length || line === "", `${JSON.stringify(line)} not from input`);
          }
          assert.doesNotMatch(after, new RegExp(`\\b${target}\\b`));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("any mutation of a manifest: the right removal, or a user error (never EKA_INTERNAL)", () => {
    const SEEDS = [
      `# top\n${PKG}[package.sets]\nc = "https://x.example/r"\n[deps.from.c]\nfoo = "1"\n[deps.direct.nix]\nfoo = { ${G}, ${R} } # f\nbar.url = "https://b.example/x"\n[deps.direct.nix.baz]\nurl = "https://z.example/x"\n[nix]\nentry = "nix"\n`,
      `${PKG}deps = { direct = { nix = { foo = { ${G} }, bar = { url = "u" } } } }\n`,
      `deps.direct.nix.foo.git = "g"\ndeps.direct.nix.bar.url = "u"\n${PKG}`,
    ];
    const mutated = fc
      .tuple(
        fc.constantFrom(...SEEDS),
        fc.array(
          fc.tuple(
            fc.nat(),
            fc.nat({ max: 3 }),
            fc.constantFrom("", "[", "]", '"', "=", ",", "\n", ".", "#", "{", "}", " ", "foo"),
          ),
          { maxLength: 4 },
        ),
      )
      .map(([seed, edits]) => mutateText(seed, edits));
    fc.assert(
      fc.property(mutated, fc.constantFrom("foo", "bar", "baz", "new"), (text, name) => {
        let after: string;
        try {
          after = removeDirectDependency(text, name);
        } catch (error) {
          const e = error as EkaError;
          assert.ok(
            typeof e.code === "string" && e.code !== "EKA_INTERNAL",
            `${String(error)}\n${JSON.stringify(text)}`,
          );
          return;
        }
        assert.deepEqual(
          deps(after).nix,
          deps(text).nix.filter((d) => !d.startsWith(`${name}=`)),
        );
      }),
      { numRuns: 1500 },
    );
  });
});
