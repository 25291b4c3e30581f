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
  EkaError,
  type GitOid,
  isDigestText,
  isVersion,
  type Label,
  parseB3Digest,
  parseLabel,
  parseVersion,
  type Report,
  type SetId,
  setIdFromOid,
  sortNewestFirst,
  type Version,
} from "../core/index.ts";
// The listing and ref-name modules, not git/index.ts: the barrel also loads the object store
// (backends, object reader and writer, node:crypto), which a listing never needs (start-up).
import { type MirrorLister, type MirrorRef, openMirrorLister } from "../git/mirror-refs.ts";
import {
  atomRef,
  atomsPrefix,
  contentPrefix,
  EKALA_PREFIX,
  INIT_REF,
  validateEkalaRef,
} from "../git/refs.ts";

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

const ATOMS = atomsPrefix();
const CONTENT = contentPrefix();

/** What a listing says of one version of one label. */
interface Entry {
  readonly label: Label;
  readonly version: Version;
  /** Its atom ref; null until read. */
  atom: MirrorRef | null;
  /** Its first content ref and that ref's digest; null until read. */
  content: MirrorRef | null;
  digest: B3Digest | null;
  /** Further content refs (rare: a version has one). */
  more: { readonly ref: MirrorRef; readonly digest: B3Digest }[] | null;
  /** Its place in its label's `atoms`; -1 until its atom ref is read. */
  atomAt: number;
  /** The digest the content refs give (null: several); undefined: none does. */
  chosen: B3Digest | null | undefined;
}

/** The versions of one label, and the order in which their atom refs came. */
interface LabelEntries {
  readonly label: Label;
  readonly byVersion: Map<Version, Entry>;
  readonly atoms: Entry[];
  /** Where in `atoms` the next content ref is expected. */
  next: number;
}

/** `raw` when it is a valid label in canonical (NFKC) form, else null. */
function canonicalLabel(raw: string): Label | null {
  if (raw === "") return null;
  try {
    const label = parseLabel(raw);
    return label === raw ? label : null;
  } catch {
    return null;
  }
}

function entryOf(labels: LabelEntries, version: Version): Entry {
  let entry = labels.byVersion.get(version);
  if (entry === undefined) {
    entry = {
      label: labels.label,
      version,
      atom: null,
      content: null,
      digest: null,
      more: null,
      atomAt: -1,
      chosen: undefined,
    };
    labels.byVersion.set(version, entry);
  }
  return entry;
}

