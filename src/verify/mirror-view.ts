/**
 * What one mirror says about a set, read from its refs (a live listing, or the refs a fetch left
 * in the cache): its init commit and, per `label@version`, the atom, manifest, origin and
 * content refs. Refs whose names do not parse are ignored here (`eka list` warns about them);
 * nothing in a view is trusted: every value is checked against the objects.
 */
import {
  type GitOid,
  type Label,
  type LockedAtom,
  oidOfSetId,
  parseB3Digest,
  parseLabel,
  parseVersion,
  type SetId,
  type Version,
} from "../core/index.ts";
import { validateEkalaRef } from "../git/index.ts";
import { subjectOf } from "./atom-checks.ts";
import { type CheckResult, fail, pass } from "./check.ts";

export interface VersionRefs {
  readonly atom: GitOid | null;
  readonly manifest: GitOid | null;
  readonly origin: GitOid | null;
  readonly content: readonly { readonly digest: string; readonly oid: GitOid }[];
}

export interface MirrorView {
  /** The mirror as the lock names it (its URL, credentials redacted). */
  readonly mirror: string;
  readonly init: GitOid | null;
  /** Keyed by `label@version`. */
  readonly versions: ReadonlyMap<string, VersionRefs>;
}

const VALIDATORS = { label: parseLabel, version: parseVersion, digest: parseB3Digest };

export function versionKey(label: Label | string, version: Version | string): string {
  return `${label}@${version}`;
}

interface MutableRefs {
  atom: GitOid | null;
  manifest: GitOid | null;
  origin: GitOid | null;
  content: { digest: string; oid: GitOid }[];
}

/** A view of `refs` (full names under `refs/ekala/`, as a mirror lists them). */
export function readMirrorView(
  mirror: string,
  refs: readonly { readonly ref: string; readonly oid: GitOid }[],
): MirrorView {
  let init: GitOid | null = null;
  const versions = new Map<string, MutableRefs>();
  for (const { ref, oid } of refs) {
    const parsed = validateEkalaRef(ref, VALIDATORS);
    if (parsed.kind === "unknown") continue;
    if (parsed.kind === "init") {
      init = oid;
      continue;
    }
    const key = versionKey(parsed.label, parsed.version);
    let entry = versions.get(key);
    if (entry === undefined) {
      entry = { atom: null, manifest: null, origin: null, content: [] };
      versions.set(key, entry);
    }
    if (parsed.kind === "content") entry.content.push({ digest: parsed.digest, oid });
    else entry[parsed.kind] = oid;
  }
  return { mirror, init, versions };
}

const NONE: VersionRefs = { atom: null, manifest: null, origin: null, content: [] };

export function refsOf(view: MirrorView, atom: Pick<LockedAtom, "label" | "version">): VersionRefs {
  return view.versions.get(versionKey(atom.label, atom.version)) ?? NONE;
}

/** A mirror with no ref at all for the version: behind (or withholding), not disagreeing. */
export function servesNothing(refs: VersionRefs): boolean {
  return (
    refs.atom === null &&
    refs.manifest === null &&
    refs.origin === null &&
    refs.content.length === 0
  );
}

/** The mirror's `refs/ekala/init` is the locked set id. */
export function checkMirrorIdentity(setId: SetId, view: MirrorView, subject: string): CheckResult {
  const at = { subject, mirror: view.mirror };
  if (view.init === null) {
    return fail("mirror-identity", at, "the mirror has no refs/ekala/init", setId, "absent");
  }
  return view.init === oidOfSetId(setId)
    ? pass("mirror-identity", at, `the mirror serves set ${setId}`)
    : fail(
        "mirror-identity",
        at,
        "the mirror serves another identity (a fork, or the set was re-initialised)",
        setId,
        view.init,
      );
}

/**
 * Every mirror serves the same atom, manifest and origin commits (and content refs) for the
 * version: one result per disagreeing pair of mirrors and ref, naming both; one pass otherwise.
 * Only mirrors of the right identity that have refs of the version take part (the others fail
 * `mirror-identity`, or are behind: see `verifyAtom`).
 */
export function checkMirrorAgreement(
  atom: LockedAtom,
  views: readonly MirrorView[],
): CheckResult[] {
  const subject = subjectOf(atom);
  const answering = views.filter(
    (v) => v.init === oidOfSetId(atom.set) && !servesNothing(refsOf(v, atom)),
  );
  const [first, ...rest] = answering;
  if (first === undefined) return [];
  const results: CheckResult[] = [];
  const base = refsOf(first, atom);
  for (const view of rest) {
    const other = refsOf(view, atom);
    for (const kind of ["atom", "manifest", "origin"] as const) {
      if (base[kind] === other[kind]) continue;
      results.push(
        fail(
          "mirror-agreement",
          { subject, mirror: view.mirror },
          `the mirrors disagree on the ${kind} ref (${first.mirror} is expected, ${view.mirror} actual)`,
          base[kind] ?? "absent",
          other[kind] ?? "absent",
        ),
      );
    }
    const digests = (r: VersionRefs) =>
      r.content
        .map((c) => `${c.digest}:${c.oid}`)
        .sort()
        .join(", ") || "absent";
    if (digests(base) !== digests(other)) {
      results.push(
        fail(
          "mirror-agreement",
          { subject, mirror: view.mirror },
          `the mirrors disagree on the content refs (${first.mirror} is expected, ${view.mirror} actual)`,
          digests(base),
          digests(other),
        ),
      );
    }
  }
  if (results.length === 0) {
    results.push(
      pass(
        "mirror-agreement",
        { subject },
        `${answering.length} mirror${answering.length === 1 ? "" : "s"} agree`,
      ),
    );
  }
  return results;
}
