/**
 * One HTTP(S) download into a file, hashed (flat sha256) as it is written: redirects (at most
 * 10; http and https only), a connect time limit and an idle time limit (no byte for that long),
 * retries with exponential backoff and jitter on transient failures (connection errors, time
 * limits, 408/429/5xx, a body cut short), proxies (settings from src/config), conditional
 * requests (`If-None-Match`, `If-Modified-Since`), and progress with size and rate through
 * `Report`. Any failure is an `EKA_FETCH_FAILED` naming the redacted URL; the partial file is
 * the caller's to remove.
 */
import { createHash } from "node:crypto";
import { closeSync, ftruncateSync, openSync, writeSync } from "node:fs";
import { type ClientRequest, request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import type { FetchLimits } from "../config/index.ts";
import { EkaError, type Report } from "../core/index.ts";
import { proxyAuthorization, proxyFor, tunnel } from "./proxy.ts";
import { redactUrl } from "./redact-url.ts";

/**
 * A second consumer of the body as it arrives (an archive unpacked while it downloads). Each
 * attempt gets a fresh one; a failed attempt aborts it.
 */
export interface BodyTee {
  /** Takes a chunk; a promise holds the download back until it is ready for more. */
  write(chunk: Buffer): Promise<void> | undefined;
  /** The whole body arrived (checked against its length); rejects to fail the download. */
  end(): Promise<void>;
  /** The attempt failed: drop what was taken. */
  abort(): Promise<void>;
}

export interface DownloadOptions {
  readonly limits: FetchLimits;
  readonly report: Report;
  /** The file the body goes to (created or truncated for each attempt). */
  readonly dest: string;
  /** Validators of a copy the caller has: a match answers `not-modified`, with no body. */
  readonly etag?: string;
  readonly lastModified?: string;
  /** Makes the body's second consumer for an attempt. */
  readonly tee?: () => BodyTee;
}

export type DownloadResult =
  | { readonly status: "not-modified"; readonly finalUrl: string }
  | {
      readonly status: "ok";
      readonly finalUrl: string;
      readonly size: number;
      /** Flat sha256 of the body. */
      readonly digest: Uint8Array;
      readonly etag?: string;
      readonly lastModified?: string;
    };

const MAX_REDIRECTS = 10;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const TRANSIENT_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);
const TRANSIENT_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "UND_ERR_SOCKET",
]);
const PROGRESS_EVERY_MS = 200;

/** A failure worth another attempt. */
class Transient extends Error {
  readonly reason: string;
  constructor(message: string, reason: string) {
    super(message);
    this.reason = reason;
  }
}

/** Requests whose idle time limit fired (their body then fails with a plain "aborted"). */
const idle = new WeakSet<ClientRequest>();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Downloads `url` to `options.dest`. */
export async function download(url: string, options: DownloadOptions): Promise<DownloadResult> {
  const shown = redactUrl(url);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new EkaError("EKA_FETCH_FAILED", `not a URL: ${shown}`, {
      where: shown,
      hint: "write an absolute http://, https:// or file:// URL",
    });
  }
  const { retries, retryDelayMs } = options.limits;
  for (let attempt = 0; ; attempt++) {
    try {
      return await followRedirects(parsed, options);
    } catch (error) {
      if (!(error instanceof Transient) || attempt >= retries) throw asFetchError(error, shown);
      const delay = retryDelayMs * 2 ** attempt * (0.5 + Math.random());
      options.report.warn(
        "EKA_FETCH_FAILED",
        `${shown}: ${error.message}; trying again in ${(delay / 1000).toFixed(1)} s (attempt ${attempt + 2} of ${retries + 1})`,
      );
      await sleep(delay);
    }
  }
}

