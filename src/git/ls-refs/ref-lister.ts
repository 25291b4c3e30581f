/**
 * A ref listing at the floor: git protocol v2 `ls-refs` with one `ref-prefix` per prefix, so the
 * server sends only the refs asked for (`git ls-remote` receives every ref and filters patterns
 * on the client). By transport:
 *
 * - local path, `file://`: git's own `upload-pack` (one process; a second one for a repository
 *   whose object format is not SHA-1, see stream-session.ts);
 * - ssh: the user's ssh, chosen and called as git does (ssh-command.ts; one process, plus git's
 *   `-G` probe once per host for an ssh program of unknown kind);
 * - `git://`: a TCP connection to the daemon (no process);
 * - `http(s)://`: smart HTTP v2 with fetch (no process; `git credential` only after a 401).
 *
 * Remote names, `insteadOf`, the ssh command and the HTTP settings come from one read of git's
 * configuration (remote-config.ts), made by the caller.
 *
 * Anything else, or a server that does not speak v2, goes to the caller's fallback
 * (`git ls-remote`). Every listing, fallback included, ends within a time limit: past it, the
 * connection or process is torn down and the listing fails with `EKA_REMOTE_UNREACHABLE`
 * (`data.reason = "timeout"`). Every failure names the remote by its redacted URL.
 *
 * Processes: none of its own (git's configuration comes from the caller, read once); the
 * transports' own as above. Each transport's module is loaded when a URL first needs it: a
 * resolve over file:// loads no HTTP, TCP or ssh code before its first listing starts.
 */
import { EkaError, isEkaError } from "../../core/errors.ts";
import type { GitRunner } from "../git-runner.ts";
import { redactText, transportOf } from "../transport.ts";
import type { CredentialSource } from "./credentials.ts";
import { NotV2Error, ProtocolError, RemoteError } from "./listing-errors.ts";
import type { SshContext } from "./process-transports.ts";
import { type RemoteConfig, unhonouredHttpSetting } from "./remote-config.ts";
import type { SshProgram } from "./ssh-command.ts";
import type { HostPath } from "./url-parts.ts";
import type { ListedRef, ListOptions } from "./v2-protocol.ts";

/** The time limit of one listing when the caller gives none. */
export const DEFAULT_LIST_TIMEOUT_MS = 30_000;

/** `git ls-remote` (or anything) for what the v2 client does not handle, within `timeoutMs`. */
export type ListFallback = (
  url: string,
  prefixes: readonly string[],
  timeoutMs: number,
  options: ListOptions,
) => Promise<ListedRef[]>;

/** How a listing was made (for tests, benchmarks and verbose output). */
export interface ListingEvent {
  /** The URL, credentials redacted. */
  readonly remote: string;
  readonly via: "v2" | "ls-remote";
  /** Why the fallback was taken. */
  readonly reason?: string;
}

export interface RefListerOptions {
  /** Runs `git credential` (in the lister's directory). */
  readonly runner: GitRunner;
  /** git's configuration as a listing needs it (read once, by the caller). */
  readonly config: () => Promise<RemoteConfig>;
  /** Runs `git upload-pack`: its environment must hold GIT_PROTOCOL=version=2. */
  readonly serverRunner: GitRunner;
  /** The user's environment (ssh program and variant, proxies). */
  readonly env: NodeJS.ProcessEnv;
  readonly fallback: ListFallback;
  /** Default time limit of each listing (DEFAULT_LIST_TIMEOUT_MS when absent). */
  readonly timeoutMs?: number;
  readonly credentials?: CredentialSource;
  readonly onListing?: (event: ListingEvent) => void;
}

export interface RefLister {
  /** The refs of `url` under `prefixes` (all refs when empty), sorted by name. */
  list(
    url: string,
    prefixes: readonly string[],
    timeoutMs?: number,
    options?: ListOptions,
  ): Promise<ListedRef[]>;
}

export function listingTimedOut(display: string, timeoutMs: number): EkaError {
  return new EkaError(
    "EKA_REMOTE_UNREACHABLE",
    `no answer from ${display} within ${timeoutMs} ms`,
    {
      where: display,
      hint: "check the URL and your network; a slow mirror needs a longer time limit",
      data: { reason: "timeout", timeoutMs },
    },
  );
}

const HINTS: Readonly<Record<string, string>> = {
  auth: "configure a git credential helper for this host (git help credential), or check the one you have",
  "not-found": "check the URL (or path): no repository answers there",
  redirect: "use the URL the server redirects to, if you trust it",
  protocol: "the server is not a git server, or a broken one",
};

function listingFailed(display: string, error: unknown): EkaError {
  if (isEkaError(error)) return error;
  const reason =
    error instanceof RemoteError
      ? error.reason
      : error instanceof ProtocolError
        ? "protocol"
        : "io";
  const text = redactText(error instanceof Error ? error.message : String(error));
  const message =
    reason === "protocol"
      ? `${display} broke the git protocol: ${text}`
      : `cannot list the refs of ${display}: ${text}`;
  return new EkaError("EKA_REMOTE_UNREACHABLE", message, {
    where: display,
    hint: HINTS[reason] ?? "check the URL (or path), your network and your credentials",
    data: { reason },
    cause: error,
  });
}

