/**
 * Listing a mirror's refs from anywhere: inside a repository (where remote names are
 * configured) or outside of one (a URL or a path). `GitBackend` needs a repository; discovery
 * (`eka list`) must not. Unlike `GitBackend.listRemoteRefs`, the listing keeps what the peeled
 * lines say: a ref that names an annotated tag, and the object the tag peels to, so that a caller
 * can refuse a tag where a commit or blob is expected without fetching it.
 *
 * A listing is a protocol-v2 `ls-refs` with `ref-prefix`es (ls-refs/), so the mirror sends only
 * the refs asked for; `git ls-remote` (which filters on the client) only for what that client does
 * not speak. Every listing has a time limit.
 *
 * Processes: one `git config` per lister, on the first `resolve` (remote names, `insteadOf`,
 * ssh and http settings); per listing, one `git upload-pack` for a local path or file://, one ssh
 * for ssh, none for git:// and http(s) (`git credential` when a server asks for credentials).
 * A lister lists each (URL, prefixes) once: a lister lives for one command.
 */
import { stat } from "node:fs/promises";
import { isAbsolute, resolve } from "node:path";
import { EkaError } from "../core/errors.ts";
import { type GitOid, parseGitOid } from "../core/types.ts";
import type { Remote } from "./backend.ts";
import { GitRunner, gitFailed } from "./git-runner.ts";
import { readRemoteConfig } from "./ls-refs/read-remote-config.ts";
import {
  createRefLister,
  DEFAULT_LIST_TIMEOUT_MS,
  type ListingEvent,
  listingTimedOut,
} from "./ls-refs/ref-lister.ts";
import { type RemoteConfig, rewriteUrl } from "./ls-refs/remote-config.ts";
import type { ListOptions } from "./ls-refs/v2-protocol.ts";
import { checkRemoteUrl, isLocalPath, redactUrl } from "./transport.ts";

export interface MirrorRef {
  readonly ref: string;
  readonly oid: GitOid;
  /** For an annotated tag: the object it peels to (ls-remote's `^{}` line); else null. */
  readonly peeled: GitOid | null;
  /**
   * For a symbolic ref (HEAD), the ref it points at as the server says, in a listing made with
   * `{ symrefs: true }` (ls-remote's `ref: <target>\t<name>` line); no key otherwise.
   */
  readonly symref?: string;
}

export interface MirrorLister {
  /** A configured remote's name (when run inside a repository), a URL or a path. */
  resolve(mirror: string): Promise<Remote>;
  /**
   * The refs of `remote` starting with one of `prefixes` (all when empty), sorted by name.
   * Identical requests (same URL, same prefixes in the same order) made through one lister share
   * one listing, in flight or done, failed or not: a listing started early (`eka resolve` starts
   * its sets' listings as soon as the manifest is read) is the one the later request gets.
   * `{ symrefs: true }` also asks where symbolic refs point (HEAD: the default branch); it is a
   * listing of its own.
   */
  list(remote: Remote, prefixes: readonly string[], options?: ListOptions): Promise<MirrorRef[]>;
}

export interface MirrorListerOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly git?: string;
  /** The time limit of each listing (30 s when absent). */
  readonly timeoutMs?: number;
  readonly onSpawn?: (args: readonly string[]) => void;
  /** Told how each listing was made (v2 or the `git ls-remote` fallback, and why). */
  readonly onListing?: (event: ListingEvent) => void;
  /**
   * git's configuration, already being read in this directory with this environment and git
   * (`startRemoteConfig`): used instead of reading it again.
   */
  readonly remoteConfig?: Promise<RemoteConfig>;
}

