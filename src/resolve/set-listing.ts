/**
 * A set's mirrors, listed (protocol.md §7): every mirror at once, one listing each, filtered on
 * the server to `refs/ekala/init` and the atom and content refs of the labels needed. Mirrors are
 * untrusted hints:
 * - one that cannot be listed is a warning while another answers (an error when none does);
 * - one whose `refs/ekala/init` differs from the set's id is a fork or a wrong URL: left out
 *   with a warning naming it (the id is the lock's, or the first answering mirror's);
 * - the lock's id served by no mirror is a hard error: the set's identity changed;
 * - one version with two different atom commits on two mirrors is a hard error naming both;
 * - one that lacks versions another has is behind: a warning.
 */
import {
  EkaError,
  type GitOid,
  type Label,
  type Report,
  type SetId,
  sortNewestFirst,
  type Tag,
  type Version,
} from "../core/index.ts";
import { type MirrorListing, readListing } from "../discover/index.ts";
// The listing and ref-name modules, not git/index.ts: the barrel also loads the object store
// (backends, object reader and writer, node:crypto), which a listing never needs (start-up).
import type { MirrorLister } from "../git/mirror-refs.ts";
import { atomsPrefix, contentPrefix, INIT_REF } from "../git/refs.ts";
import type { AtomCandidate, SetView } from "./types.ts";

export interface SetToList {
  readonly name: Tag;
  readonly mirrors: readonly string[];
  /** The id the lock records for this set, if any. */
  readonly lockedId: SetId | null;
}

type Answer =
  | { readonly ok: true; readonly mirror: string; readonly listing: MirrorListing }
  | { readonly ok: false; readonly mirror: string; readonly error: unknown };

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function listOne(
  lister: MirrorLister,
  mirror: string,
  prefixes: readonly string[],
  report: Report,
): Promise<Answer> {
  let shown = mirror;
  try {
    const remote = await lister.resolve(mirror);
    shown = remote.display;
    const refs = await lister.list(remote, prefixes);
    return { ok: true, mirror: shown, listing: readListing(shown, refs, report) };
  } catch (error) {
    return { ok: false, mirror: shown, error };
  }
}

/** The ref prefixes one listing of a set needs for `labels`. */
export function setPrefixes(labels: readonly Label[]): string[] {
  return [INIT_REF, ...labels.flatMap((l) => [atomsPrefix(l), contentPrefix(l)])];
}

export async function listSet(
  set: SetToList,
  labels: readonly Label[],
  lister: MirrorLister,
  report: Report,
): Promise<SetView> {
  const prefixes = setPrefixes([...new Set(labels)].sort());
  const answers = await Promise.all(set.mirrors.map((m) => listOne(lister, m, prefixes, report)));
  const answered = answers.filter((a) => a.ok);
  const failed = answers.filter((a) => !a.ok);
  if (answered.length === 0) {
    throw new EkaError(
      "EKA_REMOTE_UNREACHABLE",
      `no mirror of set ${set.name} answered: ${failed.map((f) => `${f.mirror}: ${messageOf(f.error)}`).join("; ")}`,
      {
        where: `set ${set.name}`,
        hint: "check the mirrors in [package.sets], your network and your credentials",
        data: { set: set.name, mirrors: failed.map((f) => f.mirror) },
      },
    );
  }
  for (const f of failed) {
    report.warn(
      "EKA_MIRROR_UNREACHABLE",
      `mirror ${f.mirror} of set ${set.name} did not answer (${messageOf(f.error)}); using the other mirrors`,
    );
  }
  const id = set.lockedId ?? answered[0]!.listing.setId;
  const same = answered.filter((a) => a.listing.setId === id);
  if (same.length === 0) {
    const served = answered.map((a) => `${a.mirror} serves ${a.listing.setId}`).join(", ");
    throw new EkaError(
      "EKA_SET_ID_CHANGED",
      `set ${set.name} changed identity: atom.lock records set id ${id}, but ${served}`,
      {
        where: `set ${set.name}`,
        hint:
          "a set's identity never changes silently: check the mirrors in [package.sets]; if the new identity is intended, " +
          `remove set ${set.name} and its atoms from atom.lock (or delete atom.lock) and run \`eka resolve\``,
        data: {
          set: set.name,
          locked: id,
          served: answered.map((a) => ({ mirror: a.mirror, id: a.listing.setId })),
        },
      },
    );
  }
  for (const a of answered) {
    if (a.listing.setId === id) continue;
    report.warn(
      "EKA_MIRROR_FORK",
      `mirror ${a.mirror} of set ${set.name} serves another set (id ${a.listing.setId}, not ${id}): left out; it is a fork or a wrong URL`,
    );
  }
  return mergeListings(
    set.name,
    id,
    same.map((a) => ({ mirror: a.mirror, listing: a.listing })),
    report,
  );
}

