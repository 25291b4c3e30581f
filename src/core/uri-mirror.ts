/**
 * The mirror part of an atom URI or legacy URL (protocol.md §5), as typed on the command line:
 * a URL, an scp-like address, an alias (expanded), a local path, or nothing (this repository).
 *
 * - `scheme://…` with https, http, ssh, git or file: kept (scheme lowercased);
 * - `user@host:path`, or `host:path` with a dot in the host: scp-like, ssh;
 * - `word:rest` where `word` is a configured alias: the alias's prefix + `rest`; `word` alone:
 *   the alias's prefix; a word that is neither a scheme nor configured is an error listing
 *   the known aliases (never a guess);
 * - `host.with.dot/path`: https;
 * - `./x`, `../x`, `/x`, `.`, `..`: a local repository (file);
 * - empty: this repository (`"::"` in a manifest).
 */
import { aliasNameProblem, expandAlias, isAliasWord, RESERVED_ALIAS_NAMES } from "./alias.ts";
import { EkaError } from "./errors.ts";
import { LOCAL_MIRROR, mirrorProblem } from "./mirror.ts";
import { showText } from "./show-text.ts";
import { closestWord } from "./suggest.ts";

export type MirrorScheme = "https" | "http" | "ssh" | "git" | "file";

export interface UriMirror {
  /** As written (`gh:owner/repo`); "" for this repository. */
  readonly raw: string;
  /**
   * Expanded: what a manifest holds (`https://github.com/owner/repo`, `git@host:org/repo`,
   * `file:///abs/repo`, `"::"`), except a relative path, kept as written: see `resolveMirrorUrl`.
   */
  readonly url: string;
  /** The inferred transport; null for this repository. */
  readonly scheme: MirrorScheme | null;
  /** The alias that was expanded, if any. */
  readonly alias?: string;
}

/** Reports a malformed part: message (without the whole text) and an optional hint. */
export type BadPart = (message: string, hint?: string) => never;

const SCHEMES: readonly MirrorScheme[] = ["https", "http", "ssh", "git", "file"];
const SCHEME_URL = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds
const SPACE_OR_CONTROL = /[\s\u0000-\u001f\u007f]/u;

export const MIRROR_FORMS_HINT =
  "a mirror is a URL (https://, http://, ssh://, git://, file://), an scp-like user@host:path, " +
  'an alias such as gh:owner/repo, a host with a dot (git.example.com/atoms), or a path ("./repo", "/srv/repo")';

const USERINFO = /([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/@\s]*)@/g;

/**
 * Throws EKA_URI_INVALID, without repeating the text, when it carries credentials: a password
 * in any URL, or any user name in an http(s) URL (often a token). They would be written to
 * atom.toml and shown in messages; git's credential helpers are the place for them.
 */
export function refuseCredentials(text: string): void {
  for (const [, scheme = "", userinfo = ""] of text.matchAll(USERINFO)) {
    const http = /^https?$/i.test(scheme);
    if (userinfo.includes(":") || http) {
      throw new EkaError(
        "EKA_URI_INVALID",
        `a ${scheme.toLowerCase()}:// URL carries ${http ? "a user name or token" : "a password"}; it would be written to atom.toml`,
        {
          hint: "remove the credentials from the URL and let git's credential helper or ssh agent provide them",
        },
      );
    }
  }
}

function isPath(text: string): boolean {
  return (
    text === "." ||
    text === ".." ||
    text.startsWith("./") ||
    text.startsWith("../") ||
    text.startsWith("/")
  );
}

function checkUserHost(user: string, host: string, bad: BadPart): void {
  if (host === "") bad("the address names no host");
  if (host.startsWith("-") || user.startsWith("-")) {
    bad("its host or user starts with '-', which ssh would read as an option");
  }
}

/** The scheme an expanded, valid mirror URL uses. */
function schemeOf(url: string): MirrorScheme {
  const name = SCHEME_URL.exec(url)?.[1]?.toLowerCase();
  return SCHEMES.find((s) => s === name) ?? "ssh";
}

export function unknownAliasError(
  name: string,
  aliases: ReadonlyMap<string, string>,
  where: string,
): EkaError {
  const known = [...aliases.keys()].sort();
  const guess = closestWord(name, known);
  const list = known.length === 0 ? "none are configured" : `known aliases: ${known.join(", ")}`;
  return new EkaError("EKA_ALIAS_UNKNOWN", `unknown alias ${showText(name)} in ${where}`, {
    hint:
      `${guess === undefined ? "" : `did you mean ${guess}? `}${list}. ` +
      `Define it under [aliases] in your eka.toml, e.g. ${name} = "https://git.example.com/", ` +
      'or write a full URL, an scp-like user@host:path, or a path starting with "./"',
    data: { alias: name, known },
  });
}