function asFetchError(error: unknown, shown: string): EkaError {
  if (error instanceof EkaError) return error;
  const reason = error instanceof Transient ? error.reason : "failed";
  const message = error instanceof Error ? error.message : String(error);
  return new EkaError("EKA_FETCH_FAILED", `cannot download ${shown}: ${message}`, {
    where: shown,
    hint:
      reason === "timeout"
        ? "the server stopped answering: try again later, or raise fetch.idle-timeout / fetch.connect-timeout in eka.toml"
        : "check the URL and the network (and http_proxy/https_proxy/no_proxy when behind a proxy), then try again",
    data: { url: shown, reason },
    cause: error,
  });
}

async function followRedirects(start: URL, options: DownloadOptions): Promise<DownloadResult> {
  let url = start;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new EkaError("EKA_FETCH_FAILED", `cannot download ${redactUrl(url)}: not http(s)`, {
        where: redactUrl(start),
        hint: "eka downloads http:// and https:// URLs (and reads file:// ones)",
      });
    }
    const { req, res } = await send(url, options, hop === 0);
    const status = res.statusCode ?? 0;
    if (REDIRECTS.has(status)) {
      const location = res.headers.location;
      res.resume();
      req.destroy();
      if (location === undefined) throw new Error(`redirect ${status} without a Location`);
      url = new URL(location, url);
      continue;
    }
    if (status === 304) {
      res.resume();
      return { status: "not-modified", finalUrl: url.href };
    }
    if (status !== 200) {
      res.resume();
      req.destroy();
      const message = `the server answered ${status} ${res.statusMessage ?? ""}`.trim();
      if (TRANSIENT_STATUS.has(status)) throw new Transient(message, `http ${status}`);
      throw new EkaError("EKA_FETCH_FAILED", `cannot download ${redactUrl(start)}: ${message}`, {
        where: redactUrl(start),
        hint:
          status === 404
            ? "check the URL: nothing is there"
            : "check the URL and your access to it",
        data: { url: redactUrl(start), status },
      });
    }
    return await receive(url, req, res, options);
  }
  throw new EkaError(
    "EKA_FETCH_FAILED",
    `cannot download ${redactUrl(start)}: more than ${MAX_REDIRECTS} redirects`,
    {
      where: redactUrl(start),
      hint: "the server redirects in a loop; ask its owner, or use the final URL",
    },
  );
}

/** Sends the request; resolves with the response head, under the two time limits. */
async function send(
  url: URL,
  options: DownloadOptions,
  conditional: boolean,
): Promise<{ req: ClientRequest; res: IncomingMessage }> {
  const { connectTimeoutMs, idleTimeoutMs, proxy } = options.limits;
  const headers: Record<string, string> = {
    "user-agent": "eka",
    accept: "*/*",
    "accept-encoding": "identity",
  };
  if (conditional && options.etag !== undefined) headers["if-none-match"] = options.etag;
  if (conditional && options.lastModified !== undefined) {
    headers["if-modified-since"] = options.lastModified;
  }
  if (url.username !== "") {
    const user = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    headers["authorization"] = `Basic ${Buffer.from(user).toString("base64")}`;
  }
  const via = proxyFor(url, proxy);
  let req: ClientRequest;
  const target = {
    hostname: url.hostname.replace(/^\[|\]$/g, ""),
    path: url.pathname + url.search,
  };
  if (via === undefined) {
    const port = url.port === "" ? undefined : Number(url.port);
    const base = { ...target, ...(port === undefined ? {} : { port }), headers, agent: false };
    req = url.protocol === "https:" ? httpsRequest(base) : httpRequest(base);
  } else if (url.protocol === "http:") {
    req = httpRequest({
      hostname: via.hostname,
      port: via.port === "" ? 80 : Number(via.port),
      path: url.href,
      headers: { ...headers, host: url.host, ...proxyAuthorization(via) },
      agent: false,
    });
  } else {
    let socket: Awaited<ReturnType<typeof tunnel>>;
    try {
      socket = await tunnel(via, url, connectTimeoutMs);
    } catch (error) {
      throw new Transient(error instanceof Error ? error.message : String(error), "proxy");
    }
    // No `agent` here: with one (even `false`, a fresh agent), Node dials the host itself and
    // ignores `createConnection`; without, the request goes over the tunnel's TLS socket.
    const port = url.port === "" ? {} : { port: Number(url.port) };
    req = httpsRequest({ ...target, ...port, headers, createConnection: () => socket });
  }
  return new Promise((resolve, reject) => {
    const connectTimer = setTimeout(() => {
      req.destroy(new Transient(`no connection within ${connectTimeoutMs / 1000} s`, "timeout"));
    }, connectTimeoutMs);
    req.once("socket", (socket) => {
      if (!socket.connecting) clearTimeout(connectTimer);
      else socket.once("connect", () => clearTimeout(connectTimer));
    });
    req.setTimeout(idleTimeoutMs, () => {
      idle.add(req);
      req.destroy(new Transient(`no data for ${idleTimeoutMs / 1000} s`, "timeout"));
    });
    req.once("error", (error) => {
      clearTimeout(connectTimer);
      reject(classify(error));
    });
    req.once("response", (res) => {
      clearTimeout(connectTimer);
      resolve({ req, res });
    });
    req.end();
  });
}

