import assert from "node:assert/strict";
import { test } from "node:test";
import type { Lock } from "../core/lock-types.ts";
import type { Label } from "../core/types.ts";
import { certainListings } from "./early-listings.ts";
import { readProjectTexts } from "./project-texts.ts";
import { setPrefixes } from "./set-listing.ts";
import type { DepRequest } from "./types.ts";

const MANIFEST = `[package]
label = "app"
version = "0.1.0"

[package.sets]
core = ["file:///m/core-a", "file:///m/core-b"]
ui = "file:///m/ui"
here = "::"

[deps.from.core]
zeta = "^1"
auth = "^1"

[deps.from.ui]
button = "~0.1"

[deps.from.here]
local = "^0"
`;

test("without a lock every set with mirrors is listed early, with the prefixes set-listing asks for", () => {
  const project = readProjectTexts("/app", MANIFEST, null);
  const sets = certainListings(project.manifest, project.requests, null);
  assert.deepEqual(sets, [
    {
      mirrors: ["file:///m/core-a", "file:///m/core-b"],
      prefixes: setPrefixes(["auth", "zeta"] as Label[]),
    },
    { mirrors: ["file:///m/ui"], prefixes: setPrefixes(["button"] as Label[]) },
  ]);
});

test("a set the lock may satisfy is not listed early, unless forced, its mirrors changed or an atom unlocked", () => {
  const project = readProjectTexts("/app", MANIFEST, null);
  const lock = (uiMirrors: string[], labels: string[]) =>
    ({
      sets: [{ id: "ui-id", name: "ui", mirrors: uiMirrors }],
      deps: labels.map((label) => ({ type: "atom", label, version: "0.1.0", set: "ui-id" })),
    }) as unknown as Lock;
  const listed = (l: Lock, force?: (r: DepRequest) => boolean) =>
    certainListings(project.manifest, project.requests, l, force).map((s) => s.mirrors[0]);
  const ui = ["file:///m/ui"];
  assert.deepEqual(listed(lock(ui, ["button"])), ["file:///m/core-a"]);
  assert.deepEqual(
    listed(lock(ui, ["button"]), (r) => r.type === "atom" && r.label === "button"),
    ["file:///m/core-a", "file:///m/ui"],
  );
  assert.deepEqual(listed(lock(["file:///m/ui2"], ["button"])), [
    "file:///m/core-a",
    "file:///m/ui",
  ]);
  assert.deepEqual(listed(lock(ui, ["other"])), ["file:///m/core-a", "file:///m/ui"]);
});
