import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { UnpackGuard } from "./unpack-guard.ts";
import { UNPACK_MEMORY_BYTES, UnpackTree } from "./unpack-tree.ts";

test("the unpacks of one process share one memory budget, given back when each closes", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "eka-unpack-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const tree = (name: string) =>
    new UnpackTree(new UnpackGuard(2 * UNPACK_MEMORY_BYTES, name), join(dir, name));
  const first = tree("first");
  const second = tree("second");
  try {
    assert.notEqual(first.fileStart("big", 0o644, UNPACK_MEMORY_BYTES - 10).memory, null);
    // The other unpack, running at the same time, finds the budget nearly spent: it spills.
    assert.equal(second.fileStart("small", 0o644, 11).memory, null);
    assert.notEqual(second.fileStart("tiny", 0o644, 10).memory, null);
  } finally {
    first.close();
    second.close();
  }
  const third = tree("third");
  try {
    assert.notEqual(third.fileStart("big", 0o644, UNPACK_MEMORY_BYTES).memory, null);
  } finally {
    third.close();
  }
  // A budget of its own is not the shared one.
  const own = new UnpackTree(new UnpackGuard(1 << 20, "own"), join(dir, "own"), 100);
  try {
    assert.equal(own.fileStart("f", 0o644, 101).memory, null);
  } finally {
    own.close();
  }
});
