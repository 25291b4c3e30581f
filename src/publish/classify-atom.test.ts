import assert from "node:assert/strict";
import { test } from "node:test";
import {
  type GitOid,
  parseB3Digest,
  parseGitOid,
  parseLabel,
  parseVersion,
} from "../core/index.ts";
import { atomRef, contentRef, INIT_REF, manifestRef, originRef } from "../git/index.ts";
import { type AtomFacts, type ClassifyContext, classifyAtom, RefIndex } from "./classify-atom.ts";

const oid = (c: string) => parseGitOid(c.repeat(40));
const label = parseLabel("button");
const version = parseVersion("1.0.0");
const content = parseB3Digest("0qs4d6mkdlo53bb3v0k0jrr6orbjhk4cofoqbi22ufb6o1fm9jrg");
const facts: AtomFacts = {
  label,
  version,
  path: "pkgs/button",
  tree: oid("1"),
  content,
  commit: oid("2"),
  manifest: oid("3"),
  source: oid("4"),
  versionAt: { file: "pkgs/button/atom.toml", line: 3, column: 11 },
};
const ours = {
  [atomRef(label, version)]: facts.commit,
  [manifestRef(label, version)]: facts.manifest,
  [originRef(label, version)]: facts.source,
  [contentRef(label, version, content)]: facts.commit,
};

function index(refs: Record<string, GitOid>): RefIndex {
  return new RefIndex(Object.entries(refs).map(([ref, oid]) => ({ ref, oid })));
}

function ctx(target: Record<string, GitOid>, local: Record<string, GitOid> = {}): ClassifyContext {
  return {
    target: index(target),
    local: index(local),
    remote: true,
    targetName: "file:///remote.git",
    rev: "HEAD",
  };
}

test("a version the target lacks is published: four refs pushed and written locally, sorted", () => {
  const planned = classifyAtom(facts, ctx({ [INIT_REF]: oid("9") }));
  assert.equal(planned.action, "publish");
  const expected = Object.entries(ours)
    .map(([ref, oid]) => ({ ref, oid }))
    .sort((a, b) => (a.ref < b.ref ? -1 : 1));
  assert.deepEqual(planned.push, expected);
  assert.deepEqual(planned.local, expected);
  assert.equal(planned.origin, facts.source);
});

test("the same atom commit on the target: already published, nothing to write", () => {
  const planned = classifyAtom(facts, ctx(ours));
  assert.equal(planned.action, "already-published");
  assert.deepEqual([planned.push, planned.local], [[], []]);
  assert.equal(planned.existing, facts.commit);
});

test("another atom commit on the target: refused, naming label, version, target and both ids", () => {
  const planned = classifyAtom(facts, ctx({ [atomRef(label, version)]: oid("5") }));
  assert.equal(planned.action, "refused");
  assert.equal(planned.existing, oid("5"));
  const message = planned.refusal?.message ?? "";
  for (const part of ["button@1.0.0", "file:///remote.git", oid("5"), facts.commit]) {
    assert.ok(message.includes(part), `${message} names ${part}`);
  }
  assert.match(planned.refusal?.hint ?? "", /bump the version in pkgs\/button\/atom\.toml/);
  assert.deepEqual([planned.refusal?.line, planned.refusal?.column], [3, 11]);
});

test("refs of the version that this publication would not write are refused, on either side", () => {
  const otherContent = contentRef(label, version, parseB3Digest(`${"0".repeat(51)}g`));
  const partial = classifyAtom(facts, ctx({ [otherContent]: oid("6") }));
  assert.equal(partial.action, "refused");
  assert.match(partial.refusal?.message ?? "", /already holds refs of button@1\.0\.0/);
  const local = classifyAtom(facts, ctx({}, { [atomRef(label, version)]: oid("7") }));
  assert.equal(local.action, "refused");
  assert.match(local.refusal?.message ?? "", /this repository already holds button@1\.0\.0/);
});

test("a version published here first: the remote gets the same refs, keeping the first origin", () => {
  const earlier = { ...ours, [originRef(label, version)]: oid("8") };
  const planned = classifyAtom(facts, ctx({}, earlier));
  assert.equal(planned.action, "publish");
  assert.equal(planned.origin, oid("8"));
  assert.equal(planned.push.length, 4);
  assert.deepEqual(planned.local, []);
  // Without a remote, this repository is the target: already published.
  const here = classifyAtom(facts, { ...ctx(earlier, earlier), remote: false });
  assert.equal(here.action, "already-published");
});

test("refs the target already holds with the same value are not pushed again", () => {
  const manifest = manifestRef(label, version);
  const planned = classifyAtom(facts, ctx({ [manifest]: facts.manifest }));
  assert.equal(planned.action, "publish");
  assert.deepEqual(planned.push.map((r) => r.ref).includes(manifest), false);
  assert.equal(planned.push.length, 3);
});
