import assert from "node:assert/strict";
import { test } from "node:test";
import { type GitOid, type LockedAtom, parseLabel, parseVersion } from "../core/index.ts";
import { cacheRefFor, mirrorNamespace, mirrorRefOf } from "./cache-refs.ts";
import {
  checkMirrorAgreement,
  checkMirrorIdentity,
  readMirrorView,
  refsOf,
} from "./mirror-view.ts";

const oid = (c: string) => c.repeat(40) as GitOid;
const D = "gjvq54suod8idpo84r6mehfoadogsr9nde3s8o2t386nto0hfl4g";
const atom = {
  type: "atom",
  label: parseLabel("button"),
  version: parseVersion("1.0.0"),
  set: oid("a"),
  rev: oid("b"),
} as unknown as LockedAtom;

function listing(rev: string) {
  return [
    { ref: "refs/ekala/init", oid: oid("a") },
    { ref: "refs/ekala/atoms/button/1.0.0", oid: oid(rev) },
    { ref: `refs/ekala/content/button/1.0.0/${D}`, oid: oid(rev) },
    { ref: "refs/ekala/manifests/button/1.0.0", oid: oid("c") },
    { ref: "refs/ekala/origins/button/1.0.0", oid: oid("d") },
    { ref: "refs/ekala/atoms/Bad Label/1.0.0", oid: oid("e") },
  ];
}

test("a view reads the refs of each version and ignores names that do not parse", () => {
  const view = readMirrorView("m", listing("b"));
  assert.equal(view.init, oid("a"));
  assert.deepEqual(refsOf(view, atom), {
    atom: oid("b"),
    manifest: oid("c"),
    origin: oid("d"),
    content: [{ digest: D, oid: oid("b") }],
  });
  assert.equal(view.versions.size, 1);
});

test("mirror identity and agreement name both mirrors and both values", () => {
  const a = readMirrorView("A", listing("b"));
  const b = readMirrorView("B", listing("f"));
  assert.equal(checkMirrorIdentity(atom.set, a, "set").status, "pass");
  const fork = readMirrorView("F", [{ ref: "refs/ekala/init", oid: oid("9") }]);
  const identity = checkMirrorIdentity(atom.set, fork, "set");
  assert.deepEqual(
    [identity.status, identity.expected, identity.actual, identity.mirror],
    ["fail", oid("a"), oid("9"), "F"],
  );

  assert.deepEqual(
    checkMirrorAgreement(atom, [a, a, fork]).map((r) => r.status),
    ["pass"],
  );
  const disagree = checkMirrorAgreement(atom, [a, b]);
  const onAtom = disagree.find((r) => r.message.includes("atom ref"))!;
  assert.deepEqual(
    [onAtom.status, onAtom.expected, onAtom.actual, onAtom.mirror],
    ["fail", oid("b"), oid("f"), "B"],
  );
  assert.ok(disagree.some((r) => r.message.includes("content refs")));
});

test("cache namespaces: one per mirror, names map back", () => {
  const ref = cacheRefFor("file:///srv/a", "refs/ekala/atoms/button/1.0.0");
  assert.ok(ref.startsWith(mirrorNamespace("file:///srv/a")));
  assert.notEqual(mirrorNamespace("file:///srv/a"), mirrorNamespace("file:///srv/b"));
  assert.equal(mirrorRefOf("file:///srv/a", ref), "refs/ekala/atoms/button/1.0.0");
  assert.equal(mirrorRefOf("file:///srv/b", ref), null);
});
