/**
 * Smart HTTP in protocol v2 (gitprotocol-http(5)), with Node's fetch and no process:
 *
 * 1. `GET <url>/info/refs?service=git-upload-pack` with `Git-Protocol: version=2`: the capability
 *    advertisement. Redirects are followed here only (git's `http.followRedirects=initial`), at
 *    most 10, never from https to http; the repository's URL then becomes the redirected one,
 *    which must still end in `/info/refs?service=git-upload-pack` (as git requires).
 * 2. `POST <url>/git-upload-pack` with the `ls-refs` command: the refs under the prefixes.
 *
 * A 401 asks `git credential fill` once (Basic authentication; the URL's own user and password
 * when it has both), retries, then `approve`s the credential when it worked or `reject`s it when
 * it did not. The credential is sent only to the origin that asked for it.
 *
 * Falls back (`NotV2Error`) for what this client does not do and git does: a proxy in the
 * environment, a dumb HTTP server, a v0 server, an authentication scheme other than Basic, a URL
 * with a query. The lister also sends a listing to `git ls-remote` before it gets here when git's
 * configuration or environment holds an HTTP setting this client does not honour (`http.proxy`,
 * extra headers, cookies; for https a CA file or client certificate: remote-config.ts).
 */
import type { Credential, CredentialRequest, CredentialSource } from "./credentials.ts";
import { NotV2Error, ProtocolError, RemoteError } from "./listing-errors.ts";
import { PktLineReader } from "./pkt-line.ts";
import {
  type ListedRef,
  type ListOptions,
  lsRefsRequest,
  readAdvertisement,
  readLsRefs,
} from "./v2-protocol.ts";

const SERVICE_SUFFIX = "/info/refs?service=git-upload-pack";
const MAX_REDIRECTS = 10;
/** Presented as git's (servers such as GitHub speak v2 only to agents named `git/…`). */
export const USER_AGENT = "git/eka-0.1";

export interface HttpContext {
  readonly credentials: CredentialSource;
  readonly env: NodeJS.ProcessEnv;
  /** Milliseconds left for the whole listing (bounds `git credential fill`). */
  readonly remainingMs: () => number;
}

function proxyVariable(env: NodeJS.ProcessEnv, url: URL): string | null {
  const scheme = url.protocol.slice(0, -1);
  const names = [`${scheme}_proxy`, `${scheme.toUpperCase()}_PROXY`, "all_proxy", "ALL_PROXY"];
  if (scheme === "http") names.splice(1, 1); // git (curl) ignores HTTP_PROXY: CGI sets it
  const proxy = names.map((name) => env[name]).find((value) => value !== undefined && value !== "");
  if (proxy === undefined) return null;
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  const noProxy = (env["no_proxy"] ?? env["NO_PROXY"] ?? "")
    .split(/[\s,]+/)
    .map((entry) =>
      entry
        .toLowerCase()
        .replace(/^\*?\./, "")
        .replace(/:\d+$/, ""),
    )
    .filter((entry) => entry !== "");
  if (noProxy.includes("*")) return null;
  if (noProxy.some((entry) => host === entry || host.endsWith(`.${entry}`))) return null;
  return proxy;
}

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

function offersBasic(response: Response): boolean {
  const header = response.headers.get("www-authenticate") ?? "";
  return /(^|[\s,])basic(\s|$|,)/i.test(header);
}

function mediaType(response: Response): string {
  return (response.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
}

function basic(credential: Credential): string {
  const token = Buffer.from(`${credential.username}:${credential.password}`, "utf8");
  return `Basic ${token.toString("base64")}`;
}

/** The body's chunks (Node's web streams are async iterables; the DOM typings do not say so). */
async function* bodyChunks(response: Response): AsyncIterable<Uint8Array> {
  if (response.body === null) return;
  const reader = response.body.getReader();
  try {
    for (;;) {
      const next = await reader.read();
      if (next.done) return;
      yield next.value as Uint8Array;
    }
  } finally {
    await reader.cancel().catch(() => {}); // a body left unread would hold its connection
  }
}

async function discard(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => {});
}

function statusError(response: Response, what: string): RemoteError {
  const reason = response.status === 404 ? "not-found" : "refused";
  const text = response.statusText === "" ? "" : ` ${response.statusText}`;
  return new RemoteError(reason, `${what}: HTTP ${response.status}${text}`);
}

/** Where the credential came from: the URL (used as is) or a helper (approved or rejected). */
interface Auth {
  readonly origin: string;
  readonly request: CredentialRequest;
  readonly credential: Credential;
  readonly fromHelper: boolean;
}

