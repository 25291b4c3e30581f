import assert from "node:assert/strict";
import { test } from "node:test";
import {
  atomId,
  type B3Digest,
  formatAtomCommit,
  formatInitCommit,
  type GitOid,
  type LockedAtom,
  parseLabel,
  parseVersion,
  type SetId,
} from "../core/index.ts";
import { hashObject } from "../git/index.ts";
import {
  checkAtomCommit,
  checkAtomId,
  checkAtomRef,
  checkContent,
  checkContentRef,
  checkInitCommit,
  checkManifestBlob,
  checkManifestFields,
  checkOriginTree,
} from "./atom-checks.ts";

const TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904" as GitOid;
const OTHER = "1111111111111111111111111111111111111111" as GitOid;
const DIGEST = "gjvq54suod8idpo84r6mehfoadogsr9nde3s8o2t386nto0hfl4g" as B3Digest;
const FORGED = "sculn8408abhih8o14gq2tijp4ae1n2ikvq1ggdjqibsvbjfkek0" as B3Digest;
const label = parseLabel("button");
const version = parseVersion("1.2.0");
const init = formatInitCommit({
  tree: TREE,
  parent: null,
  author: "A <a@b> 1 +0000",
  committer: "A <a@b> 1 +0000",
  entropy: new Uint8Array(32).fill(7),
});
const SET = hashObject("commit", init, "sha1") as string as SetId;
const commitBytes = formatAtomCommit({
  tree: TREE,
  path: "pkgs/button",
  content: DIGEST,
  label,
  version,
});
const REV = hashObject("commit", commitBytes, "sha1");
const atom: LockedAtom = {
  type: "atom",
  label,
  version,
  set: SET,
  rev: REV,
  id: atomId(SET, label),
  content: DIGEST,
};
const statuses = (results: readonly { check: string; status: string }[]) =>
  results.map((r) => `${r.check}:${r.status}`);

test("atom-id: recomputed from set id and label; an edited id fails with both values", () => {
  assert.equal(checkAtomId(atom).status, "pass");
  const edited = { ...atom, id: atomId(SET, parseLabel("other")) };
  const result = checkAtomId(edited);
  assert.equal(result.status, "fail");
  assert.equal(result.expected, atom.id);
  assert.equal(result.actual, edited.id);
  assert.equal(result.subject, "button@1.2.0");
});

test("atom commit: exact bytes pass; absent, wrong type, wrong id, non-canonical bytes fail", () => {
  const good = checkAtomCommit(atom, { oid: REV, type: "commit", data: commitBytes }, "sha1");
  assert.deepEqual(statuses(good.results), [
    "commit-oid:pass",
    "commit-format:pass",
    "commit-atom:pass",
  ]);
  assert.equal(good.fields?.content, DIGEST);

  const absent = checkAtomCommit(atom, null, "sha1");
  assert.deepEqual(statuses(absent.results), ["commit-oid:fail"]);
  assert.equal(absent.results[0]!.actual, "absent");

  const blob = checkAtomCommit(atom, { oid: REV, type: "blob", data: commitBytes }, "sha1");
  assert.equal(blob.results[0]!.actual, `blob ${REV}`);

  // An extra header: same fields, other bytes, other id.
  const text = new TextDecoder()
    .decode(commitBytes)
    .replace("ekala-atom v1\n", "encoding UTF-8\nekala-atom v1\n");
  const odd = checkAtomCommit(
    atom,
    { oid: REV, type: "commit", data: new TextEncoder().encode(text) },
    "sha1",
  );
  assert.deepEqual(statuses(odd.results), [
    "commit-oid:fail",
    "commit-format:fail",
    "commit-atom:pass",
  ]);
  assert.equal(odd.results[0]!.expected, REV);
  // A second newline after the message is not `label@version` either.
  const extra = new TextDecoder().decode(commitBytes).replace("1.2.0\n", "1.2.0\n\n");
  const twice = checkAtomCommit(
    atom,
    { oid: REV, type: "commit", data: new TextEncoder().encode(extra) },
    "sha1",
  );
  assert.equal(twice.results.find((r) => r.check === "commit-format")!.status, "fail");

  const other = formatAtomCommit({
    tree: TREE,
    path: "pkgs/button",
    content: DIGEST,
    label,
    version: parseVersion("2.0.0"),
  });
  const renamed = checkAtomCommit(atom, { oid: REV, type: "commit", data: other }, "sha1");
  const atomCheck = renamed.results.find((r) => r.check === "commit-atom")!;
  assert.equal(atomCheck.status, "fail");
  assert.equal(atomCheck.expected, "button@1.2.0");
  assert.equal(atomCheck.actual, "button@2.0.0");
});

