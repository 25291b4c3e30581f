/**
 * The names of eka's refs (protocol.md §4). This is the only module that spells `refs/ekala/…`:
 * everything else builds and reads ref names through these functions.
 *
 * Builders take validated values (`Label`, `Version`, `B3Digest` from core). `parseEkalaRef` is
 * pure and does not validate labels or versions: it splits a ref name by kind and returns the raw
 * components, and the caller validates them with core's parsers (a ref that does not parse is
 * ignored with a warning, never treated as an atom). `validateEkalaRef` does that with injected
 * validators.
 */
import { EkaError } from "../core/errors.ts";
import type { B3Digest, Label, Version } from "../core/types.ts";

/** Every eka ref lives under this prefix. */
export const EKALA_PREFIX = "refs/ekala/";
/** The set's identity: the newest init commit (§2). */
export const INIT_REF = "refs/ekala/init";

const ATOMS = "atoms";
const MANIFESTS = "manifests";
const ORIGINS = "origins";
const CONTENT = "content";

/** A ref kind that names one atom version (`…/<kind>/L/V`). */
export type VersionedRefKind = "atom" | "manifest" | "origin";

const DIR_OF: Readonly<Record<VersionedRefKind | "content", string>> = {
  atom: ATOMS,
  manifest: MANIFESTS,
  origin: ORIGINS,
  content: CONTENT,
};

const KIND_OF: Readonly<Record<string, VersionedRefKind | "content">> = {
  [ATOMS]: "atom",
  [MANIFESTS]: "manifest",
  [ORIGINS]: "origin",
  [CONTENT]: "content",
};

/** One component of a ref: validated values never contain `/`; this guards against misuse. */
function component(value: string, what: string): string {
  if (value === "" || value.includes("/")) {
    throw new EkaError(
      "EKA_INTERNAL",
      `${what} ${JSON.stringify(value)} cannot be a ref component`,
    );
  }
  return value;
}

function versioned(kind: VersionedRefKind | "content", label: Label, version: Version): string {
  return `${EKALA_PREFIX}${DIR_OF[kind]}/${component(label, "label")}/${component(version, "version")}`;
}

/** `refs/ekala/atoms/L/V`: the atom commit. */
export function atomRef(label: Label, version: Version): string {
  return versioned("atom", label, version);
}

/** `refs/ekala/manifests/L/V`: the `atom.toml` blob. */
export function manifestRef(label: Label, version: Version): string {
  return versioned("manifest", label, version);
}

/** `refs/ekala/origins/L/V`: the source commit. */
export function originRef(label: Label, version: Version): string {
  return versioned("origin", label, version);
}

/** `refs/ekala/content/L/V/<digest>`: the atom commit, with its content digest in the name. */
export function contentRef(label: Label, version: Version, digest: B3Digest): string {
  return `${versioned("content", label, version)}/${component(digest, "digest")}`;
}

/** `refs/ekala/atoms/` or, for one label, `refs/ekala/atoms/L/`: a prefix for ref listings. */
export function atomsPrefix(label?: Label): string {
  return prefix(ATOMS, label);
}

/** `refs/ekala/content/` or `refs/ekala/content/L/`. */
export function contentPrefix(label?: Label): string {
  return prefix(CONTENT, label);
}

/** `refs/ekala/manifests/` or `refs/ekala/manifests/L/`. */
export function manifestsPrefix(label?: Label): string {
  return prefix(MANIFESTS, label);
}

/** `refs/ekala/origins/` or `refs/ekala/origins/L/`. */
export function originsPrefix(label?: Label): string {
  return prefix(ORIGINS, label);
}

function prefix(dir: string, label: Label | undefined): string {
  return label === undefined
    ? `${EKALA_PREFIX}${dir}/`
    : `${EKALA_PREFIX}${dir}/${component(label, "label")}/`;
}

/** A ref name under `refs/ekala/`, split by kind; components are raw, not yet validated. */
export type EkalaRef<L = string, V = string, D = string> =
  | { readonly kind: "init" }
  | { readonly kind: VersionedRefKind; readonly label: L; readonly version: V }
  | { readonly kind: "content"; readonly label: L; readonly version: V; readonly digest: D }
  | { readonly kind: "unknown"; readonly reason: string };

/** A ref whose label, version and digest passed core's validators. */
export type ValidEkalaRef = EkalaRef<Label, Version, B3Digest>;

/** Splits a ref name by kind. Pure; never throws. */
export function parseEkalaRef(name: string): EkalaRef {
  if (name === INIT_REF) return { kind: "init" };
  if (!name.startsWith(EKALA_PREFIX)) {
    return { kind: "unknown", reason: `not under ${EKALA_PREFIX}` };
  }
  const parts = name.slice(EKALA_PREFIX.length).split("/");
  const dir = parts[0] ?? "";
  const kind = Object.hasOwn(KIND_OF, dir) ? KIND_OF[dir] : undefined;
  if (kind === undefined) {
    return { kind: "unknown", reason: `unknown kind ${JSON.stringify(dir)}` };
  }
  const expected = kind === "content" ? 4 : 3;
  if (parts.length !== expected || parts.some((p) => p === "")) {
    const shape = kind === "content" ? "<label>/<version>/<digest>" : "<label>/<version>";
    return { kind: "unknown", reason: `expected ${EKALA_PREFIX}${dir}/${shape}` };
  }
  const label = parts[1]!;
  const version = parts[2]!;
  if (kind === "content") return { kind, label, version, digest: parts[3]! };
  return { kind, label, version };
}

/** Validators for the components of a ref (core's `parseLabel`, `parseVersion`, …). */
export interface EkalaRefValidators {
  readonly label: (raw: string) => Label;
  readonly version: (raw: string) => Version;
  readonly digest: (raw: string) => B3Digest;
}

/**
 * Parses and validates a ref name. A component the validators reject, or one that is not already
 * in the canonical form they return (a ref holds the normalised label), gives `unknown` with the
 * reason (so a listing can warn and skip it).
 */
export function validateEkalaRef(name: string, validators: EkalaRefValidators): ValidEkalaRef {
  const raw = parseEkalaRef(name);
  if (raw.kind === "init" || raw.kind === "unknown") return raw;
  try {
    const label = canonical(validators.label, raw.label, "label");
    const version = canonical(validators.version, raw.version, "version");
    if (raw.kind === "content") {
      const digest = canonical(validators.digest, raw.digest, "digest");
      return { kind: "content", label, version, digest };
    }
    return { kind: raw.kind, label, version };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { kind: "unknown", reason };
  }
}

function canonical<T extends string>(validate: (raw: string) => T, raw: string, what: string): T {
  const value = validate(raw);
  if (value !== raw) {
    throw new Error(
      `${what} ${JSON.stringify(raw)} is not in canonical form (${JSON.stringify(value)})`,
    );
  }
  return value;
}
