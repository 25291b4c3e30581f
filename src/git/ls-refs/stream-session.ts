/**
 * A v2 ref listing over a two-way byte stream (git upload-pack's stdin/stdout, an ssh process,
 * a git:// socket): read the capabilities, send `ls-refs`, read the reply, then a flush to end
 * the session. The stream is closed in every case; when the remote hangs up early, its own words
 * (upload-pack's or ssh's stderr) become the error.
 */
import type { ChildProcess } from "node:child_process";
import type { Socket } from "node:net";
import { summarizeStderr } from "../git-runner.ts";
import { ProtocolError, RemoteError } from "./listing-errors.ts";
import { FLUSH_PKT, PktLineReader } from "./pkt-line.ts";
import {
  type Capabilities,
  type ListedRef,
  type ListOptions,
  lsRefsRequest,
  readAdvertisement,
  readLsRefs,
} from "./v2-protocol.ts";

export interface StreamConnection {
  readonly reader: PktLineReader;
  write(bytes: Buffer): void;
  /** Closes the way to the remote (it sees EOF after what was written); reading goes on. */
  endInput(): void;
  /** Ends the session politely: the remote sees EOF and goes (a process gets a grace period). */
  end(): void;
  /** What the remote said on its way out (stderr), once it has gone; "" when nothing. */
  failure(): Promise<string>;
  /** Tears the stream down now (kills the process, destroys the socket). */
  destroy(): void;
}

const STDERR_LIMIT = 16 * 1024;
/** How long to wait for a process that closed its stdout to exit and finish its stderr. */
const EXIT_GRACE_MS = 2000;

/** A connection over a spawned process (upload-pack, ssh). */
export function processConnection(child: ChildProcess): StreamConnection {
  let stderr = "";
  let spawnError: Error | null = null;
  const exited = new Promise<void>((resolve) => {
    child.once("close", () => resolve());
    child.once("error", (error) => {
      spawnError = error;
      resolve();
    });
  });
  child.stderr!.on("data", (chunk: Buffer) => {
    if (stderr.length < STDERR_LIMIT) stderr += chunk.toString("utf8");
  });
  child.stdin!.on("error", () => {}); // EPIPE when the process exits early: stderr says why
  return {
    reader: new PktLineReader(child.stdout!),
    write: (bytes) => {
      child.stdin!.write(bytes);
    },
    endInput: () => {
      child.stdin!.end();
    },
    end: () => {
      child.stdin!.end();
      child.stdout!.destroy();
      const timer = setTimeout(() => {
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      }, EXIT_GRACE_MS);
      timer.unref();
      child.once("exit", () => clearTimeout(timer));
    },
    failure: async () => {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        exited,
        new Promise((resolve) => {
          timer = setTimeout(resolve, EXIT_GRACE_MS);
        }),
      ]);
      clearTimeout(timer);
      if (spawnError !== null) return `could not start ${child.spawnfile}: ${spawnError}`;
      return stderr;
    },
    destroy: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      child.stdout!.destroy();
      child.stderr!.destroy();
    },
  };
}

/** A connection over a connected socket (git://). */
export function socketConnection(socket: Socket): StreamConnection {
  return {
    reader: new PktLineReader(socket),
    write: (bytes) => {
      socket.write(bytes);
    },
    // No half-close: git daemon (2.39) drops a connection whose client shut its side down before
    // upload-pack answered. The closing flush already tells upload-pack to go.
    endInput: () => {},
    end: () => {
      socket.end();
    },
    failure: async () => "",
    destroy: () => {
      socket.destroy();
    },
  };
}

/**
 * What a pipelined request assumes of the server: ls-refs, and SHA-1 (a request without
 * `object-format` means SHA-1 to git). No `agent=`: it is optional.
 */
const ASSUMED: Capabilities = new Map([["ls-refs", null]]);

/** The server needs `object-format` in the request: list again over a new connection, in turn. */
export class PipelineRefused extends Error {
  override readonly name = "PipelineRefused";
}

/**
 * Lists the refs under `prefixes` over `connection`, then closes it.
 *
 * Pipelined (the default), the `ls-refs` request and the closing flush are written at once,
 * before the capability advertisement is read, and the way to the server is closed: one round
 * trip instead of two, which is what a listing over ssh or a busy machine pays for. The
 * advertisement is still read and checked (v2, ls-refs); a server whose repository uses another
 * object format than SHA-1 refuses a request that does not name it, which is a
 * `PipelineRefused`: the caller lists again with `pipelined: false` (the request then carries
 * the advertised object format).
 */
export async function lsRefsOverStream(
  connection: StreamConnection,
  prefixes: readonly string[],
  pipelined = true,
  options: ListOptions = {},
): Promise<ListedRef[]> {
  try {
    if (pipelined) {
      connection.write(Buffer.concat([lsRefsRequest(ASSUMED, prefixes, options), FLUSH_PKT]));
      connection.endInput();
    }
    const capabilities = await readAdvertisement(connection.reader);
    if (pipelined) {
      lsRefsRequest(capabilities, prefixes, options); // throws NotV2Error without ls-refs
      const format = capabilities.get("object-format");
      if (format !== undefined && format !== null && format !== "sha1") {
        throw new PipelineRefused(`the repository uses ${format}`);
      }
    } else {
      connection.write(lsRefsRequest(capabilities, prefixes, options));
    }
    const refs = await readLsRefs(connection.reader, prefixes);
    if (!pipelined) connection.write(FLUSH_PKT);
    connection.end();
    return refs;
  } catch (error) {
    if (error instanceof PipelineRefused) {
      connection.destroy();
      throw error;
    }
    // A remote that hung up usually said why on its way out (upload-pack's or ssh's stderr).
    const said = connection.reader.ended ? (await connection.failure()).trim() : "";
    connection.destroy();
    if ((error instanceof RemoteError || error instanceof ProtocolError) && said !== "") {
      throw new RemoteError("refused", summarizeStderr(said));
    }
    throw error;
  }
}
