import assert from "node:assert/strict";
import { test } from "node:test";
import { blake3, blake3Implementation, createBlake3 } from "./blake3.ts";

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

// BLAKE3's published digests of "" and "abc" (b3sum prints the same).
const VECTORS: [string, string][] = [
  ["", "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262"],
  ["abc", "6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85"],
];

test("both implementations give BLAKE3's published digests", () => {
  for (const implementation of ["native", "js"] as const) {
    for (const [input, digest] of VECTORS) {
      const bytes = new TextEncoder().encode(input);
      assert.equal(hex(createBlake3(implementation).update(bytes).digest()), digest);
      assert.equal(hex(blake3(bytes, implementation)), digest);
    }
  }
});

test("native and js agree across chunk boundaries, whatever the pieces", () => {
  // BLAKE3 works in 64-byte blocks and 1024-byte chunks: lengths around both, and a large one.
  const lengths = [1, 63, 64, 65, 1023, 1024, 1025, 2048, 3073, 65_537, 1_000_003];
  for (const length of lengths) {
    const data = Uint8Array.from({ length }, (_, i) => (i * 131 + (i >> 8)) % 256);
    const whole = hex(createBlake3("js").update(data).digest());
    const native = createBlake3("native");
    // Uneven pieces, given as views into the same buffer (as the pipe reader hands them).
    for (let at = 0, step = 1; at < length; at += step, step = (step * 7 + 3) % 5000 || 1) {
      native.update(data.subarray(at, Math.min(length, at + step)));
    }
    assert.equal(hex(native.digest()), whole, `length ${length}`);
    assert.equal(hex(blake3(data, "native")), whole, `one call, length ${length}`);
  }
});

test("the native implementation loads where a prebuilt binary exists", () => {
  if (process.platform === "linux" && process.arch === "x64") {
    assert.equal(blake3Implementation(), "native");
  }
});