interface Held {
  readonly commit: GitOid;
  readonly mirror: string;
  readonly content: AtomCandidate["content"];
}

/** The mirrors' listings of one identity as one view; refuses a version with two commits. */
export function mergeListings(
  name: Tag,
  id: SetId,
  listings: readonly { readonly mirror: string; readonly listing: MirrorListing }[],
  report: Report,
): SetView {
  if (listings.length === 1) return oneListing(name, id, listings[0]!);
  const byLabel = new Map<Label, Map<Version, Held[]>>();
  for (const { mirror, listing } of listings) {
    for (const atom of listing.atoms) {
      const versions = byLabel.get(atom.label) ?? new Map<Version, Held[]>();
      byLabel.set(atom.label, versions);
      for (const v of atom.versions) {
        const held = versions.get(v.version) ?? [];
        held.push({ commit: v.commit, mirror, content: v.content });
        versions.set(v.version, held);
      }
    }
  }
  const candidates = new Map<Label, AtomCandidate[]>();
  const missing = new Map<string, string[]>();
  for (const [label, versions] of byLabel) {
    const list: AtomCandidate[] = [];
    for (const [version, held] of versions) {
      const first = held[0]!;
      const other = held.find((h) => h.commit !== first.commit);
      if (other !== undefined) {
        throw new EkaError(
          "EKA_MIRRORS_DISAGREE",
          `mirrors of set ${name} disagree on ${label}@${version}: ${first.mirror} has atom commit ${first.commit}, ${other.mirror} has ${other.commit}`,
          {
            where: `${label}@${version}`,
            hint: "published versions are immutable, so one mirror is lying or broken: report it to the set's maintainers, and remove the bad mirror from [package.sets]",
            data: {
              set: name,
              label,
              version,
              mirrors: held.map((h) => ({ mirror: h.mirror, commit: h.commit })),
            },
          },
        );
      }
      const digest = held.find((h) => h.content !== null);
      const lying = held.find((h) => h.content !== null && h.content !== digest?.content);
      if (digest !== undefined && lying !== undefined) {
        throw new EkaError(
          "EKA_MIRRORS_DISAGREE",
          `mirrors of set ${name} disagree on ${label}@${version}: atom commit ${first.commit} has content ${digest.content} on ${digest.mirror}, ${lying.content} on ${lying.mirror}`,
          {
            where: `${label}@${version}`,
            hint: "an atom commit has one content digest (its `content` header), so one mirror's content ref is lying: report it to the set's maintainers, and remove the bad mirror from [package.sets]",
            data: {
              set: name,
              label,
              version,
              mirrors: held.map((h) => ({
                mirror: h.mirror,
                commit: h.commit,
                content: h.content,
              })),
            },
          },
        );
      }
      const mirrors = held.map((h) => h.mirror);
      for (const { mirror } of listings) {
        if (mirrors.includes(mirror)) continue;
        missing.set(mirror, [...(missing.get(mirror) ?? []), `${label}@${version}`]);
      }
      const content = digest?.content ?? null;
      list.push({ version, commit: first.commit, content, mirrors });
    }
    candidates.set(label, sortNewestFirst(list));
  }
  for (const [mirror, lacks] of missing) {
    const shown =
      lacks.slice(0, 5).join(", ") + (lacks.length > 5 ? `, … (${lacks.length} in all)` : "");
    report.warn("EKA_MIRROR_STALE", `mirror ${mirror} of set ${name} is behind: it lacks ${shown}`);
  }
  return {
    name,
    id,
    mirrors: listings.map((l) => l.mirror),
    versions: (label) => candidates.get(label) ?? [],
  };
}

/**
 * `mergeListings` of one mirror: nothing to compare, nobody behind; its versions as they are
 * (one `mirrors` list shared by all: nobody changes it).
 */
function oneListing(
  name: Tag,
  id: SetId,
  { mirror, listing }: { readonly mirror: string; readonly listing: MirrorListing },
): SetView {
  const mirrors: readonly string[] = [mirror];
  const candidates = new Map<Label, AtomCandidate[]>();
  let twice = false;
  for (const atom of listing.atoms) {
    const list = candidates.get(atom.label) ?? [];
    twice ||= list.length > 0;
    for (const v of atom.versions) {
      list.push({ version: v.version, commit: v.commit, content: v.content, mirrors });
    }
    candidates.set(atom.label, list);
  }
  // A listed atom's versions are newest first already; a label listed twice needs a sort.
  if (twice) for (const [label, list] of candidates) candidates.set(label, sortNewestFirst(list));
  return { name, id, mirrors, versions: (label) => candidates.get(label) ?? [] };
}
