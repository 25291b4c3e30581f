/**
 * Which remote URLs eka lets git talk to, and how URLs appear in messages.
 *
 * Allowed: local paths, `file://`, `git://`, `ssh://` (and git's `git+ssh://`, `ssh+git://`
 * spellings), scp-like `[user@]host:path`, `http://`, `https://`. Refused: git's remote-helper
 * form `<transport>::<address>` (`ext::` runs a command, `fd::` reads a descriptor), any other
 * scheme, and anything starting with `-` (git would read it as an option). The classification
 * follows git's own (transport.c: helper form first, then `scheme://`, then scp-like when a
 * colon comes before any slash, else a local path), so what is checked is what git will do.
 * The git processes also run with `protocol.allow=never` plus an allow-list, as a second wall.
 */
import { EkaError } from "../core/errors.ts";

export type TransportKind = "local" | "file" | "ssh" | "git" | "http" | "https";

const HELPER = /^[A-Za-z][A-Za-z0-9+.-]*::/;
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it rejects
const CONTROL = /[\u0000-\u001f\u007f]/;
const DOS_DRIVE = /^[A-Za-z]:[\\/]/;

const SCHEMES: Readonly<Record<string, TransportKind>> = {
  file: "file",
  git: "git",
  ssh: "ssh",
  "git+ssh": "ssh",
  "ssh+git": "ssh",
  http: "http",
  https: "https",
};

const HINT =
  "use a local path, or a file://, git://, ssh://, http(s):// or scp-like user@host:path URL";

function refuse(url: string, why: string): never {
  throw new EkaError("EKA_TRANSPORT_REFUSED", `refusing remote ${redactUrl(url)}: ${why}`, {
    where: redactUrl(url),
    hint: HINT,
  });
}

/** The transport git would use for `url`; throws `EKA_TRANSPORT_REFUSED` for the refused ones. */
export function transportOf(url: string): TransportKind {
  if (url.trim() === "") {
    throw new EkaError("EKA_REMOTE_INVALID", "empty remote URL", { hint: HINT });
  }
  if (CONTROL.test(url)) {
    throw new EkaError(
      "EKA_REMOTE_INVALID",
      `remote URL contains a control character: ${JSON.stringify(redactUrl(url))}`,
      { hint: HINT },
    );
  }
  if (url.startsWith("-")) refuse(url, "it starts with `-` and would be read as an option");
  const helper = HELPER.exec(url);
  if (helper !== null) {
    refuse(url, `the \`${helper[0]}\` remote-helper transport is not allowed`);
  }
  const scheme = SCHEME.exec(url);
  if (scheme !== null) {
    const name = scheme[1]!.toLowerCase();
    const kind = Object.hasOwn(SCHEMES, name) ? SCHEMES[name] : undefined;
    if (kind === undefined) refuse(url, `the \`${name}://\` transport is not allowed`);
    if (kind !== "file") {
      const rest = url.slice(scheme[0].length);
      const authority = rest.slice(0, firstIndex(rest, "/"));
      const at = authority.lastIndexOf("@");
      checkHostPart(url, at === -1 ? "" : authority.slice(0, at), authority.slice(at + 1));
    }
    return kind;
  }
  if (DOS_DRIVE.test(url)) return "local";
  const colon = url.indexOf(":");
  const slash = url.indexOf("/");
  if (colon !== -1 && (slash === -1 || colon < slash)) {
    // scp-like `[user@]host:path`; `[host:port]:path` keeps its colon inside the brackets.
    const bracket = url.indexOf("[");
    const end = bracket !== -1 && bracket < colon ? url.indexOf("]:") + 1 : colon;
    const hostPart = url.slice(0, end > 0 ? end : colon);
    const at = hostPart.lastIndexOf("@");
    checkHostPart(url, at === -1 ? "" : hostPart.slice(0, at), hostPart.slice(at + 1));
    return "ssh";
  }
  return "local";
}

function firstIndex(text: string, char: string): number {
  const i = text.indexOf(char);
  return i === -1 ? text.length : i;
}

function checkHostPart(url: string, user: string, host: string): void {
  const bare = host.startsWith("[") ? host.slice(1) : host;
  if (bare === "") refuse(url, "it names no host");
  if (bare.startsWith("-") || user.startsWith("-")) {
    refuse(url, "its host or user starts with `-` and would be read as an option by ssh");
  }
}

/** Throws unless git may talk to `url` (see the module comment). */
export function checkRemoteUrl(url: string): void {
  transportOf(url);
}

/** Whether `url` is a local path (not a URL): relative ones are relative to the caller. */
export function isLocalPath(url: string): boolean {
  return transportOf(url) === "local";
}

const USERINFO = /([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/\s@]*)@/g;

function redactUserinfo(scheme: string, userinfo: string): string {
  const lower = scheme.toLowerCase();
  if (lower === "http" || lower === "https") return ""; // a user name there is often a token
  const colon = userinfo.indexOf(":");
  return `${colon === -1 ? userinfo : userinfo.slice(0, colon)}@`;
}

/** `url` without credentials: no password anywhere, and no user at all for http(s). */
export function redactUrl(url: string): string {
  return redactText(url);
}

/** Every URL in `text` (git's stderr, an argument list) with its credentials removed. */
export function redactText(text: string): string {
  return text.replace(
    USERINFO,
    (_match, scheme: string, userinfo: string) => `${scheme}://${redactUserinfo(scheme, userinfo)}`,
  );
}
