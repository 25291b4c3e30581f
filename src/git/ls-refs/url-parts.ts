/**
 * The pieces of a remote URL the v2 client needs, parsed the way git's connect.c does for the
 * forms it handles: `file://`, `git://`, `ssh://` (with its `git+ssh`/`ssh+git` spellings) and
 * scp-like `[user@]host:path`. git percent-decodes a URL (`%XX`, not `+`) before splitting it,
 * and turns a path starting with `/~` into `~…` (a home directory) for git:// and ssh.
 * A form this parser does not handle (bracketed scp-like hosts, `file://host/…`) is a
 * `NotV2Error`: the caller falls back to `git ls-remote`, which handles everything git does.
 */
import { NotV2Error } from "./listing-errors.ts";

/** `%XX` escapes decoded as bytes, then read as UTF-8 (git's url_decode; `+` stays). */
export function percentDecode(text: string): string {
  if (!text.includes("%")) return text;
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const hex = text[i] === "%" ? /^[0-9A-Fa-f]{2}$/.exec(text.slice(i + 1, i + 3)) : null;
    if (hex !== null) {
      bytes.push(Number.parseInt(hex[0], 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(text[i]!, "utf8"));
    }
  }
  return Buffer.from(bytes).toString("utf8");
}

/** The repository path of a `file://` URL. */
export function filePath(url: string): string {
  const rest = url.slice("file://".length);
  if (!rest.startsWith("/")) throw new NotV2Error(`file URL with a host: ${url}`);
  return percentDecode(rest);
}

export interface HostPath {
  /** `user@` part, decoded, or null. */
  readonly user: string | null;
  /** Host name without brackets (an IPv6 address is bare). */
  readonly host: string;
  /** The host as written in the URL, port included (git's `host=` for git://). */
  readonly hostAndPort: string;
  readonly port: string | null;
  readonly path: string;
}

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;

function homePath(path: string): string {
  return path.startsWith("/~") ? path.slice(1) : path;
}

/** Splits `host[:port]` or `[v6]:port` (the authority without user). */
function splitHostPort(authority: string, url: string): { host: string; port: string | null } {
  if (authority.startsWith("[")) {
    const close = authority.indexOf("]");
    if (close === -1) throw new NotV2Error(`unbalanced brackets in ${url}`);
    const after = authority.slice(close + 1);
    if (after !== "" && !/^:\d*$/.test(after)) throw new NotV2Error(`bad port in ${url}`);
    const port = after.length > 1 ? after.slice(1) : null;
    return { host: authority.slice(1, close), port };
  }
  const colon = authority.lastIndexOf(":");
  if (colon === -1) return { host: authority, port: null };
  const port = authority.slice(colon + 1);
  if (!/^\d*$/.test(port)) throw new NotV2Error(`bad port in ${url}`);
  return { host: authority.slice(0, colon), port: port === "" ? null : port };
}

/** `scheme://[user@]host[:port]/path` for git:// and ssh:// URLs. */
export function parseHostUrl(url: string): HostPath {
  const scheme = SCHEME.exec(url);
  if (scheme === null) throw new NotV2Error(`not a URL: ${url}`);
  const rest = url.slice(scheme[0].length);
  const slash = rest.indexOf("/");
  if (slash === -1) throw new NotV2Error(`no path in ${url}`);
  const authority = rest.slice(0, slash);
  const at = authority.lastIndexOf("@");
  const user = at === -1 ? null : percentDecode(authority.slice(0, at));
  const hostAndPort = authority.slice(at + 1);
  const { host, port } = splitHostPort(hostAndPort, url);
  if (host === "") throw new NotV2Error(`no host in ${url}`);
  return { user, host, hostAndPort, port, path: homePath(percentDecode(rest.slice(slash))) };
}

/** scp-like `[user@]host:path` (no brackets: git's bracketed forms fall back). */
export function parseScpLike(url: string): HostPath {
  const colon = url.indexOf(":");
  const hostPart = url.slice(0, colon);
  if (colon === -1 || hostPart.includes("[") || hostPart.includes("]")) {
    throw new NotV2Error(`scp-like form not handled: ${url}`);
  }
  const at = hostPart.lastIndexOf("@");
  const host = hostPart.slice(at + 1);
  if (host === "") throw new NotV2Error(`no host in ${url}`);
  return {
    user: at === -1 ? null : hostPart.slice(0, at),
    host,
    hostAndPort: host,
    port: null,
    path: homePath(url.slice(colon + 1)),
  };
}
