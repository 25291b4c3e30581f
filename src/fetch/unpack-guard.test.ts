import assert from "node:assert/strict";
import { test } from "node:test";
import { UnpackGuard } from "./unpack-guard.ts";

const guard = (limit = 1 << 30) => new UnpackGuard(limit, "http://example.test/a.tar");

test("names longer than a file system allows are refused, without the whole name in the message", () => {
  const g = guard();
  assert.equal(g.entryPath(`a/${"x".repeat(255)}`), `a/${"x".repeat(255)}`);
  assert.throws(
    () => g.entryPath(`a/${"x".repeat(256)}`),
    (e: Error) => {
      assert.match(e.message, /name component longer than 255 bytes/);
      assert.ok(e.message.length < 400, e.message);
      return true;
    },
  );
  const long = Array.from({ length: 20 }, () => "y".repeat(250)).join("/");
  assert.throws(() => g.entryPath(long), /a path longer than 4096 bytes/);
  // A million components: refused at once (the symlink check is not run per prefix).
  const deep = "d/".repeat(1_000_000);
  g.symlink("s", "t");
  assert.throws(() => g.entryPath(deep), /a path longer than 4096 bytes/);
  assert.throws(() => g.entryPath("s/inside"), /inside a symlink of the archive/);
  assert.equal(g.entryPath("sx/inside"), "sx/inside");
});

test("an entry's name counts against the unpacked-size limit", () => {
  const g = guard(512 * 3 + 10);
  g.charge(0, "a");
  g.charge(0, "b");
  assert.throws(() => g.charge(0, "c".repeat(20)), /unpacks to more than/);
});
