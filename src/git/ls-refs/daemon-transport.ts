/**
 * git:// (git daemon): one TCP connection to host:port (9418 by default), the request line
 * `git-upload-pack <path>\0host=<host>\0\0version=2\0` (the extra parameter after the second NUL
 * asks the daemon to run upload-pack in protocol v2), then a v2 session on the socket.
 * No process is started.
 */
import { connect } from "node:net";
import { RemoteError } from "./listing-errors.ts";
import { pktLine } from "./pkt-line.ts";
import { lsRefsOverStream, PipelineRefused, socketConnection } from "./stream-session.ts";
import { type HostPath, parseHostUrl } from "./url-parts.ts";
import type { ListedRef, ListOptions } from "./v2-protocol.ts";

const DEFAULT_PORT = 9418;

async function session(
  target: HostPath,
  prefixes: readonly string[],
  signal: AbortSignal,
  pipelined: boolean,
  options: ListOptions,
): Promise<ListedRef[]> {
  const port = target.port === null ? DEFAULT_PORT : Number(target.port);
  const socket = connect({ host: target.host, port });
  const connection = socketConnection(socket);
  const abort = () => connection.destroy();
  signal.addEventListener("abort", abort, { once: true });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", () => resolve());
      socket.once("error", (error) =>
        reject(
          new RemoteError("connect", `cannot connect to ${target.host}:${port}: ${error.message}`),
        ),
      );
    });
    socket.write(
      pktLine(`git-upload-pack ${target.path}\0host=${target.hostAndPort}\0\0version=2\0`),
    );
    return await lsRefsOverStream(connection, prefixes, pipelined, options);
  } finally {
    signal.removeEventListener("abort", abort);
    socket.destroy();
  }
}

export async function lsRefsOverDaemon(
  url: string,
  prefixes: readonly string[],
  signal: AbortSignal,
  options: ListOptions = {},
): Promise<ListedRef[]> {
  const target = parseHostUrl(url);
  try {
    return await session(target, prefixes, signal, true, options);
  } catch (error) {
    if (!(error instanceof PipelineRefused) || signal.aborted) throw error;
    return session(target, prefixes, signal, false, options);
  }
}
