import assert from "node:assert/strict";
import { test } from "node:test";
import { collectingReport, type GitOid, parseGitOid } from "../core/index.ts";
import type { MirrorRef } from "../git/index.ts";
import { readListing } from "./list-mirror.ts";

const oid = (c: string) => parseGitOid(c.repeat(40));
const D1 = "0qs4d6mkdlo53bb3v0k0jrr6orbjhk4cofoqbi22ufb6o1fm9jrg";
const D2 = `${"1".repeat(51)}0`;

function refs(entries: readonly [string, GitOid, GitOid?][]): MirrorRef[] {
  return entries.map(([ref, oid, peeled]) => ({ ref, oid, peeled: peeled ?? null }));
}

test("versions newest first (semver order), digests from content refs, atoms by label", () => {
  const report = collectingReport();
  const listing = readListing(
    "file:///m.git",
    refs([
      ["refs/ekala/init", oid("a")],
      ["refs/ekala/atoms/zeta/1.0.0", oid("1")],
      ["refs/ekala/atoms/alpha/1.10.0", oid("2")],
      ["refs/ekala/atoms/alpha/1.9.0", oid("3")],
      ["refs/ekala/atoms/alpha/2.0.0-rc.1", oid("4")],
      [`refs/ekala/content/alpha/1.10.0/${D1}`, oid("2")],
      [`refs/ekala/content/alpha/1.9.0/${D2}`, oid("3")],
      [`refs/ekala/content/alpha/2.0.0-rc.1/${D1}`, oid("4")],
      [`refs/ekala/content/zeta/1.0.0/${D2}`, oid("1")],
      ["refs/ekala/manifests/alpha/1.9.0", oid("5")],
      ["refs/ekala/origins/alpha/1.9.0", oid("6")],
    ]),
    report,
  );
  assert.deepEqual(report.events, []);
  assert.equal(listing.setId, oid("a"));
  assert.deepEqual(
    listing.atoms.map((a) => [a.label, a.versions.map((v) => [v.version, v.commit, v.content])]),
    [
      [
        "alpha",
        [
          ["2.0.0-rc.1", oid("4"), D1],
          ["1.10.0", oid("2"), D1],
          ["1.9.0", oid("3"), D2],
        ],
      ],
      ["zeta", [["1.0.0", oid("1"), D2]]],
    ],
  );
  assert.equal(listing.atoms[0]?.id.length, 52);
});

test("malformed refs are skipped with a warning each; a version without content has a null digest", () => {
  const report = collectingReport();
  const listing = readListing(
    "m",
    refs([
      ["refs/ekala/init", oid("a")],
      ["refs/ekala/atoms/ok/1.0.0", oid("1")],
      ["refs/ekala/atoms/ok/01.0.0", oid("1")],
      ["refs/ekala/atoms/_bad/1.0.0", oid("1")],
      ["refs/ekala/atoms/tag/1.0.0", oid("2"), oid("1")],
      ["refs/ekala/manifests/ok/1.0.0", oid("3"), oid("4")],
      [`refs/ekala/content/ok/1.0.0/${D1}`, oid("9")],
      ["refs/ekala/content/ok/1.0.0/short", oid("1")],
      ["refs/ekala/nonsense", oid("1")],
    ]),
    report,
  );
  assert.deepEqual(
    listing.atoms.map((a) => [a.label, a.versions]),
    [["ok", [{ version: "1.0.0", commit: oid("1"), content: null }]]],
  );
  assert.equal(listing.skipped, 7);
  const warnings = report.events.filter((e) => e.kind === "warn");
  assert.equal(warnings.filter((w) => w.code === "EKA_REF_SKIPPED").length, 7);
  assert.equal(warnings.filter((w) => w.code === "EKA_CONTENT_MISSING").length, 1);
});

test("a mirror without refs/ekala/init serves no set", () => {
  assert.throws(
    () => readListing("m", refs([["refs/ekala/atoms/ok/1.0.0", oid("1")]]), collectingReport()),
    /serves no set/,
  );
  assert.throws(
    () => readListing("m", refs([["refs/ekala/init", oid("1"), oid("2")]]), collectingReport()),
    /annotated tag/,
  );
});
