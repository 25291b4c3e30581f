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
import { type ListedRef, lsRefsRequest, readAdvertisement, readLsRefs } from "./v2-protocol.ts";

export interface StreamConnection {
  readonly reader: PktLineReader;
  write(bytes: Buffer): void;
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
    end: () => {
      socket.end();
    },
    failure: async () => "",
    destroy: () => {
      socket.destroy();
    },
  };
}

/** Lists the refs under `prefixes` over `connection`, then closes it. */
export async function lsRefsOverStream(
  connection: StreamConnection,
  prefixes: readonly string[],
): Promise<ListedRef[]> {
  try {
    const capabilities = await readAdvertisement(connection.reader);
    connection.write(lsRefsRequest(capabilities, prefixes));
    const refs = await readLsRefs(connection.reader, prefixes);
    connection.write(FLUSH_PKT);
    connection.end();
    return refs;
  } catch (error) {
    // A remote that hung up usually said why on its way out (upload-pack's or ssh's stderr).
    const said = connection.reader.ended ? (await connection.failure()).trim() : "";
    connection.destroy();
    if ((error instanceof RemoteError || error instanceof ProtocolError) && said !== "") {
      throw new RemoteError("refused", summarizeStderr(said));
    }
    throw error;
  }
}