/** A lister that runs git in `dir` (which need not be inside a repository). */
export async function openMirrorLister(
  dir: string,
  options: MirrorListerOptions = {},
): Promise<MirrorLister> {
  const cwd = resolve(dir);
  const info = await stat(cwd).catch(() => null);
  if (info === null || !info.isDirectory()) {
    throw new EkaError("EKA_IO", `no such directory: ${cwd}`, { where: cwd });
  }
  const env = options.env ?? process.env;
  const counter = { count: 0 };
  const common = {
    cwd,
    ...(options.git === undefined ? {} : { git: options.git }),
    ...(options.onSpawn === undefined ? {} : { onSpawn: options.onSpawn }),
  };
  const runner = new GitRunner({ ...common, env }, counter);
  const serverRunner = new GitRunner(
    { ...common, env: { ...env, GIT_PROTOCOL: "version=2" } },
    counter,
  );
  const timeoutMs = options.timeoutMs ?? DEFAULT_LIST_TIMEOUT_MS;

  let configRead: Promise<RemoteConfig> | undefined;
  const config = () => {
    configRead ??= options.remoteConfig ?? readRemoteConfig(runner);
    return configRead;
  };

  const lister = createRefLister({
    runner,
    serverRunner,
    config,
    env,
    timeoutMs,
    ...(options.onListing === undefined ? {} : { onListing: options.onListing }),
    fallback: async (url, prefixes, left, listOptions) => {
      const display = redactUrl(url);
      const patterns = prefixes.map((p) => `${p}*`);
      const symref = listOptions.symrefs === true ? ["--symref"] : [];
      const result = await runner.run(["ls-remote", ...symref, "--", url, ...patterns], {
        timeoutMs: left,
      });
      if (result.timedOut) throw listingTimedOut(display, timeoutMs);
      if (result.code !== 0) {
        throw gitFailed(["ls-remote", display], result, {
          code: "EKA_REMOTE_UNREACHABLE",
          message: `cannot list the refs of ${display}`,
          where: display,
          hint: "check the URL (or path), your network and your credentials",
        });
      }
      return parseLsRemote(result.stdout.toString("utf8"), prefixes, display);
    },
  });

  // By URL and prefixes: every listing this lister made (each caller gets its own array).
  const listings = new Map<string, Promise<readonly MirrorRef[]>>();

  return {
    async resolve(mirror) {
      if (mirror.trim() === "") {
        throw new EkaError("EKA_REMOTE_INVALID", "empty mirror name or URL", {
          hint: "give a configured remote's name (`origin`), a URL or a path",
        });
      }
      const { remotes, insteadOf } = await config();
      const named = remotes.get(mirror);
      if (named === undefined) checkRemoteUrl(mirror);
      // As `git ls-remote --get-url`: the remote's URL or the given one, `insteadOf` applied.
      const expanded = rewriteUrl(named ?? mirror, insteadOf);
      checkRemoteUrl(expanded);
      const url =
        isLocalPath(expanded) && !isAbsolute(expanded) ? resolve(cwd, expanded) : expanded;
      return { name: named === undefined ? null : mirror, url, display: redactUrl(url) };
    },

    async list(remote, prefixes, options = {}) {
      checkRemoteUrl(remote.url);
      const symrefs = options.symrefs === true;
      const listed = [remote.url, ...prefixes].join("\0");
      const key = symrefs ? `${listed}\u0001symrefs` : listed;
      let listing = listings.get(key);
      if (listing === undefined) {
        listing = lister.list(remote.url, [...prefixes], undefined, symrefs ? { symrefs } : {});
        listings.set(key, listing);
      }
      return [...(await listing)];
    },
  };
}

/**
 * `<oid>\t<ref>` lines, with `<oid>\t<ref>^{}` for the object an annotated tag peels to and
 * (`--symref`) `ref: <target>\t<ref>` for where a symbolic ref points.
 */
export function parseLsRemote(
  text: string,
  prefixes: readonly string[],
  where: string,
): MirrorRef[] {
  const direct = new Map<string, GitOid>();
  const peeled = new Map<string, GitOid>();
  let symrefs: Map<string, string> | null = null;
  for (const line of text.split("\n")) {
    const tab = line.indexOf("\t");
    if (tab === -1) continue;
    const name = line.slice(tab + 1);
    if (line.startsWith("ref: ")) {
      symrefs ??= new Map();
      symrefs.set(name, line.slice(5, tab));
      continue;
    }
    const oid = parseGitOid(line.slice(0, tab), where);
    if (name.endsWith("^{}")) peeled.set(name.slice(0, -3), oid);
    else direct.set(name, oid);
  }
  const refs: MirrorRef[] = [];
  for (const [ref, oid] of direct) {
    if (prefixes.length > 0 && !prefixes.some((p) => ref.startsWith(p))) continue;
    const symref = symrefs?.get(ref);
    const listed = { ref, oid, peeled: peeled.get(ref) ?? null };
    refs.push(symref === undefined ? listed : { ...listed, symref });
  }
  return refs.sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
}
