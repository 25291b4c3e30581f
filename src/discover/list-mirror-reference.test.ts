/**
 * `readListing` reads the usual refs in place, without `validateEkalaRef`; this checks it against
 * the straightforward reading (every ref through `validateEkalaRef`, grouped by `label/version`
 * strings, sorted with `compareVersions`) on random listings: valid, malformed, non-canonical,
 * tagged, mismatched and duplicated refs, in any order. Same listing, same warnings in the same
 * order, same errors.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import {
  atomId,
  type B3Digest,
  type CollectedEvent,
  collectingReport,
  compareVersions,
  EkaError,
  type Label,
  parseB3Digest,
  parseGitOid,
  parseLabel,
  parseVersion,
  type Report,
  setIdFromOid,
  type Version,
} from "../core/index.ts";
import type { MirrorRef } from "../git/mirror-refs.ts";
import { atomRef, INIT_REF, validateEkalaRef } from "../git/refs.ts";
import { readListing } from "./list-mirror.ts";

const VALIDATORS = { label: parseLabel, version: parseVersion, digest: parseB3Digest };
const EXPECTED = { atom: "a commit", content: "a commit", origin: "a commit", manifest: "a blob" };

/** The reading `readListing` must agree with, ref by ref. */
function referenceListing(display: string, refs: readonly MirrorRef[], report: Report) {
  let skipped = 0;
  const skip = (ref: string, why: string) => {
    skipped++;
    report.warn("EKA_REF_SKIPPED", `ignoring ${ref} on ${display}: ${why}`);
  };
  let init: MirrorRef | undefined;
  const atoms = new Map<Label, Map<Version, MirrorRef>>();
  const contents = new Map<string, (MirrorRef & { digest: B3Digest })[]>();
  for (const ref of refs) {
    const parsed = validateEkalaRef(ref.ref, VALIDATORS);
    if (parsed.kind === "unknown") {
      skip(ref.ref, parsed.reason);
      continue;
    }
    if (parsed.kind === "init") {
      init = ref;
      continue;
    }
    if (ref.peeled !== null) {
      skip(
        ref.ref,
        `it names an annotated tag (of ${ref.peeled}), where ${EXPECTED[parsed.kind]} is expected`,
      );
      continue;
    }
    if (parsed.kind === "atom") {
      const versions = atoms.get(parsed.label) ?? new Map<Version, MirrorRef>();
      versions.set(parsed.version, ref);
      atoms.set(parsed.label, versions);
    } else if (parsed.kind === "content") {
      const key = `${parsed.label}/${parsed.version}`;
      const list = contents.get(key) ?? [];
      list.push({ ...ref, digest: parsed.digest });
      contents.set(key, list);
    }
  }
  if (init === undefined) throw new Error(`${display} serves no set: it has no ${INIT_REF}`);
  if (init.peeled !== null) throw new Error(`${INIT_REF} on ${display} names an annotated tag`);
  const setId = setIdFromOid(init.oid);
  const digests = new Map<string, B3Digest | null>();
  for (const [key, list] of contents) {
    const [label, version] = key.split("/") as [Label, Version];
    const atom = atoms.get(label)?.get(version);
    const good: (MirrorRef & { digest: B3Digest })[] = [];
    for (const content of list) {
      if (atom === undefined) skip(content.ref, `there is no ${atomRef(label, version)}`);
      else if (content.oid !== atom.oid) {
        skip(content.ref, `it points at ${content.oid}, but ${atom.ref} points at ${atom.oid}`);
      } else good.push(content);
    }
    if (good.length > 1) {
      for (const content of good) {
        skip(content.ref, `${label}@${version} has ${good.length} content refs`);
      }
      digests.set(key, null);
    } else if (good.length === 1) digests.set(key, good[0]!.digest);
  }
  const listed = [];
  for (const [label, versions] of [...atoms].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const rows = [];
    for (const [version, found] of versions) {
      const key = `${label}/${version}`;
      if (!digests.has(key)) {
        report.warn("EKA_CONTENT_MISSING", `${label}@${version} on ${display} has no content ref`);
      }
      rows.push({ version, commit: found.oid, content: digests.get(key) ?? null });
    }
    rows.sort((a, b) => compareVersions(b.version, a.version));
    listed.push({ label, id: atomId(setId, label), versions: rows });
  }
  return { mirror: display, setId, atoms: listed, skipped };
}

const OIDS = ["a", "b", "c"].map((c) => parseGitOid(c.repeat(40)));
const LABELS = ["lib", "lib-b", "li", "é", "e\u0301", "_bad", "", "ﬁ", "x.lock"];
const VERSIONS = [
  "1.0.0",
  "1.10.0",
  "0.9.0",
  "10.0.0",
  "2.0.0-rc.1",
  "2.0.0",
  "1.0.0+b",
  "1.0.0+a",
  "01.0.0",
  "1.0",
  "v1.0.0",
  "",
  "1.0.0.lock",
];
const DIGESTS = [
  "0qs4d6mkdlo53bb3v0k0jrr6orbjhk4cofoqbi22ufb6o1fm9jrg",
  `${"1".repeat(51)}0`,
  `${"v".repeat(51)}g`,
  `${"v".repeat(51)}h`,
  "0QS4D6MKDLO53BB3V0K0JRR6ORBJHK4COFOQBI22UFB6O1FM9JRG",
  "short",
  `${"w".repeat(51)}0`,
];
const DIRS = ["atoms", "content", "manifests", "origins", "other"];

