/**
 * Atom URIs (protocol.md §5), used on the command line only:
 * `[scheme://][user@]host-or-alias[:/]path::label[@version-requirement]`.
 *
 * The last `::` splits the mirror (see `uri-mirror.ts`) from the atom; the atom is a label,
 * optionally followed by `@` and a version requirement (§6). Without `@`, the requirement is
 * "the newest release" — kept apart from an explicit `@*` so that the command can write what
 * the user meant. Every accepted form round-trips: parse → format → parse gives the same value.
 */

import { BUILTIN_ALIASES } from "./alias.ts";
import { EkaError } from "./errors.ts";
import { parseLabel } from "./label.ts";
import { formatRequirement, parseRequirement, type Requirement } from "./requirement.ts";
import { showText } from "./show-text.ts";
import type { Label } from "./types.ts";
import { type BadPart, parseUriMirror, refuseCredentials, type UriMirror } from "./uri-mirror.ts";

/** No `@` in the URI: the newest release (the highest version that is not a pre-release). */
export const NEWEST_RELEASE = "newest";

export type AtomUriRequirement = Requirement | typeof NEWEST_RELEASE;

export interface AtomUri {
  readonly mirror: UriMirror;
  readonly label: Label;
  readonly requirement: AtomUriRequirement;
}

/** The part after `::`: a label and its requirement. */
export interface AtomSpec {
  readonly label: Label;
  readonly requirement: AtomUriRequirement;
}

export const ATOM_URI_HINT =
  "an atom URI is <mirror>::<label>[@<requirement>], e.g. gh:owner/repo::button@^1.2, " +
  "https://git.example.com/atoms::auth, git@host:org/repo::x, company::auth or ./repo::x";

function badPart(text: string, what = "atom URI"): BadPart {
  return (message, hint) => {
    throw new EkaError("EKA_URI_INVALID", `invalid ${what} ${showText(text)}: ${message}`, {
      hint: hint ?? ATOM_URI_HINT,
      data: { uri: text },
    });
  };
}

function specOf(spec: string, bad: BadPart): AtomSpec {
  const at = spec.indexOf("@");
  const labelText = at < 0 ? spec : spec.slice(0, at);
  if (labelText === "") bad('no atom label after "::"');
  let label: Label;
  try {
    label = parseLabel(labelText);
  } catch (error) {
    if (!(error instanceof EkaError)) throw error;
    return bad(error.message, error.hint);
  }
  if (at < 0) return { label, requirement: NEWEST_RELEASE };
  const reqText = spec.slice(at + 1);
  if (reqText === "") {
    bad(
      `nothing follows "@" after ${label}`,
      `write a requirement (${label}@^1.2) or leave out "@" for the newest release`,
    );
  }
  try {
    return { label, requirement: parseRequirement(reqText) };
  } catch (error) {
    if (!(error instanceof EkaError)) throw error;
    return bad(error.message, error.hint);
  }
}

/**
 * Parses `label[@requirement]` (an atom named without its mirror, as `eka add … --set` or
 * `eka update` take it). Throws EKA_URI_INVALID naming the bad part.
 */
export function parseAtomSpec(text: string): AtomSpec {
  return specOf(text, badPart(text, "atom"));
}

/**
 * Parses an atom URI. `aliases` is the whole alias table (built-ins included: see
 * `withBuiltinAliases`). Throws EKA_URI_INVALID naming the bad part, or EKA_ALIAS_UNKNOWN
 * listing the known aliases.
 */
export function parseAtomUri(
  text: string,
  aliases: ReadonlyMap<string, string> = BUILTIN_ALIASES,
): AtomUri {
  refuseCredentials(text);
  const bad = badPart(text);
  const split = text.lastIndexOf("::");
  if (split < 0) bad('no "::" between the mirror and the atom label');
  const mirror = parseUriMirror(text.slice(0, split), aliases, showText(text), bad);
  return { mirror, ...specOf(text.slice(split + 2), bad) };
}

export function formatAtomSpec(spec: AtomSpec): string {
  if (spec.requirement === NEWEST_RELEASE) return spec.label;
  return `${spec.label}@${formatRequirement(spec.requirement)}`;
}

/** The URI as the user wrote its mirror (alias kept), with the canonical requirement. */
export function formatAtomUri(uri: AtomUri): string {
  return `${uri.mirror.raw}::${formatAtomSpec(uri)}`;
}