/**
 * Lists the set a mirror serves, from the listing `refs` of it. Pure apart from `report`.
 *
 * A listing holds thousands of refs of a few labels, so the usual ones (atom and content refs
 * whose label, version and digest are valid) are read in place: the label compared with the
 * previous ref's, the version checked by core's memo, the digest by a character scan, and one
 * record per version holds its atom and content refs. Anything else goes through
 * `validateEkalaRef` (init, other kinds, malformed names), which says why a ref is skipped; the
 * fast reading accepts only names it accepts, with the same components.
 */
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
  const labels = new Map<Label, LabelEntries>();
  /** Versions with content refs, in the order their first one came. */
  const withContent: Entry[] = [];
  const entriesOf = (label: Label): LabelEntries => {
    let found = labels.get(label);
    if (found === undefined) {
      found = { label, byVersion: new Map(), atoms: [], next: 0 };
      labels.set(label, found);
    }
    return found;
  };
  const addAtom = (entries: LabelEntries, version: Version, ref: MirrorRef): void => {
    const entry = entryOf(entries, version);
    if (entry.atom === null) entry.atomAt = entries.atoms.push(entry) - 1;
    entry.atom = ref;
  };
  const addContent = (entries: LabelEntries, entry: Entry, ref: MirrorRef, digest: string) => {
    if (entry.atomAt >= 0) entries.next = entry.atomAt + 1;
    if (entry.content === null) {
      entry.content = ref;
      entry.digest = digest as B3Digest;
      withContent.push(entry);
    } else if (entry.more === null) entry.more = [{ ref, digest: digest as B3Digest }];
    else entry.more.push({ ref, digest: digest as B3Digest });
  };
  // The last label read, with its slash: refs come in runs of one label.
  let last: LabelEntries | null = null;
  let lastSlash = "";
  for (const ref of refs) {
    const name = ref.ref;
    // The fast reading: `atoms/L/V` or `content/L/V/D`, every component valid and canonical.
    let at = 0;
    if (name.startsWith(ATOMS)) at = ATOMS.length;
    else if (name.startsWith(CONTENT)) at = CONTENT.length;
    if (at !== 0) {
      let entries: LabelEntries | null = null;
      if (last !== null && name.startsWith(lastSlash, at)) entries = last;
      else {
        const slash = name.indexOf("/", at);
        const label = slash < 0 ? null : canonicalLabel(name.slice(at, slash));
        if (label !== null) {
          entries = last = entriesOf(label);
          lastSlash = `${label}/`;
        }
      }
      if (entries !== null) {
        const from = at + lastSlash.length;
        const slash = name.indexOf("/", from);
        if (at === ATOMS.length && slash < 0 && from < name.length) {
          const version = name.slice(from);
          if (isVersion(version)) {
            if (ref.peeled !== null) {
              skip(
                name,
                `it names an annotated tag (of ${ref.peeled}), where a commit is expected`,
              );
            } else addAtom(entries, version as Version, ref);
            continue;
          }
        } else if (at === CONTENT.length && slash > from && name.indexOf("/", slash + 1) < 0) {
          // Content refs mostly come in the order of the atom refs: the next atom's version is
          // compared in place before the version is cut out and looked up.
          const next = entries.atoms[entries.next];
          const known =
            next !== undefined &&
            slash - from === next.version.length &&
            name.startsWith(next.version, from);
          const version = known ? next.version : (name.slice(from, slash) as Version);
          const digest = name.slice(slash + 1);
          if ((known || isVersion(version)) && isDigestText(digest)) {
            if (ref.peeled !== null) {
              skip(
                name,
                `it names an annotated tag (of ${ref.peeled}), where a commit is expected`,
              );
            } else addContent(entries, known ? next : entryOf(entries, version), ref, digest);
            continue;
          }
        }
      }
    }
    const parsed = validateEkalaRef(name, VALIDATORS);
    if (parsed.kind === "unknown") {
      skip(name, parsed.reason);
      continue;
    }
    if (parsed.kind === "init") {
      init = ref;
      continue;
    }
    if (ref.peeled !== null) {
      skip(
        name,
        `it names an annotated tag (of ${ref.peeled}), where ${EXPECTED[parsed.kind]} is expected`,
      );
      continue;
    }
    if (parsed.kind === "atom") addAtom(entriesOf(parsed.label), parsed.version, ref);
    else if (parsed.kind === "content") {
      const entries = entriesOf(parsed.label);
      addContent(entries, entryOf(entries, parsed.version), ref, parsed.digest);
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
  for (const entry of withContent) {
    const atom = entry.atom;
    const count = entry.more === null ? 1 : 1 + entry.more.length;
    let good = 0;
    let digest: B3Digest | null = null;
    for (let n = 0; n < count; n++) {
      const content = n === 0 ? entry.content! : entry.more![n - 1]!.ref;
      if (atom === null) skip(content.ref, `there is no ${atomRef(entry.label, entry.version)}`);
      else if (content.oid !== atom.oid) {
        skip(content.ref, `it points at ${content.oid}, but ${atom.ref} points at ${atom.oid}`);
      } else {
        good++;
        digest = n === 0 ? entry.digest : entry.more![n - 1]!.digest;
      }
    }
    if (good > 1) {
      for (let n = 0; n < count; n++) {
        const content = n === 0 ? entry.content! : entry.more![n - 1]!.ref;
        if (content.oid === atom!.oid) {
          skip(content.ref, `${entry.label}@${entry.version} has ${good} content refs`);
        }
      }
      entry.chosen = null;
    } else if (good === 1) entry.chosen = digest;
  }

  const listed: ListedAtom[] = [];
  const sorted = [...labels.values()].sort((a, b) =>
    a.label < b.label ? -1 : a.label > b.label ? 1 : 0,
  );
  for (const { label, atoms } of sorted) {
    if (atoms.length === 0) continue;
    const rows: ListedVersion[] = new Array(atoms.length);
    for (let n = 0; n < atoms.length; n++) {
      const entry = atoms[n]!;
      if (entry.chosen === undefined) {
        report.warn(
          "EKA_CONTENT_MISSING",
          `${label}@${entry.version} on ${display} has no content ref`,
        );
      }
      rows[n] = { version: entry.version, commit: entry.atom!.oid, content: entry.chosen ?? null };
    }
    listed.push(listedAtom(setId, label, sortNewestFirst(rows)));
  }
  return { mirror: display, setId, atoms: listed, skipped };
}

/** A listed atom whose id (a BLAKE3 hash, which resolving never needs) is made when read. */
function listedAtom(setId: SetId, label: Label, versions: readonly ListedVersion[]): ListedAtom {
  let id: AtomId | undefined;
  return {
    label,
    get id() {
      id ??= atomId(setId, label);
      return id;
    },
    versions,
  };
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