function classify(error: unknown): Error {
  if (error instanceof Transient || error instanceof EkaError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  const message = error instanceof Error ? error.message : String(error);
  if (code !== undefined && TRANSIENT_CODES.has(code)) return new Transient(message, "network");
  return error instanceof Error ? error : new Error(message);
}

/** Streams the body into the file and the hash, checking it arrives whole. */
async function receive(
  url: URL,
  req: ClientRequest,
  res: IncomingMessage,
  options: DownloadOptions,
): Promise<DownloadResult> {
  const lengthHeader = res.headers["content-length"];
  const expected = lengthHeader === undefined ? undefined : Number(lengthHeader);
  const hash = createHash("sha256");
  const fd = openSync(options.dest, "w");
  const shown = redactUrl(url);
  const started = performance.now();
  let size = 0;
  let shownAt = 0;
  const tee = options.tee?.();
  try {
    ftruncateSync(fd, 0);
    try {
      for await (const chunk of res as AsyncIterable<Buffer>) {
        hash.update(chunk);
        writeSync(fd, chunk);
        size += chunk.length;
        const ready = tee?.write(chunk);
        if (ready !== undefined) await ready;
        const now = performance.now();
        if (now - shownAt >= PROGRESS_EVERY_MS) {
          shownAt = now;
          progress(options.report, shown, size, expected, now - started);
        }
      }
    } catch (error) {
      if (error instanceof EkaError) throw error;
      if (idle.has(req)) {
        const seconds = options.limits.idleTimeoutMs / 1000;
        throw new Transient(`no data for ${seconds} s after ${size} bytes`, "timeout");
      }
      const reason = error instanceof Transient ? error.reason : "network";
      const why = error instanceof Error ? error.message : String(error);
      throw new Transient(`the body was cut short after ${size} bytes (${why})`, reason);
    } finally {
      req.destroy();
    }
    if (!res.complete || (expected !== undefined && size !== expected)) {
      throw new Transient(
        `the body was cut short: ${size} of ${expected ?? "?"} bytes arrived`,
        "truncated",
      );
    }
  } catch (error) {
    await tee?.abort();
    throw error;
  } finally {
    closeSync(fd);
  }
  await tee?.end();
  progress(options.report, shown, size, expected, performance.now() - started);
  const etag = res.headers.etag;
  const lastModified = res.headers["last-modified"];
  return {
    status: "ok",
    finalUrl: url.href,
    size,
    digest: new Uint8Array(hash.digest()),
    ...(etag === undefined ? {} : { etag }),
    ...(lastModified === undefined ? {} : { lastModified }),
  };
}

const MB = 1e6;

function progress(
  report: Report,
  url: string,
  size: number,
  total: number | undefined,
  ms: number,
) {
  const rate = ms > 0 ? size / MB / (ms / 1000) : 0;
  const round = (n: number) => Math.round(n * 10) / 10;
  report.progress(
    `downloading ${url} (MB, ${rate.toFixed(1)} MB/s)`,
    round(size / MB),
    total === undefined ? undefined : round(total / MB),
  );
}
