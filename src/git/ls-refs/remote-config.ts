/**
 * The part of git's configuration a ref listing needs, read with one `git config` process per
 * lister (not one per mirror): remote names and their URLs, `url.<base>.insteadOf` rewriting,
 * the ssh command and variant, and whether any `http.*` setting this client does not honour is
 * set (then http(s) listings go to `git ls-remote`, which honours it).
 *
 * Rewriting follows git's remote.c: of all `insteadOf` values that are a prefix of the URL, the
 * longest wins and is replaced by its `<base>`; a remote's URL is rewritten the same way.
 * `pushInsteadOf` applies to push URLs only (git never uses it to fetch or to `ls-remote`), so a
 * listing does not read it.
 */
import type { SshConfig } from "./ssh-command.ts";

/** One `git config -z --get-regexp` pattern for every key below (keys are matched lowercased). */
export const REMOTE_CONFIG_PATTERN =
  "^(url\\..*\\.insteadof|remote\\..*\\.url|remote\\..*\\.proxy|core\\.sshcommand|core\\.gitproxy|ssh\\.variant|http\\..*)$";

/**
 * `http.*` settings that change nothing about how a ref listing is made (buffer sizes, pack
 * options): anything else (proxy, CA, client certificates, extra headers, cookies, version,
 * per-URL sections) sends http(s) listings to `git ls-remote`.
 */
const HARMLESS_HTTP = new Set([
  "http.postbuffer",
  "http.lowspeedlimit",
  "http.lowspeedtime",
  "http.maxrequests",
  "http.minsessions",
  "http.receivepack",
  "http.uploadpack",
  "http.getanyfile",
  "http.uploadarch",
  "http.delaypackfetch",
]);

/**
 * The first setting (an `http.*` key or a `GIT_SSL_*`/`GIT_HTTP_*`/`GIT_CURL_*` variable) that git
 * would honour for `scheme` and this client does not, or null. TLS settings matter to https only.
 */
export function unhonouredHttpSetting(
  scheme: "http" | "https",
  config: RemoteConfig,
  env: NodeJS.ProcessEnv,
): string | null {
  const tls = (name: string) => name.startsWith("http.ssl") || name.startsWith("GIT_SSL_");
  const key = config.httpSettings.find((name) => scheme === "https" || !tls(name));
  if (key !== undefined) return key;
  const variable = Object.keys(env).find(
    (name) =>
      env[name] !== undefined &&
      (name.startsWith("GIT_SSL_") ||
        name.startsWith("GIT_HTTP_") ||
        name.startsWith("GIT_CURL_")) &&
      (scheme === "https" || !tls(name)),
  );
  return variable ?? null;
}

export interface RemoteConfig {
  /** `[prefix, base]` pairs from `url.<base>.insteadOf = <prefix>`. */
  readonly insteadOf: readonly (readonly [string, string])[];
  /** A remote's first URL, by name. */
  readonly remotes: ReadonlyMap<string, string>;
  readonly ssh: SshConfig;
  /** The `http.*` keys set (lowercased) that this client does not honour, and `remote.*.proxy`. */
  readonly httpSettings: readonly string[];
  /** Whether `core.gitProxy` is set: git:// connections go through a command (git ls-remote's). */
  readonly gitProxy: boolean;
}

export const EMPTY_REMOTE_CONFIG: RemoteConfig = {
  insteadOf: [],
  remotes: new Map(),
  ssh: { sshCommand: null, variant: null },
  httpSettings: [],
  gitProxy: false,
};

/** Parses `git config -z --get-regexp` output: `key\nvalue\0` records (a bare key: no value). */
export function parseRemoteConfig(text: string): RemoteConfig {
  const insteadOf: [string, string][] = [];
  const remotes = new Map<string, string>();
  let sshCommand: string | null = null;
  let variant: string | null = null;
  const httpSettings: string[] = [];
  let gitProxy = false;
  for (const record of text.split("\0")) {
    if (record === "") continue;
    const newline = record.indexOf("\n");
    const key = newline === -1 ? record : record.slice(0, newline);
    const value = newline === -1 ? null : record.slice(newline + 1);
    const lower = key.toLowerCase();
    if (lower.startsWith("url.") && lower.endsWith(".insteadof")) {
      if (value !== null && value !== "")
        insteadOf.push([value, key.slice(4, -".insteadof".length)]);
    } else if (lower.startsWith("remote.") && lower.endsWith(".url")) {
      const name = key.slice("remote.".length, -".url".length);
      if (value !== null && value !== "" && !remotes.has(name)) remotes.set(name, value);
    } else if (lower.startsWith("remote.") && lower.endsWith(".proxy")) {
      if (!httpSettings.includes(lower)) httpSettings.push(lower);
    } else if (lower === "core.gitproxy") {
      gitProxy = true;
    } else if (lower === "core.sshcommand") {
      sshCommand = value;
    } else if (lower === "ssh.variant") {
      variant = value;
    } else if (lower.startsWith("http.") && !HARMLESS_HTTP.has(lower)) {
      if (!httpSettings.includes(lower)) httpSettings.push(lower);
    }
  }
  return { insteadOf, remotes, ssh: { sshCommand, variant }, httpSettings, gitProxy };
}

/** `url` with the longest matching `insteadOf` prefix replaced by its base (git's alias_url). */
export function rewriteUrl(url: string, insteadOf: RemoteConfig["insteadOf"]): string {
  let best: readonly [string, string] | null = null;
  for (const pair of insteadOf) {
    if (url.startsWith(pair[0]) && (best === null || pair[0].length > best[0].length)) best = pair;
  }
  return best === null ? url : best[1] + url.slice(best[0].length);
}
