import assert from "node:assert/strict";
import { test } from "node:test";
import { Fifo } from "./fifo.ts";

test("keeps first-in first-out order through pushes, shifts and compactions", () => {
  const fifo = new Fifo<number>();
  assert.equal(fifo.shift(), undefined);
  assert.equal(fifo.peek(), undefined);
  const expected: number[] = [];
  let next = 0;
  // Interleave enough pushes and shifts to cross the compaction threshold several times.
  for (let round = 0; round < 50; round++) {
    for (let i = 0; i < 300; i++) {
      fifo.push(next);
      expected.push(next++);
    }
    for (let i = 0; i < 250; i++) {
      assert.equal(fifo.peek(), expected[0]);
      assert.equal(fifo.shift(), expected.shift());
    }
    assert.equal(fifo.length, expected.length);
  }
  assert.deepEqual([...fifo], expected);
  assert.deepEqual(fifo.takeAll(), expected);
  assert.equal(fifo.length, 0);
  fifo.push(7);
  assert.deepEqual([...fifo], [7]);
});

test("drains a long queue completely", () => {
  const fifo = new Fifo<object>();
  for (let i = 0; i < 200_000; i++) fifo.push({ i });
  let count = 0;
  while (fifo.shift() !== undefined) count++;
  assert.equal(count, 200_000);
});