const pick = <T>(list: readonly T[]) => fc.constantFrom(...list);

const arbitraryRef: fc.Arbitrary<MirrorRef> = fc
  .record({
    shape: fc.nat(9),
    dir: pick(DIRS),
    label: pick(LABELS),
    version: pick(VERSIONS),
    digest: pick(DIGESTS),
    oid: pick(OIDS),
    tagged: fc.boolean(),
    peeled: pick(OIDS),
  })
  .map(({ shape, dir, label, version, digest, oid, tagged, peeled }) => {
    const base = `refs/ekala/${dir}/${label}`;
    const ref =
      shape === 0
        ? INIT_REF
        : shape === 1
          ? `${base}/${version}/${digest}/extra`
          : shape === 2
            ? base
            : shape === 3
              ? `refs/ekala/${dir}/${label}//${version}`
              : dir === "content" && shape !== 4
                ? `${base}/${version}/${digest}`
                : `${base}/${version}`;
    return { ref, oid, peeled: tagged && shape > 4 ? null : tagged ? peeled : null };
  });

/** A listing of mostly valid refs of a few labels, with noise. */
const arbitraryListing = fc
  .tuple(
    fc.array(
      fc.record({
        label: pick(LABELS.slice(0, 4)),
        version: pick(VERSIONS.slice(0, 8)),
        oid: pick(OIDS),
        contents: fc.array(fc.record({ digest: pick(DIGESTS), oid: pick(OIDS) }), {
          maxLength: 3,
        }),
        atom: fc.boolean(),
      }),
      { maxLength: 12 },
    ),
    fc.array(arbitraryRef, { maxLength: 8 }),
    fc.boolean(),
    fc.boolean(),
  )
  .chain(([versions, noise, withInit, sorted]) => {
    const refs: MirrorRef[] = [];
    if (withInit) refs.push({ ref: INIT_REF, oid: OIDS[0]!, peeled: null });
    for (const v of versions) {
      if (v.atom)
        refs.push({ ref: `refs/ekala/atoms/${v.label}/${v.version}`, oid: v.oid, peeled: null });
      for (const c of v.contents) {
        refs.push({
          ref: `refs/ekala/content/${v.label}/${v.version}/${c.digest}`,
          oid: c.oid,
          peeled: null,
        });
      }
    }
    refs.push(...noise);
    if (sorted) {
      refs.sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
      return fc.constant(refs);
    }
    return fc.shuffledSubarray(refs, { minLength: refs.length, maxLength: refs.length });
  });

type Outcome =
  | { readonly ok: true; readonly listing: unknown; readonly events: readonly CollectedEvent[] }
  | { readonly ok: false; readonly message: string; readonly events: readonly CollectedEvent[] };

function outcome(read: (report: Report) => unknown, shortMessage: boolean): Outcome {
  const report = collectingReport();
  try {
    // Through JSON: the id is read as the caller reads it, a getter or a field alike.
    const listing = JSON.parse(JSON.stringify(read(report)));
    return { ok: true, listing, events: report.events };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (shortMessage && !(error instanceof EkaError)) throw error;
    return {
      ok: false,
      message: message.replace(/, not an init commit$/, ""),
      events: report.events,
    };
  }
}

test("readListing agrees with the reference reading on random listings", () => {
  fc.assert(
    fc.property(arbitraryListing, (refs) => {
      const fast = outcome((report) => readListing("m", refs, report), true);
      const slow = outcome((report) => referenceListing("m", refs, report), false);
      assert.deepEqual(fast, slow);
    }),
    { numRuns: 2000 },
  );
});

test("a thousand versions, sorted as the lister gives them, read as the reference reads them", () => {
  const refs: MirrorRef[] = [{ ref: INIT_REF, oid: OIDS[0]!, peeled: null }];
  for (let n = 0; n < 1000; n++) {
    const version = `${Math.floor(n / 100)}.${n % 100}.0`;
    refs.push({ ref: `refs/ekala/atoms/lib/${version}`, oid: OIDS[n % 3]!, peeled: null });
    refs.push({
      ref: `refs/ekala/content/lib/${version}/${DIGESTS[0]}`,
      oid: OIDS[n % 3]!,
      peeled: null,
    });
  }
  refs.sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
  const fast = outcome((report) => readListing("m", refs, report), true);
  assert.deepEqual(
    fast,
    outcome((report) => referenceListing("m", refs, report), false),
  );
  assert.ok(fast.ok);
  assert.equal(
    (fast.listing as { atoms: { versions: unknown[] }[] }).atoms[0]!.versions.length,
    1000,
  );
});