/** Runs `work` with a signal that fires at the deadline, rejecting then with a timeout error. */
async function withDeadline<T>(
  deadline: number,
  onTimeout: () => EkaError,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => {
        controller.abort();
        reject(onTimeout());
      },
      Math.max(0, deadline - Date.now()),
    );
  });
  const running = work(controller.signal);
  running.catch(() => {}); // after a timeout nobody waits for it
  try {
    return await Promise.race([running, expired]);
  } finally {
    clearTimeout(timer);
  }
}

export function createRefLister(options: RefListerOptions): RefLister {
  const defaultTimeout = options.timeoutMs ?? DEFAULT_LIST_TIMEOUT_MS;
  let credentials: Promise<CredentialSource> | undefined;
  const credentialSource = (): Promise<CredentialSource> => {
    credentials ??=
      options.credentials === undefined
        ? import("./credentials.ts").then(({ gitCredentials }) => gitCredentials(options.runner))
        : Promise.resolve(options.credentials);
    return credentials;
  };
  const sshEnv: NodeJS.ProcessEnv = { ...options.env, GIT_PROTOCOL: "version=2" };
  let program: Promise<SshProgram> | null = null;
  const probes = new Map<string, Promise<boolean>>();

  const sshContext = async (signal: AbortSignal): Promise<SshContext> => {
    program ??= Promise.all([options.config(), import("./ssh-command.ts")]).then(
      ([config, { sshProgram }]) => sshProgram(options.env, config.ssh),
    );
    const settled = await program;
    const { probeOpenSsh } = await import("./process-transports.ts");
    return {
      program: settled,
      env: sshEnv,
      probe: (target: HostPath) => {
        const key = `${target.user ?? ""}@${target.host}:${target.port ?? ""}`;
        let probe = probes.get(key);
        if (probe === undefined) {
          probe = probeOpenSsh(settled, sshEnv, target, signal);
          probes.set(key, probe);
          // A probe stopped by its listing's time limit answers nothing: the next one asks again.
          probe.catch(() => probes.delete(key));
        }
        return probe;
      },
    };
  };

  const overV2 = async (
    url: string,
    prefixes: readonly string[],
    signal: AbortSignal,
    deadline: number,
    listOptions: ListOptions,
  ): Promise<ListedRef[]> => {
    const kind = transportOf(url);
    switch (kind) {
      case "local":
      case "file": {
        const { localRepositoryPath, lsRefsOverLocal } = await import("./process-transports.ts");
        return lsRefsOverLocal(
          (args) => options.serverRunner.spawn(args),
          localRepositoryPath(url, kind),
          prefixes,
          signal,
          listOptions,
        );
      }
      case "ssh": {
        const context = await sshContext(signal);
        const { lsRefsOverSsh } = await import("./process-transports.ts");
        return lsRefsOverSsh(context, url, prefixes, signal, listOptions);
      }
      case "git": {
        // A proxy command for git:// is run by git itself: git ls-remote goes through it.
        if ((await options.config()).gitProxy) throw new NotV2Error("core.gitProxy is set");
        if (options.env["GIT_PROXY_COMMAND"]) throw new NotV2Error("GIT_PROXY_COMMAND is set");
        const { lsRefsOverDaemon } = await import("./daemon-transport.ts");
        return lsRefsOverDaemon(url, prefixes, signal, listOptions);
      }
      case "http":
      case "https": {
        const setting = unhonouredHttpSetting(kind, await options.config(), options.env);
        if (setting !== null) throw new NotV2Error(`${setting} is set (git ls-remote honours it)`);
        const [{ lsRefsOverHttp }, source] = await Promise.all([
          import("./http-transport.ts"),
          credentialSource(),
        ]);
        return lsRefsOverHttp(
          {
            credentials: source,
            env: options.env,
            remainingMs: () => Math.max(1, deadline - Date.now()),
          },
          url,
          prefixes,
          signal,
          listOptions,
        );
      }
    }
  };

  return {
    async list(url, prefixes, timeoutMs = defaultTimeout, listOptions = {}) {
      const display = redactText(url);
      const deadline = Date.now() + timeoutMs;
      const timedOut = () => listingTimedOut(display, timeoutMs);
      let reason: string;
      try {
        const refs = await withDeadline(deadline, timedOut, (signal) =>
          overV2(url, prefixes, signal, deadline, listOptions),
        );
        options.onListing?.({ remote: display, via: "v2" });
        return refs;
      } catch (error) {
        if (!(error instanceof NotV2Error)) throw listingFailed(display, error);
        reason = redactText(error.message);
      }
      options.onListing?.({ remote: display, via: "ls-remote", reason });
      const left = deadline - Date.now();
      if (left <= 0) throw timedOut();
      return options.fallback(url, prefixes, left, listOptions);
    },
  };
}
