import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { arbitraryVersion } from "../../test/helpers/arbitrary-version.ts";
import { collectingReport, type GitOid, type Label, type SetId, type Tag } from "../core/index.ts";
import { readListing } from "../discover/index.ts";
import type { MirrorLister, MirrorRef, Remote } from "../git/index.ts";
import { listSet, mergeListings, setPrefixes } from "./set-listing.ts";

const ID = "1".repeat(40);
const FORK = "2".repeat(40);
const DIGEST = "0".repeat(52);
const oid = (n: number) => n.toString(16).padStart(40, "0") as GitOid;

function refs(init: string, versions: Record<string, number>): MirrorRef[] {
  const out: MirrorRef[] = [{ ref: "refs/ekala/init", oid: init as GitOid, peeled: null }];
  for (const [version, n] of Object.entries(versions)) {
    out.push({ ref: `refs/ekala/atoms/lib/${version}`, oid: oid(n), peeled: null });
    out.push({ ref: `refs/ekala/content/lib/${version}/${DIGEST}`, oid: oid(n), peeled: null });
  }
  return out;
}

/** A lister over fixed answers; records the prefixes each listing asked for. */
function fakeLister(answers: Record<string, MirrorRef[] | Error>) {
  const asked: string[][] = [];
  const lister: MirrorLister = {
    async resolve(mirror) {
      return { name: null, url: mirror, display: mirror } as Remote;
    },
    async list(remote, prefixes) {
      asked.push([...prefixes]);
      const answer = answers[remote.url];
      if (answer === undefined || answer instanceof Error)
        throw answer ?? new Error("no such mirror");
      return answer;
    },
  };
  return { lister, asked };
}

const set = (mirrors: string[], lockedId: string | null = null) => ({
  name: "core" as Tag,
  mirrors,
  lockedId: lockedId as SetId | null,
});
const LIB = ["lib" as Label];

test("one listing per mirror, with init and each label's atom and content prefixes", async () => {
  const { lister, asked } = fakeLister({
    m1: refs(ID, { "1.0.0": 1 }),
    m2: refs(ID, { "1.0.0": 1 }),
  });
  const view = await listSet(set(["m1", "m2"]), LIB, lister, collectingReport());
  assert.deepEqual(asked, [setPrefixes(LIB), setPrefixes(LIB)]);
  assert.deepEqual(setPrefixes(LIB), [
    "refs/ekala/init",
    "refs/ekala/atoms/lib/",
    "refs/ekala/content/lib/",
  ]);
  assert.equal(view.id, ID);
  assert.deepEqual(
    view.versions("lib" as Label).map((c) => [c.version, c.mirrors]),
    [["1.0.0", ["m1", "m2"]]],
  );
});

test("fork, unreachable and stale mirrors warn; versions are merged newest first", async () => {
  const { lister } = fakeLister({
    good: refs(ID, { "1.0.0": 1, "1.2.0": 3 }),
    behind: refs(ID, { "1.0.0": 1 }),
    fork: refs(FORK, { "9.0.0": 9 }),
    down: new Error("connection refused"),
  });
  const report = collectingReport();
  const view = await listSet(set(["good", "behind", "fork", "down"]), LIB, lister, report);
  assert.deepEqual(
    view.versions("lib" as Label).map((c) => c.version),
    ["1.2.0", "1.0.0"],
  );
  const codes = report.events
    .filter((e) => e.kind === "warn")
    .map((e) => e.code)
    .sort();
  assert.deepEqual(codes, ["EKA_MIRROR_FORK", "EKA_MIRROR_STALE", "EKA_MIRROR_UNREACHABLE"]);
  assert.ok(
    report.events.some(
      (e) => e.code === "EKA_MIRROR_STALE" && /behind.*lib@1\.2\.0/.test(e.message),
    ),
  );
});

test("the locked id decides which mirrors are the set; none serving it is EKA_SET_ID_CHANGED", async () => {
  const { lister } = fakeLister({
    fork: refs(FORK, { "1.0.0": 1 }),
    good: refs(ID, { "1.0.0": 1 }),
  });
  const view = await listSet(set(["fork", "good"], ID), LIB, lister, collectingReport());
  assert.equal(view.id, ID);
  await assert.rejects(listSet(set(["fork"], ID), LIB, lister, collectingReport()), {
    code: "EKA_SET_ID_CHANGED",
  });
});

test("equivocation is an error naming both mirrors; no answer at all is EKA_REMOTE_UNREACHABLE", async () => {
  const { lister } = fakeLister({
    a: refs(ID, { "1.0.0": 1 }),
    b: refs(ID, { "1.0.0": 2 }),
    down: new Error("timeout"),
  });
  await assert.rejects(
    listSet(set(["a", "b"]), LIB, lister, collectingReport()),
    (error: Error & { code: string }) => {
      return error.code === "EKA_MIRRORS_DISAGREE" && /a has .*b has/.test(error.message);
    },
  );
  await assert.rejects(listSet(set(["down"]), LIB, lister, collectingReport()), {
    code: "EKA_REMOTE_UNREACHABLE",
  });
});

test("one mirror's listing merges as the same listing on two agreeing mirrors does", () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(
        fc.record({ label: fc.constantFrom("lib", "app", "z"), version: arbitraryVersion }),
        { maxLength: 30, selector: (r) => `${r.label}/${r.version}` },
      ),
      fc.array(fc.boolean(), { minLength: 30, maxLength: 30 }),
      (atoms, withContent) => {
        const listed: MirrorRef[] = [{ ref: "refs/ekala/init", oid: ID as GitOid, peeled: null }];
        for (const [n, { label, version }] of atoms.entries()) {
          listed.push({ ref: `refs/ekala/atoms/${label}/${version}`, oid: oid(n), peeled: null });
          if (withContent[n]) {
            const ref = `refs/ekala/content/${label}/${version}/${DIGEST}`;
            listed.push({ ref, oid: oid(n), peeled: null });
          }
        }
        const listing = readListing("m1", listed, collectingReport());
        const report = collectingReport();
        const one = mergeListings("core" as Tag, ID as SetId, [{ mirror: "m1", listing }], report);
        const two = mergeListings(
          "core" as Tag,
          ID as SetId,
          [
            { mirror: "m1", listing },
            { mirror: "m2", listing },
          ],
          report,
        );
        assert.deepEqual(report.events, []);
        assert.deepEqual(one.mirrors, ["m1"]);
        for (const label of ["lib", "app", "z", "none"] as Label[]) {
          const strip = (c: { mirrors: readonly string[] }) => ({ ...c, mirrors: [] });
          assert.deepEqual(one.versions(label).map(strip), two.versions(label).map(strip));
          for (const c of one.versions(label)) assert.deepEqual(c.mirrors, ["m1"]);
        }
      },
    ),
    { numRuns: 500 },
  );
});
