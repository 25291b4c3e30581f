/**
 * `eka list` (protocol.md §4 "Discovery"): a set's id, atoms, versions and content digests from
 * ONE listing of a mirror's `refs/ekala/`, without fetching any object.
 *
 * Refs are untrusted: one whose name does not parse (bad label, version or digest, unknown kind,
 * a label not in NFKC form), one that names an annotated tag where a commit or blob is expected
 * (ls-remote's peeled `^{}` lines reveal tags), and a content ref that does not point where its
 * atom ref points are skipped with a warning, never taken for atoms.
 */
import {
  type AtomId,
  atomId,
  type B3Digest,
  compareVersions,
  EkaError,
  type GitOid,
  type Label,
  parseB3Digest,
  parseLabel,
  parseVersion,
  type Report,
  type SetId,
  setIdFromOid,
  type Version,
} from "../core/index.ts";
// The listing and ref-name modules, not git/index.ts: the barrel also loads the object store
// (backends, object reader and writer, node:crypto), which a listing never needs (start-up).
import { type MirrorLister, type MirrorRef, openMirrorLister } from "../git/mirror-refs.ts";
import { atomRef, EKALA_PREFIX, INIT_REF, validateEkalaRef } from "../git/refs.ts";

export interface ListedVersion {
  readonly version: Version;
  /** The atom commit (`refs/ekala/atoms/L/V`). */
  readonly commit: GitOid;
  /** From the content ref; null when the mirror has none (or several) for this version. */
  readonly content: B3Digest | null;
}

export interface ListedAtom {
  readonly label: Label;
  readonly id: AtomId;
  /** Newest first (semver precedence). */
  readonly versions: readonly ListedVersion[];
}

export interface MirrorListing {
  /** The mirror's URL or path, without credentials. */
  readonly mirror: string;
  readonly setId: SetId;
  /** By label. */
  readonly atoms: readonly ListedAtom[];
  /** How many refs were skipped (each with a warning). */
  readonly skipped: number;
}

const VALIDATORS = { label: parseLabel, version: parseVersion, digest: parseB3Digest };

/** What each kind of ref must point at (a tag is never right). */
const EXPECTED = { atom: "a commit", content: "a commit", origin: "a commit", manifest: "a blob" };

interface Found {
  readonly ref: string;
  readonly oid: GitOid;
}

interface ContentRef extends Found {
  readonly digest: B3Digest;
}

/** Lists the set a mirror serves, from the listing `refs` of it. Pure apart from `report`. */
export function readListing(
  display: string,
  refs: readonly MirrorRef[],
  report: Report,
): MirrorListing {
  let skipped = 0;
  const skip = (ref: string, why: string) => {
    skipped++;
    report.warn("EKA_REF_SKIPPED", `ignoring ${ref} on ${display}: ${why}`);
  };
  let init: MirrorRef | undefined;
  const atoms = new Map<Label, Map<Version, Found>>();
  const contents = new Map<string, ContentRef[]>();
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
      const versions = atoms.get(parsed.label) ?? new Map<Version, Found>();
      versions.set(parsed.version, ref);
      atoms.set(parsed.label, versions);
    } else if (parsed.kind === "content") {
      const key = `${parsed.label}/${parsed.version}`;
      const list = contents.get(key) ?? [];
      list.push({ ...ref, digest: parsed.digest });
      contents.set(key, list);
    }
  }
  if (init === undefined) {
    throw new EkaError("EKA_NOT_INITIALIZED", `${display} serves no set: it has no ${INIT_REF}`, {
      where: display,
      hint: "check the URL; a set's maintainers give a mirror its identity with `eka init --remote`",
    });
  }
  if (init.peeled !== null) {
    throw new EkaError(
      "EKA_INIT_INVALID",
      `${INIT_REF} on ${display} names an annotated tag, not an init commit`,
      { where: display, hint: "the mirror's identity is broken; ask its maintainers" },
    );
  }
  const setId = setIdFromOid(init.oid);

  // Content refs: each must sit next to an atom ref and point where it points.
  const digests = new Map<string, B3Digest | null>();
  for (const [key, list] of contents) {
    const [label, version] = key.split("/") as [Label, Version];
    const atom = atoms.get(label)?.get(version);
    const good: ContentRef[] = [];
    for (const content of list) {
      if (atom === undefined) skip(content.ref, `there is no ${atomRef(label, version)}`);
      else if (content.oid !== atom.oid) {
        skip(content.ref, `it points at ${content.oid}, but ${atom.ref} points at ${atom.oid}`);
      } else good.push(content);
    }
    if (good.length > 1) {
      for (const content of good)
        skip(content.ref, `${label}@${version} has ${good.length} content refs`);
      digests.set(key, null);
    } else if (good.length === 1) digests.set(key, good[0]!.digest);
  }

  const listed: ListedAtom[] = [];
  for (const [label, versions] of [...atoms].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const rows: ListedVersion[] = [];
    for (const [version, found] of versions) {
      const content = digests.get(`${label}/${version}`) ?? null;
      if (!digests.has(`${label}/${version}`)) {
        report.warn("EKA_CONTENT_MISSING", `${label}@${version} on ${display} has no content ref`);
      }
      rows.push({ version, commit: found.oid, content });
    }
    rows.sort((a, b) => compareVersions(b.version, a.version));
    listed.push({ label, id: atomId(setId, label), versions: rows });
  }
  return { mirror: display, setId, atoms: listed, skipped };
}

/** Resolves `mirror` (remote name, URL or path) and lists it with one ref listing. */
export async function listMirror(
  lister: MirrorLister,
  mirror: string,
  report: Report,
): Promise<MirrorListing> {
  const remote = await lister.resolve(mirror);
  const refs = await lister.list(remote, [EKALA_PREFIX]);
  return readListing(remote.display, refs, report);
}

export interface ListOptions {
  /** Where eka runs: remote names are looked up in the repository there, if any. */
  readonly cwd: string;
  readonly mirror: string;
  readonly report: Report;
}

export async function listAtoms(options: ListOptions): Promise<MirrorListing> {
  return listMirror(await openMirrorLister(options.cwd), options.mirror, options.report);
}
