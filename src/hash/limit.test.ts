import assert from "node:assert/strict";
import { test } from "node:test";
import { Limit } from "./limit.ts";

test("runs at most `size` tasks at once, starting the rest in order", async () => {
  const limit = new Limit(3);
  let running = 0;
  let most = 0;
  const started: number[] = [];
  const results = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      limit.run(async () => {
        started.push(i);
        running++;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, (i * 7) % 5));
        running--;
        return i * 2;
      }),
    ),
  );
  assert.deepEqual(
    results,
    Array.from({ length: 20 }, (_, i) => i * 2),
  );
  assert.equal(most, 3);
  assert.deepEqual(
    started,
    Array.from({ length: 20 }, (_, i) => i),
  );
});

test("a failing task frees its place", async () => {
  const limit = new Limit(1);
  const failed = limit.run(() => Promise.reject(new Error("no")));
  const next = limit.run(async () => "yes");
  await assert.rejects(failed, /no/);
  assert.equal(await next, "yes");
});
