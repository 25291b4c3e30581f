/**
 * A loopback HTTP server for fetch tests: serves bytes or files at paths, redirects, answers
 * conditional requests from an ETag / Last-Modified, and misbehaves on request (hangs before or
 * after the headers, cuts a body short, fails with a status a few times first). Counts every
 * request so a test can prove that a cached lock asked nothing. Also a tiny forward proxy for
 * http:// (absolute-URI requests), counting what went through it.
 */
import { createReadStream, statSync } from "node:fs";
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { TestContext } from "node:test";

export interface Route {
  /** The body: bytes, or `{ file }` streamed from disk. */
  readonly body?: Uint8Array | string | { readonly file: string };
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent, and matched against If-None-Match for a 304. */
  readonly etag?: string;
  /** Sent, and matched against If-Modified-Since for a 304. */
  readonly lastModified?: string;
  /** A 302 to this location. */
  readonly redirect?: string;
  /** Never answer (`headers`), or send the headers and part of the body then stall (`body`). */
  readonly hang?: "headers" | "body";
  /** Send this many bytes of the body (with the full Content-Length), then close. */
  readonly truncateAt?: number;
  /** Answer this status to the first `count` requests, then behave normally. */
  readonly failFirst?: { readonly count: number; readonly status: number };
  /** Omit Content-Length (chunked encoding). */
  readonly chunked?: boolean;
}

export interface RequestRecord {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage["headers"];
}

export interface TestHttpServer {
  readonly origin: string;
  url(path: string): string;
  route(path: string, route: Route): void;
  readonly requests: RequestRecord[];
  /** Requests made to `path` so far. */
  count(path: string): number;
  close(): Promise<void>;
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    });
  });
}

function closer(server: Server, sockets: Set<Socket>): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
}

function track(server: Server): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  return sockets;
}

function bodyOf(route: Route): { size: number; chunks: () => AsyncIterable<Uint8Array> } {
  const body = route.body ?? "";
  if (typeof body === "object" && "file" in body) {
    return {
      size: statSync(body.file).size,
      chunks: () => createReadStream(body.file, { highWaterMark: 1 << 20 }),
    };
  }
  const bytes = typeof body === "string" ? Buffer.from(body) : Buffer.from(body);
  return {
    size: bytes.length,
    chunks: async function* () {
      yield bytes;
    },
  };
}

async function serve(route: Route, req: IncomingMessage, res: ServerResponse, failures: number) {
  if (route.failFirst !== undefined && failures <= route.failFirst.count) {
    res.writeHead(route.failFirst.status).end("try later");
    return;
  }
  if (route.redirect !== undefined) {
    res.writeHead(302, { location: route.redirect }).end();
    return;
  }
  if (route.hang === "headers") return;
  const validators: Record<string, string> = {
    ...(route.etag === undefined ? {} : { etag: route.etag }),
    ...(route.lastModified === undefined ? {} : { "last-modified": route.lastModified }),
  };
  const etagMatch = route.etag !== undefined && req.headers["if-none-match"] === route.etag;
  const dateMatch =
    route.lastModified !== undefined && req.headers["if-modified-since"] === route.lastModified;
  if (etagMatch || dateMatch) {
    res.writeHead(304, validators).end();
    return;
  }
  const { size, chunks } = bodyOf(route);
  res.writeHead(route.status ?? 200, {
    ...(route.chunked === true ? {} : { "content-length": String(size) }),
    ...validators,
    ...route.headers,
  });
  let sent = 0;
  const limit = route.truncateAt ?? (route.hang === "body" ? Math.floor(size / 2) : Infinity);
  for await (const chunk of chunks()) {
    const part = chunk.subarray(0, Math.max(0, limit - sent));
    if (part.length > 0 && !res.write(part)) {
      await new Promise((resolve) => res.once("drain", resolve));
    }
    sent += part.length;
    if (sent >= limit) break;
  }
  if (route.hang === "body") return;
  if (route.truncateAt !== undefined) {
    // Flush what was written, then close the connection: the body ends short of its length.
    res.socket?.end();
    return;
  }
  res.end();
}

/** Starts a server on 127.0.0.1; closed when the test ends. */
export async function startHttpServer(t?: TestContext): Promise<TestHttpServer> {
  const routes = new Map<string, Route>();
  const failures = new Map<string, number>();
  const requests: RequestRecord[] = [];
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    requests.push({ method: req.method ?? "", path, headers: req.headers });
    const route = routes.get(path);
    if (route === undefined) {
      res.writeHead(404).end("not found");
      return;
    }
    failures.set(path, (failures.get(path) ?? 0) + 1);
    serve(route, req, res, failures.get(path)!).catch(() => res.destroy());
  });
  const sockets = track(server);
  const origin = await listen(server);
  const close = closer(server, sockets);
  t?.after(close);
  return {
    origin,
    url: (path) => `${origin}${path}`,
    route: (path, route) => {
      routes.set(path, route);
      failures.delete(path);
    },
    requests,
    count: (path) => requests.filter((r) => r.path === path).length,
    close,
  };
}

export interface TestHttpProxy {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** The absolute URLs requested through the proxy. */
  readonly forwarded: string[];
  close(): Promise<void>;
}

/** A forward proxy for http:// URLs (no CONNECT); closed when the test ends. */
export async function startHttpProxy(t?: TestContext): Promise<TestHttpProxy> {
  const forwarded: string[] = [];
  const server = createServer((req, res) => {
    forwarded.push(req.url ?? "");
    const target = new URL(req.url ?? "");
    const upstream = httpRequest(
      {
        hostname: target.hostname,
        port: target.port,
        path: target.pathname + target.search,
        method: req.method,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  const sockets = track(server);
  const url = await listen(server);
  const close = closer(server, sockets);
  t?.after(close);
  return { url, forwarded, close };
}