function fromAlias(
  name: string,
  rest: string,
  aliases: ReadonlyMap<string, string>,
  raw: string,
  bad: BadPart,
): UriMirror {
  const target = aliases.get(name) ?? "";
  const url = expandAlias(target, rest);
  const problem = mirrorProblem(url);
  if (problem !== null) bad(`alias ${name} expands to ${showText(url)}: ${problem}`);
  return { raw, url, scheme: schemeOf(url), alias: name };
}

/**
 * Classifies and expands the mirror part `raw` (see the module comment). `where` names the whole
 * text in an unknown-alias error; `bad` throws for everything else.
 */
export function parseUriMirror(
  raw: string,
  aliases: ReadonlyMap<string, string>,
  where: string,
  bad: BadPart,
): UriMirror {
  if (raw === "") return { raw, url: LOCAL_MIRROR, scheme: null };
  if (SPACE_OR_CONTROL.test(raw)) {
    bad(`the mirror ${showText(raw)} contains spaces or control characters`, MIRROR_FORMS_HINT);
  }
  if (raw.includes("::")) {
    bad(
      `the mirror ${showText(raw)} contains "::"; git's remote-helper transports (ext::, fd::) are never allowed`,
      MIRROR_FORMS_HINT,
    );
  }
  if (raw.startsWith("-")) bad("the mirror starts with '-', which git would read as an option");
  if (isPath(raw)) {
    return { raw, url: raw.startsWith("/") ? `file://${raw}` : raw, scheme: "file" };
  }
  const scheme = SCHEME_URL.exec(raw);
  if (scheme !== null) {
    const name = scheme[1]!.toLowerCase();
    const known = SCHEMES.find((s) => s === name);
    if (known === undefined) bad(`the ${name}:// scheme is not supported`, MIRROR_FORMS_HINT);
    const rest = raw.slice(scheme[0].length);
    const authority = rest.split("/", 1)[0] ?? "";
    const at = authority.lastIndexOf("@");
    if (known !== "file") {
      checkUserHost(at >= 0 ? authority.slice(0, at) : "", authority.slice(at + 1), bad);
    }
    const url = `${known}://${rest}`;
    const problem = mirrorProblem(url);
    if (problem !== null) bad(`the mirror ${showText(raw)}: ${problem}`, MIRROR_FORMS_HINT);
    return { raw, url, scheme: known };
  }
  const colon = raw.indexOf(":");
  const slash = raw.indexOf("/");
  if (colon >= 0 && (slash < 0 || colon < slash)) {
    const head = raw.slice(0, colon);
    const rest = raw.slice(colon + 1);
    const at = head.lastIndexOf("@");
    if (at >= 0 || head.includes(".")) {
      checkUserHost(head.slice(0, Math.max(at, 0)), head.slice(at + 1), bad);
      if (rest === "") bad(`the ssh address ${showText(raw)} names no path after ":"`);
      return { raw, url: raw, scheme: "ssh" };
    }
    if (aliases.has(head)) return fromAlias(head, rest, aliases, raw, bad);
    if (RESERVED_ALIAS_NAMES.includes(head.toLowerCase())) {
      bad(
        `${showText(`${head}:`)} must be followed by "//"`,
        `e.g. ${head.toLowerCase()}://host/path`,
      );
    }
    if (isAliasWord(head)) throw unknownAliasError(head, aliases, where);
    bad(`${showText(`${head}:`)} is neither a URL scheme, an alias nor a host`, MIRROR_FORMS_HINT);
  }
  const host = slash < 0 ? raw : raw.slice(0, slash);
  if (host.includes("@")) {
    bad(
      `${showText(raw)} has a user but no ":" after the host`,
      "write ssh://user@host/path or the scp-like user@host:path",
    );
  }
  if (host.includes(".")) {
    checkUserHost("", host, bad);
    const url = `https://${raw}`;
    const problem = mirrorProblem(url);
    if (problem !== null) bad(`the mirror ${showText(raw)}: ${problem}`, MIRROR_FORMS_HINT);
    return { raw, url, scheme: "https" };
  }
  if (slash < 0 && aliases.has(raw)) return fromAlias(raw, "", aliases, raw, bad);
  if (slash < 0 && aliasNameProblem(raw) === null) throw unknownAliasError(raw, aliases, where);
  return bad(
    `${showText(raw)} is not a URL, an alias or a path`,
    'write "./dir" for a local directory, gh:owner/repo for an alias, or a full URL',
  );
}

/**
 * A mirror's URL as a manifest holds it: a relative path becomes a `file://` URL resolved
 * against `cwd` (an absolute directory); everything else is already expanded.
 */
export function resolveMirrorUrl(mirror: UriMirror, cwd: string): string {
  if (mirror.scheme !== "file" || mirror.url.startsWith("file://")) return mirror.url;
  if (!cwd.startsWith("/")) {
    throw new EkaError("EKA_INTERNAL", `resolveMirrorUrl needs an absolute directory, not ${cwd}`);
  }
  const parts: string[] = [];
  for (const part of `${cwd}/${mirror.url}`.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return `file:///${parts.join("/")}`;
}