test("content: the recomputed digest against the header and the lock; the content ref", () => {
  const fields = { tree: TREE, path: "pkgs/button", content: FORGED, label, version };
  const [header, lock] = checkContent(atom, fields, DIGEST);
  assert.equal(header!.status, "fail");
  assert.equal(header!.expected, FORGED);
  assert.equal(header!.actual, DIGEST);
  assert.equal(lock!.status, "pass");

  assert.equal(checkContentRef(atom, "m", [{ digest: DIGEST, oid: REV }], DIGEST).status, "pass");
  const forged = checkContentRef(atom, "m", [{ digest: FORGED, oid: REV }], DIGEST);
  assert.deepEqual(
    [forged.status, forged.expected, forged.actual, forged.mirror],
    ["fail", DIGEST, FORGED, "m"],
  );
  assert.equal(checkContentRef(atom, "m", [], DIGEST).actual, "no content ref");
  assert.equal(checkContentRef(atom, "m", [{ digest: DIGEST, oid: OTHER }], DIGEST).actual, OTHER);
});

test("atom ref, manifest blob, origin tree: both values on failure", () => {
  assert.equal(checkAtomRef(atom, "m", REV).status, "pass");
  const moved = checkAtomRef(atom, "m", OTHER);
  assert.deepEqual([moved.expected, moved.actual], [REV, OTHER]);
  assert.equal(checkAtomRef(atom, "m", null).actual, "absent");
  assert.equal(checkManifestBlob(atom, "m", OTHER, OTHER).status, "pass");
  assert.deepEqual(
    [
      checkManifestBlob(atom, "m", OTHER, TREE).expected,
      checkManifestBlob(atom, "m", OTHER, TREE).actual,
    ],
    [TREE, OTHER],
  );
  const origin = checkOriginTree(atom, "m", "pkgs/button", TREE, null);
  assert.deepEqual([origin.status, origin.expected, origin.actual], ["fail", TREE, "absent"]);
});

test("manifest fields: the label and version of the ref path, or the parse error", () => {
  const at = { subject: "button@1.2.0", mirror: "m" };
  const ok = checkManifestFields(
    at,
    label,
    version,
    '[package]\nlabel = "button"\nversion = "1.2.0"\n',
    "f",
  );
  assert.equal(ok.status, "pass");
  const bad = checkManifestFields(
    at,
    label,
    version,
    '[package]\nlabel = "button"\nversion = "9.9.9"\n',
    "f",
  );
  assert.deepEqual(
    [bad.status, bad.expected, bad.actual],
    ["fail", "button@1.2.0", "button@9.9.9"],
  );
  const broken = checkManifestFields(at, label, version, "[package\n", "f");
  assert.equal(broken.status, "fail");
});

test("init commit: markers and hash; an ordinary commit or another id fails", () => {
  const at = { subject: "set" };
  assert.equal(
    checkInitCommit(SET, { oid: SET as string as GitOid, type: "commit", data: init }, "sha1", at)
      .status,
    "pass",
  );
  assert.equal(checkInitCommit(SET, null, "sha1", at).actual, "absent");
  const plain = new TextEncoder().encode(
    `tree ${TREE}\nauthor A <a@b> 1 +0000\ncommitter A <a@b> 1 +0000\n\nx\n`,
  );
  const plainId = hashObject("commit", plain, "sha1") as string as SetId;
  const result = checkInitCommit(
    plainId,
    { oid: plainId as string as GitOid, type: "commit", data: plain },
    "sha1",
    at,
  );
  assert.equal(result.status, "fail");
  assert.match(result.message, /ekala v1/);
  const wrongId = checkInitCommit(
    plainId,
    { oid: plainId as string as GitOid, type: "commit", data: init },
    "sha1",
    at,
  );
  assert.deepEqual([wrongId.expected, wrongId.actual], [plainId, SET]);
});
