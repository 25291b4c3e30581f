/**
 * Deciding what happens to one atom (protocol.md §4, step 3), from ref listings only: pure.
 *
 * - The target holds no ref of this version: publish (the four refs, leased "must not exist").
 * - The target's atom ref holds exactly this atom commit: already published, nothing to write.
 * - The target's atom ref holds another commit: refused, versions are immutable.
 * - The target holds other refs of this version than the ones this publication writes (a partial
 *   or foreign publication), or this repository does (a local publication of other content):
 *   refused too; nothing is ever overwritten.
 */
import type { B3Digest, Diagnostic, GitOid, Label, Version } from "../core/index.ts";
import {
  atomRef,
  contentRef,
  manifestRef,
  originRef,
  parseEkalaRef,
  type RemoteRef,
} from "../git/index.ts";
import type { PlannedAtom, PlannedRef } from "./plan.ts";

/** A ref listing indexed by name and by the (label, version) its name carries. */
export class RefIndex {
  readonly #byName = new Map<string, GitOid>();
  readonly #byVersion = new Map<string, RemoteRef[]>();

  constructor(refs: readonly RemoteRef[]) {
    for (const ref of refs) {
      this.#byName.set(ref.ref, ref.oid);
      const parsed = parseEkalaRef(ref.ref);
      if (parsed.kind === "init" || parsed.kind === "unknown") continue;
      const key = `${parsed.label}/${parsed.version}`;
      const list = this.#byVersion.get(key);
      if (list === undefined) this.#byVersion.set(key, [ref]);
      else list.push(ref);
    }
  }

  get(ref: string): GitOid | undefined {
    return this.#byName.get(ref);
  }

  /** Every atoms/manifests/origins/content ref of `label@version`. */
  ofVersion(label: Label, version: Version): readonly RemoteRef[] {
    return this.#byVersion.get(`${label}/${version}`) ?? [];
  }
}

/** What is known about one atom of the source commit. */
export interface AtomFacts {
  readonly label: Label;
  readonly version: Version;
  readonly path: string;
  readonly tree: GitOid;
  readonly content: B3Digest;
  readonly commit: GitOid;
  readonly manifest: GitOid;
  readonly source: GitOid;
  /** Where the version is written (`<path>/atom.toml:line:col`), for refusals. */
  readonly versionAt: Pick<Diagnostic, "file" | "line" | "column">;
}

export interface ClassifyContext {
  /** The listing of the place atoms go to (the remote, or this repository). */
  readonly target: RefIndex;
  /** This repository's listing (the same as `target` when there is no remote). */
  readonly local: RefIndex;
  /** Whether `target` is a remote (then refs are pushed, and written locally too). */
  readonly remote: boolean;
  /** Words for the target in messages ("this repository" or the remote's URL). */
  readonly targetName: string;
  /** The revision as given, for messages. */
  readonly rev: string;
}

/** Refs of `label@version` in `index` that are not exactly among `wanted`. */
function strays(index: RefIndex, facts: AtomFacts, wanted: readonly PlannedRef[]): RemoteRef[] {
  return index
    .ofVersion(facts.label, facts.version)
    .filter((r) => !wanted.some((w) => w.ref === r.ref && w.oid === r.oid));
}

const describe = (refs: readonly RemoteRef[]) => refs.map((r) => `${r.ref} → ${r.oid}`).join(", ");

export function classifyAtom(facts: AtomFacts, ctx: ClassifyContext): PlannedAtom {
  const { label, version, path, commit } = facts;
  const name = atomRef(label, version);
  const originName = originRef(label, version);
  const localAtom = ctx.local.get(name);
  const origin = localAtom === commit ? (ctx.local.get(originName) ?? facts.source) : facts.source;
  const wanted: PlannedRef[] = [
    { ref: name, oid: commit },
    { ref: manifestRef(label, version), oid: facts.manifest },
    { ref: originName, oid: origin },
    { ref: contentRef(label, version, facts.content), oid: commit },
  ].sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
  const base = {
    label,
    version,
    path,
    tree: facts.tree,
    content: facts.content,
    commit,
    manifest: facts.manifest,
    origin,
  };
  const refuse = (message: string, hint: string, existing?: GitOid): PlannedAtom => ({
    ...base,
    action: "refused",
    push: [],
    local: [],
    refusal: { ...facts.versionAt, message, hint },
    ...(existing === undefined ? {} : { existing }),
  });
  const bump = `bump the version in ${path}/atom.toml (it is ${version}) and publish again`;

  const existing = ctx.target.get(name);
  if (existing === commit) {
    return { ...base, action: "already-published", push: [], local: [], existing };
  }
  if (existing !== undefined) {
    return refuse(
      `${label}@${version} is already published on ${ctx.targetName} as atom commit ${existing}; ` +
        `\`${path}\` at ${ctx.rev} makes atom commit ${commit}: versions are immutable`,
      bump,
      existing,
    );
  }
  const foreign = strays(ctx.target, facts, wanted);
  if (foreign.length > 0) {
    return refuse(
      `${ctx.targetName} already holds refs of ${label}@${version} that this publication would ` +
        `not write (${describe(foreign)}): versions are immutable`,
      `${bump}; if those refs are debris, remove them from ${ctx.targetName} by hand first`,
    );
  }
  if (ctx.remote) {
    const local = strays(ctx.local, facts, wanted);
    if (local.length > 0) {
      return refuse(
        `this repository already holds ${label}@${version} with other content ` +
          `(${describe(local)}); \`${path}\` at ${ctx.rev} makes atom commit ${commit}`,
        `${bump}; if that local publication was never pushed and is unwanted, delete its refs ` +
          `with \`git update-ref -d <ref>\``,
        local.find((r) => r.ref === name)?.oid,
      );
    }
  }
  return {
    ...base,
    action: "publish",
    push: ctx.remote ? wanted.filter((r) => ctx.target.get(r.ref) !== r.oid) : [],
    local: wanted.filter((r) => ctx.local.get(r.ref) !== r.oid),
  };
}