export async function lsRefsOverHttp(
  context: HttpContext,
  url: string,
  prefixes: readonly string[],
  signal: AbortSignal,
  options: ListOptions = {},
): Promise<ListedRef[]> {
  const parsed = new URL(url);
  if (parsed.search !== "" || parsed.hash !== "") throw new NotV2Error("a URL with a query");
  if (proxyVariable(context.env, parsed) !== null) throw new NotV2Error("a proxy is configured");
  const urlUser = parsed.username === "" ? null : decodeURIComponent(parsed.username);
  const urlPassword = parsed.password === "" ? null : decodeURIComponent(parsed.password);
  parsed.username = "";
  parsed.password = "";
  let base = parsed.href.replace(/\/+$/, "");
  // In an object: TypeScript would narrow a plain variable to null across the closures.
  const state: { auth: Auth | null } = { auth: null };

  const send = async (method: "GET" | "POST", target: string, body?: Buffer) => {
    const headers: Record<string, string> = {
      "User-Agent": USER_AGENT,
      "Git-Protocol": "version=2",
      Pragma: "no-cache",
    };
    if (method === "POST") {
      headers["Content-Type"] = "application/x-git-upload-pack-request";
      headers["Accept"] = "application/x-git-upload-pack-result";
    }
    const auth = state.auth;
    if (auth !== null && new URL(target).origin === auth.origin) {
      headers["Authorization"] = basic(auth.credential);
    }
    try {
      return await fetch(target, {
        method,
        headers,
        redirect: "manual",
        signal,
        ...(body === undefined ? {} : { body }),
      });
    } catch (error) {
      if (signal.aborted) throw error;
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const why = cause?.code ?? cause?.message ?? String(error);
      throw new RemoteError("connect", `cannot connect to ${new URL(target).host}: ${why}`);
    }
  };

  /** After a 401: a credential for `target`'s origin, or a RemoteError saying there is none. */
  const authenticate = async (response: Response, target: string): Promise<void> => {
    await discard(response);
    if (!offersBasic(response)) throw new NotV2Error("an authentication scheme other than Basic");
    const where = new URL(target);
    const repoPath = base.startsWith(where.origin) ? new URL(base).pathname : where.pathname;
    const request: CredentialRequest = {
      protocol: where.protocol.slice(0, -1),
      host: where.host,
      path: decodeURIComponent(repoPath.replace(/^\/+/, "")),
      username: urlUser,
    };
    if (urlUser !== null && urlPassword !== null) {
      state.auth = {
        origin: where.origin,
        request,
        credential: { username: urlUser, password: urlPassword },
        fromHelper: false,
      };
      return;
    }
    const credential = await context.credentials.fill(request, context.remainingMs());
    if (credential === null) {
      throw new RemoteError("auth", "the server asks for credentials and git credential has none");
    }
    state.auth = { origin: where.origin, request, credential, fromHelper: true };
  };

  const refused = async (response: Response): Promise<never> => {
    await discard(response);
    const used = state.auth;
    if (used?.fromHelper === true) await context.credentials.reject(used.request, used.credential);
    throw new RemoteError("auth", `authentication failed (HTTP ${response.status})`);
  };

  // 1. The capability advertisement, following redirects.
  let target = `${base}${SERVICE_SUFFIX}`;
  let redirects = 0;
  let response: Response;
  for (;;) {
    response = await send("GET", target);
    if (isRedirect(response.status)) {
      await discard(response);
      const location = response.headers.get("location");
      if (location === null) throw new RemoteError("redirect", "a redirect without a Location");
      const next = new URL(location, target);
      if (next.protocol !== "http:" && next.protocol !== "https:") {
        throw new RemoteError("redirect", `a redirect to a ${next.protocol} URL`);
      }
      if (new URL(target).protocol === "https:" && next.protocol === "http:") {
        throw new RemoteError("redirect", "a redirect from https to http");
      }
      if (++redirects > MAX_REDIRECTS) throw new RemoteError("redirect", "too many redirects");
      target = next.href;
      continue;
    }
    if (response.status === 401) {
      // A refusal counts against the credential only from the origin it was given for: after a
      // redirect to another origin, that origin is asked for its own.
      if (state.auth?.origin === new URL(target).origin) await refused(response);
      await authenticate(response, target);
      continue;
    }
    break;
  }
  if (!response.ok) {
    await discard(response);
    throw statusError(response, "the ref advertisement");
  }
  if (redirects > 0) {
    if (!target.endsWith(SERVICE_SUFFIX)) {
      await discard(response);
      throw new RemoteError("redirect", "redirected to a URL that is not a git repository's");
    }
    base = target.slice(0, -SERVICE_SUFFIX.length);
  }
  if (mediaType(response) !== "application/x-git-upload-pack-advertisement") {
    await discard(response);
    throw new NotV2Error("not a smart HTTP server");
  }
  const advertisement = new PktLineReader(bodyChunks(response));
  let capabilities: Awaited<ReturnType<typeof readAdvertisement>>;
  try {
    capabilities = await readAdvertisement(advertisement, { serviceLine: true });
  } finally {
    await advertisement.close();
  }

  // 2. The listing.
  const request = lsRefsRequest(capabilities, prefixes, options);
  const endpoint = `${base}/git-upload-pack`;
  let post = await send("POST", endpoint, request);
  if (post.status === 401 && state.auth?.origin !== new URL(endpoint).origin) {
    // A server may let anyone read the advertisement and ask for credentials on the command.
    await authenticate(post, endpoint);
    post = await send("POST", endpoint, request);
  }
  if (post.status === 401) await refused(post);
  if (isRedirect(post.status)) {
    await discard(post);
    throw new RemoteError("redirect", "a redirect in answer to the ls-refs request");
  }
  if (!post.ok) {
    await discard(post);
    throw statusError(post, "the ls-refs request");
  }
  if (mediaType(post) !== "application/x-git-upload-pack-result") {
    await discard(post);
    throw new ProtocolError(`unexpected content type ${JSON.stringify(mediaType(post))}`);
  }
  const reply = new PktLineReader(bodyChunks(post));
  let refs: ListedRef[];
  try {
    refs = await readLsRefs(reply, prefixes);
  } finally {
    await reply.close();
  }
  const used = state.auth;
  if (used?.fromHelper === true) await context.credentials.approve(used.request, used.credential);
  return refs;
}
