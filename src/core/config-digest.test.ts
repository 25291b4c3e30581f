import assert from "node:assert/strict";
import { test } from "node:test";
import { blake3 } from "@noble/hashes/blake3.js";
import { encodeBase32Hex } from "./base32hex.ts";
import { buildConfig, parseConfigAssignment, parseConfigFile } from "./config-digest.ts";
import { EkaError } from "./errors.ts";

test("the digest does not depend on key order, whitespace or number spelling", () => {
  const a = buildConfig([
    parseConfigFile('{"system":"x86_64-linux","opt":{"b":1,"a":[1.50,2]}}', "a.json"),
  ]);
  const b = buildConfig([
    parseConfigFile(
      '{ "opt" : { "a" : [ 1.5 , 2e0 ] ,\n "b" : 1.0 },\n "system" : "x86_64-linux" }',
      "b.json",
    ),
  ]);
  const c = buildConfig([
    parseConfigAssignment("opt.b=1"),
    parseConfigAssignment("system=x86_64-linux"),
    parseConfigAssignment("opt.a=[1.5, 2]"),
  ]);
  assert.equal(a.canonical, '{"opt":{"a":[1.5,2],"b":1},"system":"x86_64-linux"}');
  assert.equal(b.canonical, a.canonical);
  assert.equal(c.canonical, a.canonical);
  assert.equal(b.digest, a.digest);
  assert.equal(c.digest, a.digest);
  assert.equal(a.digest, encodeBase32Hex(blake3(new TextEncoder().encode(a.canonical))));
  assert.equal(a.digest.length, 52);
});

test("a different configuration gives a different digest", () => {
  const one = buildConfig([parseConfigAssignment("n=1")]);
  const two = buildConfig([parseConfigAssignment("n=2")]);
  const text = buildConfig([parseConfigAssignment('n="1"')]);
  const empty = buildConfig([]);
  assert.equal(empty.canonical, "{}");
  assert.equal(new Set([one.digest, two.digest, text.digest, empty.digest]).size, 4);
});

test("layers merge lowest first, objects member by member", () => {
  const config = buildConfig([
    {
      from: "[nix.config]",
      value: { system: "x86_64-linux", opt: { a: 1, b: 2 }, n: 10n as never },
    },
    parseConfigFile('{"opt":{"b":3}}', "f.json"),
    parseConfigAssignment("opt.c=true"),
    parseConfigAssignment("system=aarch64-linux"),
  ]);
  assert.deepEqual(config.value, {
    n: 10,
    opt: { a: 1, b: 3, c: true },
    system: "aarch64-linux",
  });
});

test("--config values: JSON when they are JSON, strings otherwise", () => {
  assert.deepEqual(parseConfigAssignment("a=null").value, { a: null });
  assert.deepEqual(parseConfigAssignment("a=x=y").value, { a: "x=y" });
  assert.deepEqual(parseConfigAssignment("a=").value, { a: "" });
  assert.deepEqual(parseConfigAssignment('a.b-c={"d":[true]}').value, {
    a: { "b-c": { d: [true] } },
  });
});

test("bad assignments and files are refused with a hint", () => {
  for (const bad of ["novalue", "=1", "a..b=1", "9a=1", "a b=1"]) {
    assert.throws(
      () => parseConfigAssignment(bad),
      (e: unknown) =>
        e instanceof EkaError && e.code === "EKA_CONFIG_INVALID" && e.hint !== undefined,
      bad,
    );
  }
  assert.throws(
    () => parseConfigFile("[1]", "list.json"),
    /list.json holds JSON that is not an object/,
  );
  assert.throws(() => parseConfigFile("{", "broken.json"), /broken.json is not JSON/);
});
