import assert from "node:assert/strict";
import { test } from "node:test";
import type { B3Digest, GitOid, Label, Version } from "../core/index.ts";
import { publishedRefProblems } from "./check-published.ts";
import { RefIndex } from "./classify-atom.ts";
import type { PlannedAtom } from "./plan.ts";

const oid = (c: string) => c.repeat(40) as GitOid;
const D = "gjvq54suod8idpo84r6mehfoadogsr9nde3s8o2t386nto0hfl4g" as B3Digest;
const F = "sculn8408abhih8o14gq2tijp4ae1n2ikvq1ggdjqibsvbjfkek0";
const atom = {
  label: "button" as Label,
  version: "1.0.0" as Version,
  action: "already-published",
  content: D,
  commit: oid("a"),
  manifest: oid("b"),
} as PlannedAtom;

const index = (refs: [string, string][]) =>
  new RefIndex(refs.map(([ref, o]) => ({ ref: `refs/ekala/${ref}`, oid: oid(o) })));

test("an already-published version with consistent refs has no problem", () => {
  const target = index([
    ["atoms/button/1.0.0", "a"],
    ["manifests/button/1.0.0", "b"],
    ["origins/button/1.0.0", "c"],
    [`content/button/1.0.0/${D}`, "a"],
  ]);
  assert.deepEqual(publishedRefProblems(atom, target), []);
  assert.deepEqual(
    publishedRefProblems({ ...atom, action: "publish" } as PlannedAtom, index([])),
    [],
  );
});

test("a forged content digest, a foreign manifest, a missing content ref are named", () => {
  const forged = index([
    ["atoms/button/1.0.0", "a"],
    ["manifests/button/1.0.0", "e"],
    [`content/button/1.0.0/${F}`, "a"],
  ]);
  const problems = publishedRefProblems(atom, forged);
  assert.equal(problems.length, 2);
  assert.match(problems[0]!, new RegExp(`manifests/button/1.0.0 is ${oid("e")}`));
  assert.match(problems[1]!, new RegExp(`names digest ${F}, but the tree's is ${D}`));
  assert.deepEqual(publishedRefProblems(atom, index([["atoms/button/1.0.0", "a"]])), [
    `there is no content ref (digest ${D})`,
  ]);
});
