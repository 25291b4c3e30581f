/**
 * Legacy (non-atom) URLs on the command line (protocol.md §5, §8): a mirror-like URL, optionally
 * followed by `^^` and a git ref, e.g. `gh:NixOS/nixpkgs^^nixos-unstable`. The URL part follows
 * the same rules as an atom URI's mirror (aliases expanded, scheme inferred), but must name
 * something: there is no "this repository" form.
 */
import { BUILTIN_ALIASES } from "./alias.ts";
import { EkaError } from "./errors.ts";
import { isRefComponent } from "./ref-component.ts";
import { showText } from "./show-text.ts";
import { type BadPart, parseUriMirror, refuseCredentials, type UriMirror } from "./uri-mirror.ts";

export interface LegacyUrl extends UriMirror {
  /** The git ref after `^^` (a branch, a tag or a full ref name), when given. */
  readonly ref?: string;
}

export const LEGACY_URL_HINT =
  "a URL with an optional git ref after ^^, e.g. gh:NixOS/nixpkgs^^nixos-unstable or " +
  "https://example.com/archive.tar.gz";

export const REF_HINT =
  'a ref is a branch, a tag or a full ref name ("nixos-unstable", "v1.2.0", "refs/heads/main")';

/** Null when `ref` is a git ref name (a branch, a tag or a full name), else what is wrong. */
export function refNameProblem(ref: string): string | null {
  if (ref === "") return "it is empty";
  if (ref.includes("^")) return 'it contains "^"';
  if (ref.split("/").some((part) => !isRefComponent(part))) {
    return "it is not a valid git ref name";
  }
  return null;
}

/**
 * Parses `url[^^ref]`. Throws EKA_URI_INVALID naming the bad part, or EKA_ALIAS_UNKNOWN listing
 * the known aliases.
 */
export function parseLegacyUrl(
  text: string,
  aliases: ReadonlyMap<string, string> = BUILTIN_ALIASES,
): LegacyUrl {
  refuseCredentials(text);
  const bad: BadPart = (message, hint) => {
    throw new EkaError("EKA_URI_INVALID", `invalid URL ${showText(text)}: ${message}`, {
      hint: hint ?? LEGACY_URL_HINT,
      data: { url: text },
    });
  };
  const split = text.indexOf("^^");
  const urlPart = split < 0 ? text : text.slice(0, split);
  if (urlPart === "") bad("it names no URL");
  const mirror = parseUriMirror(urlPart, aliases, showText(text), bad);
  if (split < 0) return mirror;
  const ref = text.slice(split + 2);
  const problem = refNameProblem(ref);
  if (problem !== null) bad(`the ref ${showText(ref)}: ${problem}`, REF_HINT);
  return { ...mirror, ref };
}

/** The URL as written (alias kept) and its ref. */
export function formatLegacyUrl(url: LegacyUrl): string {
  return url.ref === undefined ? url.raw : `${url.raw}^^${url.ref}`;
}
