/**
 * Mirror URLs in `[package.sets]` (protocol.md §1): https, http, ssh, git or file URLs, scp-like
 * `user@host:path`, or `"::"` (this repository). Anything else is refused, in particular git's
 * `ext::` and `fd::` transports and unexpanded aliases. A syntax check only: nothing is resolved.
 */

/** The mirror value meaning "this repository, from its working tree". */
export const LOCAL_MIRROR = "::";

const URL_FORM = /^(?:https?|ssh|git|file):\/\/[^\s]+$/i;
const SCP_FORM = /^[^\s@:/]+@[^\s@:/]+:[^\s]+$/;
const WORD_COLON = /^([A-Za-z][A-Za-z0-9+.-]*):/;

/** Null when `value` is an acceptable mirror, else what is wrong with it. */
export function mirrorProblem(value: string): string | null {
  if (value === LOCAL_MIRROR) return null;
  const scheme = WORD_COLON.exec(value)?.[1];
  if (value.includes("::") || scheme === "ext" || scheme === "fd") {
    return "git's ext:: and fd:: transports run commands and are never allowed";
  }
  if (/\s/.test(value)) return "a mirror URL cannot contain spaces or line breaks";
  if (URL_FORM.test(value) || SCP_FORM.test(value)) return null;
  if (scheme !== undefined && !value.startsWith(`${scheme}://`)) {
    return `"${scheme}:" is not a URL scheme eka accepts; aliases are expanded before manifests are written, so write the full URL`;
  }
  if (scheme !== undefined) return `the "${scheme}" scheme is not allowed`;
  return "it is not a URL";
}

export const MIRROR_HINT =
  'a mirror is an https://, http://, ssh://, git:// or file:// URL, an scp-like "user@host:path", or "::" for this repository';
