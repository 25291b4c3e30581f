import assert from "node:assert/strict";
import { test } from "node:test";
import { ByteQueue } from "./byte-queue.ts";

test("finds bytes and takes them across chunk boundaries", () => {
  const q = new ByteQueue();
  q.push(Buffer.from("ab"));
  q.push(Buffer.from(""));
  q.push(Buffer.from("c\nde"));
  q.push(Buffer.from("f\n"));
  assert.equal(q.length, 8);
  assert.equal(q.indexOf(0x0a), 3);
  assert.equal(q.take(3).toString(), "abc");
  q.skip(1);
  assert.equal(q.indexOf(0x0a), 3);
  assert.equal(q.take(2).toString(), "de");
  assert.equal(q.indexOf(0x78), -1);
  assert.equal(q.take(2).toString(), "f\n");
  assert.equal(q.length, 0);
  assert.throws(() => q.take(1), RangeError);
});

test("a taken buffer does not share memory with the queue", () => {
  const q = new ByteQueue();
  const chunk = Buffer.from("hello");
  q.push(chunk);
  const taken = q.take(5);
  chunk[0] = 0x4a;
  assert.equal(taken.toString(), "hello");
});

test("drains bytes as views of the queued chunks, in order, up to a limit", () => {
  const q = new ByteQueue();
  const first = Buffer.from("abc");
  q.push(first);
  q.push(Buffer.from("defg"));
  q.skip(1);
  const seen: string[] = [];
  assert.equal(
    q.drainTo(4, (view) => seen.push(view.toString())),
    4,
  );
  assert.deepEqual(seen, ["bc", "de"]);
  assert.equal(q.length, 2);
  assert.equal(
    q.drainTo(10, (view) => seen.push(view.toString())),
    2,
  );
  assert.deepEqual(seen, ["bc", "de", "fg"]);
  assert.equal(q.length, 0);
  assert.equal(
    q.drainTo(3, () => assert.fail("nothing is queued")),
    0,
  );
});

test("a drained view shares memory with the chunk it came from (no copy)", () => {
  const q = new ByteQueue();
  const chunk = Buffer.from("hello");
  q.push(chunk);
  q.drainTo(5, (view) => {
    chunk[0] = 0x4a;
    assert.equal(view.toString(), "Jello");
  });
});
