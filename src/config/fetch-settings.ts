/**
 * Download settings: time limits, retries, the decompression-bomb limit, how long a fetched URL
 * is trusted before it is revalidated, and the proxies (from the usual environment variables).
 * Set in the user file's `[fetch]` table:
 *
 * ```toml
 * [fetch]
 * connect-timeout = 30        # seconds to open a connection
 * idle-timeout = 60           # seconds without a byte before a download is given up
 * retries = 3                 # further attempts after a transient failure, with backoff
 * max-unpacked-size = 8589934592   # bytes an archive may unpack to (a decompression bomb limit)
 * ttl = 3600                  # seconds a cached URL is used without asking the server again
 * ```
 */

/** The keys of `[fetch]`, with their defaults and smallest values. */
export const FETCH_KEYS = {
  "connect-timeout": { default: 30, min: 1 },
  "idle-timeout": { default: 60, min: 1 },
  retries: { default: 3, min: 0 },
  "max-unpacked-size": { default: 8 * 1024 ** 3, min: 1 },
  ttl: { default: 3600, min: 0 },
} as const;

export type FetchKey = keyof typeof FETCH_KEYS;

/** Proxies as curl and most tools read them: `http_proxy`, `https_proxy`, `no_proxy`. */
export interface ProxySettings {
  /** Proxy URL for http:// downloads. */
  readonly http?: string;
  /** Proxy URL for https:// downloads. */
  readonly https?: string;
  /** Hosts (and their subdomains) reached directly; `*` means every host. */
  readonly noProxy: readonly string[];
}

/** Everything a download needs to know, as plain values (see `fetchLimits`). */
export interface FetchLimits {
  readonly connectTimeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly retries: number;
  /** First backoff delay; each retry doubles it (with jitter). */
  readonly retryDelayMs: number;
  readonly maxUnpackedBytes: number;
  readonly ttlSeconds: number;
  readonly proxy: ProxySettings;
}

export const DEFAULT_FETCH_LIMITS: FetchLimits = {
  connectTimeoutMs: FETCH_KEYS["connect-timeout"].default * 1000,
  idleTimeoutMs: FETCH_KEYS["idle-timeout"].default * 1000,
  retries: FETCH_KEYS.retries.default,
  retryDelayMs: 250,
  maxUnpackedBytes: FETCH_KEYS["max-unpacked-size"].default,
  ttlSeconds: FETCH_KEYS.ttl.default,
  proxy: { noProxy: [] },
};

type Env = Readonly<Record<string, string | undefined>>;

function variable(env: Env, name: string): { value: string; from: string } | undefined {
  for (const v of [name.toLowerCase(), name.toUpperCase()]) {
    const value = env[v];
    if (value !== undefined && value !== "") return { value, from: v };
  }
  return undefined;
}

/** The proxies named by the environment, and the variables that named them. */
export function proxyFromEnv(env: Env): {
  readonly proxy: ProxySettings;
  readonly from: Readonly<Record<"http" | "https" | "noProxy", string | undefined>>;
} {
  const all = variable(env, "all_proxy");
  const http = variable(env, "http_proxy") ?? all;
  const https = variable(env, "https_proxy") ?? all;
  const none = variable(env, "no_proxy");
  const noProxy = (none?.value ?? "")
    .split(/[,\s]+/)
    .map((h) => h.trim().toLowerCase())
    .filter((h) => h !== "");
  return {
    proxy: {
      ...(http === undefined ? {} : { http: http.value }),
      ...(https === undefined ? {} : { https: https.value }),
      noProxy,
    },
    from: { http: http?.from, https: https?.from, noProxy: none?.from },
  };
}
