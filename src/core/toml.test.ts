import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { EkaError } from "./errors.ts";
import { parseToml, readToml, tomlToPlain } from "./toml.ts";
import { tomlString } from "./toml-string.ts";
import type { TomlTable } from "./toml-tree.ts";

function entry(table: TomlTable, ...path: string[]) {
  let node: TomlTable = table;
  for (const key of path.slice(0, -1)) {
    const next = node.entries.get(key)?.value;
    assert.ok(next?.kind === "table", key);
    node = next;
  }
  const found = node.entries.get(path.at(-1)!);
  assert.ok(found !== undefined, path.join("."));
  return found;
}

describe("readToml", () => {
  it("gives values with 1-based positions, keys and values apart", () => {
    const root = parseToml('# c\n[package]\n  label = "x"\n', "atom.toml");
    const label = entry(root, "package", "label");
    assert.deepEqual([label.line, label.column], [3, 3]);
    assert.deepEqual([label.value.line, label.value.column, label.value.kind], [3, 11, "string"]);
    const pkg = entry(root, "package");
    assert.deepEqual([pkg.value.line, pkg.value.column], [2, 1]);
  });

  it("merges headers, dotted keys, inline tables and arrays of tables", () => {
    const text =
      'a.b = 1\n[c]\nd = { e = [1, "x"] }\n[f.g]\nh = true\n[f]\ni = 1979-05-27\n[[j]]\nk = 1\n[[j]]\nk = 2\n[j.l]\nm = 1.5\n';
    const root = parseToml(text, "t.toml");
    assert.deepEqual(tomlToPlain(root), {
      a: { b: 1 },
      c: { d: { e: [1, "x"] } },
      f: { g: { h: true }, i: "1979-05-27" },
      j: [{ k: 1 }, { k: 2, l: { m: 1.5 } }],
    });
    // [f] written after [f.g]: the table's position is its own header.
    assert.equal(entry(root, "f").value.line, 6);
  });

  it("keeps big integers exact and odd keys as plain keys", () => {
    const plain = tomlToPlain(parseToml('n = 9007199254740993\n"__proto__" = 1\n', "t.toml"));
    assert.deepEqual(Object.keys(plain as object), ["n", "__proto__"]);
    assert.equal((plain as Record<string, unknown>)["n"], 9007199254740993n);
  });

  it("reports a syntax error with file, 1-based line and column", () => {
    const result = readToml('a = 1\nb = "x\n', "f.toml");
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.equal(result.diagnostic.file, "f.toml");
    assert.equal(result.diagnostic.line, 2);
    assert.ok(result.diagnostic.column >= 1);
    assert.ok((result.diagnostic.hint ?? "").length > 0);
  });

  it("finds duplicate keys and tables", () => {
    for (const text of ["a = 1\na = 2", "[a]\n[a]", "a.b = 1\n[a]\nb = 2", "a = {b = 1}\n[a.c]"]) {
      const result = readToml(text, "f.toml");
      assert.equal(result.ok, false, text);
    }
  });

  it("reads TOML 1.0, as Nix does: no newlines inside inline tables", () => {
    assert.equal(readToml("a = { b = 1,\n c = 2 }", "f.toml").ok, false);
  });

  it("accepts a byte order mark without moving positions", () => {
    const root = parseToml('\uFEFFa = "x"', "f.toml");
    assert.deepEqual([entry(root, "a").line, entry(root, "a").column], [1, 2]);
  });

  it("parseToml throws EKA_TOML_SYNTAX with one diagnostic", () => {
    assert.throws(
      () => parseToml("[a", "f.toml"),
      (e: EkaError) =>
        e.code === "EKA_TOML_SYNTAX" &&
        e.diagnostics.length === 1 &&
        e.where?.startsWith("f.toml:1:") === true,
    );
  });
});

describe("tomlString", () => {
  it("writes strings that read back the same", () => {
    for (const s of [
      "",
      "plain",
      'q"uote',
      "back\\slash",
      "tab\tnl\ncr\r",
      "\u0000\u001f\u007f",
      "é ☃ 𝄞",
      "'single'",
    ]) {
      const root = parseToml(`v = ${tomlString(s)}`, "t.toml");
      assert.equal(tomlToPlain(root.entries.get("v")!.value), s);
    }
  });

  it("refuses unpaired surrogates", () => {
    assert.throws(
      () => tomlString("\ud800"),
      (e: EkaError) => e.code === "EKA_USAGE",
    );
  });
});
