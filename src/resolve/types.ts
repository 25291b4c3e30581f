/**
 * The two sides of a dependency (design.md "Interfaces that carry the design"): a `DepRequest`
 * is what a manifest asks for, a `LockedDep` (core) what the lock records. Both are tagged by
 * the same `type` string the lock uses, and a `Resolver<K>` turns one into the other.
 */

import type { FetchLimits } from "../config/index.ts";
import type {
  B3Digest,
  GitOid,
  Label,
  LockedDepOf,
  LockedDepType,
  Report,
  Requirement,
  SetId,
  Tag,
  Version,
} from "../core/index.ts";
import type { MirrorLister } from "../git/index.ts";

export type DepKind = LockedDepType;

/** `[deps.from.<set>] label = "requirement"`. */
export interface AtomRequest {
  readonly type: "atom";
  readonly set: Tag;
  readonly label: Label;
  readonly requirement: Requirement;
  /** The requirement as written in the manifest. */
  readonly text: string;
}

/** `{ git = URL, ref = … }` or `{ git = URL, version = "^1.2" }`. */
export interface NixGitRequest {
  readonly type: "nix+git";
  readonly name: Label;
  readonly url: string;
  readonly ref?: string;
  readonly version?: Requirement;
}

/** `version = "from.<set>.<label>"`: the atom whose resolved version fills `{version}`. */
export interface VersionSource {
  readonly set: Tag;
  readonly label: Label;
}

/** `{ url = URL }`. */
export interface NixUrlRequest {
  readonly type: "nix+url";
  readonly name: Label;
  readonly url: string;
  /** With `{version}` in `url`: until resolution substitutes it (see `withVersions`). */
  readonly from?: VersionSource;
}

/** `{ tar = URL }`. */
export interface NixTarRequest {
  readonly type: "nix+tar";
  readonly name: Label;
  readonly url: string;
  /** With `{version}` in `url`: until resolution substitutes it (see `withVersions`). */
  readonly from?: VersionSource;
}

/** `{ build = URL, unpack, exec }`. */
export interface NixBuildRequest {
  readonly type: "nix+build";
  readonly name: Label;
  readonly url: string;
  /** With `{version}` in `url`: until resolution substitutes it (see `withVersions`). */
  readonly from?: VersionSource;
  readonly unpack: boolean;
  readonly exec: boolean;
}

export type DepRequest =
  | AtomRequest
  | NixGitRequest
  | NixUrlRequest
  | NixTarRequest
  | NixBuildRequest;

export type DepRequestOf<K extends DepKind> = Extract<DepRequest, { readonly type: K }>;

/** One version of an atom as the mirrors of its set agree on it. */
export interface AtomCandidate {
  readonly version: Version;
  readonly commit: GitOid;
  readonly content: B3Digest | null;
  /** The mirrors that hold it (for messages). */
  readonly mirrors: readonly string[];
}

/** What the mirrors of one set serve, for the labels asked for. */
export interface SetView {
  readonly name: Tag;
  readonly id: SetId;
  /** The mirrors that answered with this identity. */
  readonly mirrors: readonly string[];
  /** Versions of a label, newest first (empty when the set publishes none). */
  versions(label: Label): readonly AtomCandidate[];
}

/** What locking a downloaded pin (`nix+url`, `nix+tar`, `nix+build`) needs. */
export interface FetchSettings {
  /** The cache directory (`settings.cacheDir`). */
  readonly cacheDir: string;
  readonly limits?: FetchLimits;
  /** Revalidate cached downloads with the server (`eka update`). */
  readonly refresh?: boolean;
}

export interface ResolveContext {
  readonly report: Report;
  /** For downloaded pins; absent: they cannot be locked (EKA_INTERNAL). */
  readonly fetch?: FetchSettings;
  /** The set named in the manifest, listed once (one listing per mirror) for every label needed. */
  atomSet(name: Tag): Promise<SetView>;
  /** The ref lister (opened on first use). */
  lister(): Promise<MirrorLister>;
}

export interface Resolver<K extends DepKind> {
  readonly kind: K;
  /** The locked entry for the request; may use the network. */
  resolve(request: DepRequestOf<K>, ctx: ResolveContext): Promise<LockedDepOf<K>>;
  /** Whether `locked` still satisfies `request` (pure: no network, no files). */
  isSatisfiedBy(request: DepRequestOf<K>, locked: LockedDepOf<K>): boolean;
}

/** One resolver per kind: a missing kind is a type error. */
export type Resolvers = { readonly [K in DepKind]: Resolver<K> };

/** The name a dependency goes by in messages and in `eka update`. */
export function depName(
  dep: { readonly type: string } & ({ label: Label } | { name: Label }),
): Label {
  return "label" in dep ? dep.label : dep.name;
}
