import assert from "node:assert/strict";
import { test } from "node:test";
import { canonicalJson } from "./canonical-json.ts";
import { EkaError } from "./errors.ts";

test("RFC 8785 §3.2.2: the main example, parsed from its JSON text", () => {
  const input =
    '{\n  "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],\n' +
    '  "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",\n' +
    '  "literals": [null, true, false]\n}';
  assert.equal(
    canonicalJson(JSON.parse(input)),
    '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
      '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
  );
});

test("RFC 8785 §3.2.3: members sorted by UTF-16 code units", () => {
  const input = {
    "\u20ac": "Euro Sign",
    "\r": "Carriage Return",
    "\ufb33": "Hebrew Letter Dalet With Dagesh",
    "1": "One",
    "\ud83d\ude00": "Emoji: Grinning Face",
    "\u0080": "Control",
    "\u00f6": "Latin Small Letter O With Diaeresis",
  };
  const keys = Object.keys(JSON.parse(canonicalJson(input)) as object);
  // JSON.parse puts the integer-like key "1" first; read the order from the text instead.
  assert.equal(keys.length, 7);
  const text = canonicalJson(input);
  const order = ["\\r", "1", "\u0080", "\u00f6", "\u20ac", "\ud83d\ude00", "\ufb33"];
  let at = -1;
  for (const key of order) {
    const next = text.indexOf(`"${key}":`);
    assert.ok(next > at, `${JSON.stringify(key)} comes after the previous key in ${text}`);
    at = next;
  }
  // UTF-16 order puts the emoji (a surrogate pair, 0xd83d…) before U+FB33, unlike code points.
  assert.ok(text.indexOf("\ud83d\ude00") < text.indexOf("\ufb33"));
});

test("RFC 8785 appendix B: number serialisation from the IEEE 754 bit patterns", () => {
  const vectors: [string, string][] = [
    ["0000000000000000", "0"],
    ["8000000000000000", "0"],
    ["0000000000000001", "5e-324"],
    ["8000000000000001", "-5e-324"],
    ["7fefffffffffffff", "1.7976931348623157e+308"],
    ["ffefffffffffffff", "-1.7976931348623157e+308"],
    ["4340000000000000", "9007199254740992"],
    ["c340000000000000", "-9007199254740992"],
    ["4430000000000000", "295147905179352830000"],
    ["44b52d02c7e14af5", "9.999999999999997e+22"],
    ["44b52d02c7e14af6", "1e+23"],
    ["44b52d02c7e14af7", "1.0000000000000001e+23"],
    ["444b1ae4d6e2ef4e", "999999999999999700000"],
    ["444b1ae4d6e2ef4f", "999999999999999900000"],
    ["444b1ae4d6e2ef50", "1e+21"],
    ["3eb0c6f7a0b5ed8c", "9.999999999999997e-7"],
    ["3eb0c6f7a0b5ed8d", "0.000001"],
    ["41b3de4355555553", "333333333.3333332"],
    ["41b3de4355555554", "333333333.33333325"],
    ["41b3de4355555555", "333333333.3333333"],
    ["41b3de4355555556", "333333333.3333334"],
    ["41b3de4355555557", "333333333.33333343"],
    ["becbf647612f3696", "-0.0000033333333333333333"],
    ["43143ff3c1cb0959", "1424953923781206.2"],
  ];
  for (const [bits, expected] of vectors) {
    const view = new DataView(new ArrayBuffer(8));
    view.setBigUint64(0, BigInt(`0x${bits}`));
    assert.equal(canonicalJson(view.getFloat64(0)), expected, bits);
  }
  for (const bits of ["7fffffffffffffff", "7ff0000000000000"]) {
    const view = new DataView(new ArrayBuffer(8));
    view.setBigUint64(0, BigInt(`0x${bits}`));
    assert.throws(() => canonicalJson(view.getFloat64(0)), EkaError);
  }
});

test("nested values, no whitespace, escapes only where RFC 8785 requires them", () => {
  assert.equal(
    canonicalJson({ b: [1, { d: "\u2028\u001f\t", c: null }], a: { z: true, y: false } }),
    '{"a":{"y":false,"z":true},"b":[1,{"c":null,"d":"\u2028\\u001f\\t"}]}',
  );
  assert.equal(canonicalJson(10n), "10");
});

test("what JSON cannot hold exactly is refused, naming where", () => {
  assert.throws(() => canonicalJson({ a: ["\ud800"] }), /lone surrogate at a\[0\]/);
  assert.throws(() => canonicalJson({ big: 2n ** 60n }), /beyond what a JSON number holds/);
  assert.throws(() => canonicalJson({ f: undefined }), /undefined is not a JSON value at f/);
});
