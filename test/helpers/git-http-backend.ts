/**
 * A loopback smart-HTTP git server: Node's http server running `git http-backend` (CGI) for every
 * request, serving every repository under a base directory (`GIT_HTTP_EXPORT_ALL`). The
 * `Git-Protocol` header goes to the backend as `GIT_PROTOCOL`, as web servers configured for git
 * do. Optionally behind HTTP Basic authentication, and with extra environment for the backend
 * (e.g. GIT_TRACE_PACKET). Records every request and the bytes of every response body.
 */
import { spawn } from "node:child_process";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { CleanupContext } from "./git.ts";

export interface GitHttpBackendOptions {
  /** The environment of the backend (default: this process's). */
  readonly env?: NodeJS.ProcessEnv;
  /** Require these credentials (HTTP Basic) for every request, or for POSTs only. */
  readonly basicAuth?: {
    readonly username: string;
    readonly password: string;
    readonly postOnly?: boolean;
  };
}

export interface GitHttpRequest {
  readonly method: string;
  /** Path and query, as requested. */
  readonly url: string;
  readonly status: number;
  /** The `Authorization` header's user name, when one was sent. */
  readonly username: string | null;
  readonly gitProtocol: string | null;
  /** Bytes of the response body. */
  readonly bytes: number;
}

export interface GitHttpBackend {
  readonly origin: string;
  /** The http:// URL of the repository at `path` (relative to the base directory). */
  url(path: string): string;
  /** Requests answered so far (recorded when the backend has finished). */
  readonly requests: GitHttpRequest[];
  /** Resolves when no request is being answered. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

function userOf(header: string | undefined): { username: string; password: string } | null {
  if (header === undefined || !header.startsWith("Basic ")) return null;
  const text = Buffer.from(header.slice(6), "base64").toString("utf8");
  const colon = text.indexOf(":");
  return colon === -1 ? null : { username: text.slice(0, colon), password: text.slice(colon + 1) };
}

function runBackend(
  base: string,
  env: NodeJS.ProcessEnv,
  req: IncomingMessage,
  res: ServerResponse,
  record: (status: number, bytes: number) => void,
  user: string | null,
): void {
  const url = new URL(req.url ?? "/", "http://x");
  const cgi: NodeJS.ProcessEnv = {
    ...env,
    GIT_PROJECT_ROOT: base,
    GIT_HTTP_EXPORT_ALL: "1",
    PATH_INFO: decodeURIComponent(url.pathname),
    QUERY_STRING: url.search.slice(1),
    REQUEST_METHOD: req.method ?? "GET",
    CONTENT_TYPE: req.headers["content-type"] ?? "",
    REMOTE_ADDR: "127.0.0.1",
    ...(user === null ? {} : { REMOTE_USER: user }),
    ...(req.headers["git-protocol"] === undefined
      ? {}
      : { GIT_PROTOCOL: String(req.headers["git-protocol"]) }),
    ...(req.headers["content-encoding"] === undefined
      ? {}
      : { HTTP_CONTENT_ENCODING: String(req.headers["content-encoding"]) }),
  };
  const child = spawn("git", ["http-backend"], { env: cgi, stdio: ["pipe", "pipe", "ignore"] });
  req.pipe(child.stdin);
  child.stdin.on("error", () => {});
  let head = Buffer.alloc(0);
  let started = false;
  let status = 200;
  let bytes = 0;
  child.stdout.on("data", (chunk: Buffer) => {
    if (started) {
      bytes += chunk.length;
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf("\r\n\r\n");
    if (end === -1) return;
    const headers: Record<string, string> = {};
    for (const line of head.subarray(0, end).toString("latin1").split("\r\n")) {
      const colon = line.indexOf(":");
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (name.toLowerCase() === "status") status = Number.parseInt(value, 10);
      else headers[name] = value;
    }
    res.writeHead(status, headers);
    started = true;
    const rest = head.subarray(end + 4);
    bytes += rest.length;
    if (rest.length > 0) res.write(rest);
  });
  child.on("close", () => {
    if (!started) res.writeHead(502);
    res.end();
    record(status, bytes);
  });
}

/** Starts the server on 127.0.0.1; closed when the test ends. */
export async function startGitHttpBackend(
  t: CleanupContext | null,
  base: string,
  options: GitHttpBackendOptions = {},
): Promise<GitHttpBackend> {
  const requests: GitHttpRequest[] = [];
  const env = options.env ?? process.env;
  let running = 0;
  let waiters: (() => void)[] = [];
  // Entries are recorded when a response ends (a CGI response ends after its process), but kept
  // in the order the requests came: a quick 401 must not come before the answer it followed.
  const arrivals: number[] = [];
  let arrived = 0;
  const server = createServer((req, res) => {
    running++;
    const order = arrived++;
    const sent = userOf(req.headers.authorization);
    const entry = (status: number, bytes: number) => {
      arrivals.length = requests.length; // a test may empty `requests` between steps
      let at = arrivals.length;
      while (at > 0 && arrivals[at - 1]! > order) at--;
      arrivals.splice(at, 0, order);
      requests.splice(at, 0, {
        method: req.method ?? "",
        url: req.url ?? "",
        status,
        username: sent?.username ?? null,
        gitProtocol: (req.headers["git-protocol"] as string | undefined) ?? null,
        bytes,
      });
      if (--running === 0) {
        for (const wake of waiters) wake();
        waiters = [];
      }
    };
    const auth = options.basicAuth;
    if (
      auth !== undefined &&
      (auth.postOnly !== true || req.method === "POST") &&
      (sent === null || sent.username !== auth.username || sent.password !== auth.password)
    ) {
      req.resume();
      res
        .writeHead(401, { "WWW-Authenticate": 'Basic realm="git"' })
        .end("authentication required");
      entry(401, 0);
      return;
    }
    runBackend(base, env, req, res, entry, sent?.username ?? null);
  });
  const sockets = new Set<Socket>();
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  const origin = await new Promise<string>((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    });
  });
  const close = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  t?.after(close);
  return {
    origin,
    url: (path) => `${origin}/${path.replace(/^\/+/, "")}`,
    requests,
    idle: () =>
      running === 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve)),
    close,
  };
}
