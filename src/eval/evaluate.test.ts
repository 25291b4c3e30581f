import assert from "node:assert/strict";
import { test } from "node:test";
import { derivationsToBuild } from "./evaluate.ts";

test("derivationsToBuild reads Nix's list of derivations it is about to build", () => {
  const one =
    "this derivation will be built:\n  /nix/store/aaa-hello.drv\nbuilding '/nix/store/aaa-hello.drv'...\n";
  assert.deepEqual(derivationsToBuild(one), ["/nix/store/aaa-hello.drv"]);
  const two =
    "these 2 derivations will be built:\n  /nix/store/aaa-a.drv\n  /nix/store/bbb-b.drv\nbuilding '/nix/store/aaa-a.drv'...\n";
  assert.deepEqual(derivationsToBuild(two), ["/nix/store/aaa-a.drv", "/nix/store/bbb-b.drv"]);
  assert.deepEqual(derivationsToBuild(""), []);
  assert.deepEqual(derivationsToBuild("warning: something\n"), []);
});
