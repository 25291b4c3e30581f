import assert from "node:assert/strict";
import { test } from "node:test";
import { parseAtomManifest } from "../core/index.ts";
import { addNixDependency } from "./add-nix-dependency.ts";

const HEAD = '[package]\nlabel = "app"\nversion = "0.1.0"\n';
const GIT = [
  ["git", "https://example.com/lib"],
  ["ref", "main"],
] as const;

test("a new [deps.direct.nix] section after the last table, comments kept", () => {
  const text = `${HEAD}\n# sets\n[package.sets]\ncore = "https://example.com/core" # mirror\n\n# end\n`;
  assert.equal(
    addNixDependency(text, "lib", GIT),
    `${HEAD}\n# sets\n[package.sets]\ncore = "https://example.com/core" # mirror\n\n# end\n\n[deps.direct.nix]\nlib = { git = "https://example.com/lib", ref = "main" }\n`,
  );
});

test("an existing table's style is kept: header, inline table, dotted keys; CRLF stays", () => {
  const header = `${HEAD}[deps.direct.nix]\na = { url = "https://example.com/a" } # a file\n\n[nix]\nentry = "nix"\n`;
  assert.equal(
    addNixDependency(header, "lib", GIT),
    `${HEAD}[deps.direct.nix]\na = { url = "https://example.com/a" } # a file\nlib = { git = "https://example.com/lib", ref = "main" }\n\n[nix]\nentry = "nix"\n`,
  );
  const inline = `${HEAD}[deps]\ndirect = { nix = { a = { url = "https://example.com/a" } } }\n`;
  assert.equal(
    addNixDependency(inline, "lib", GIT),
    `${HEAD}[deps]\ndirect = { nix = { a = { url = "https://example.com/a" }, lib = { git = "https://example.com/lib", ref = "main" } } }\n`,
  );
  const dotted = `${HEAD}[deps]\ndirect.nix.a = { url = "https://example.com/a" }\n`;
  assert.equal(
    addNixDependency(dotted, "lib", GIT),
    `${HEAD}[deps]\ndirect.nix.a = { url = "https://example.com/a" }\ndirect.nix.lib = { git = "https://example.com/lib", ref = "main" }\n`,
  );
  const crlf = `${HEAD}[deps.direct.nix]\r\na = { url = "https://example.com/a" }\r\n`.replaceAll(
    /(?<!\r)\n/g,
    "\r\n",
  );
  const out = addNixDependency(crlf, "tool", [
    ["build", 'https://example.com/t"q'],
    ["unpack", false],
    ["exec", true],
  ]);
  assert.ok(!/(?<!\r)\n/.test(out), "CRLF kept");
  assert.ok(
    out.endsWith('tool = { build = "https://example.com/t\\"q", unpack = false, exec = true }\r\n'),
  );
  const tool = parseAtomManifest(out).nixDeps.find((d) => d.name === "tool");
  assert.deepEqual(tool?.spec, { build: 'https://example.com/t"q', unpack: false, exec: true });
});

test("a name already in [deps.direct.nix] is refused with where it is", () => {
  const text = `${HEAD}\n[deps.direct.nix]\nlib = { url = "https://example.com/a" }\n`;
  assert.throws(
    () => addNixDependency(text, "lib", GIT),
    (e: { code: string; where: string }) =>
      e.code === "EKA_DUPLICATE_LABEL" && /atom\.toml:6:1$/.test(e.where),
  );
});
