/**
 * Listing a mirror's refs from anywhere: inside a repository (where remote names are
 * configured) or outside of one (a URL or a path). `GitBackend` needs a repository; discovery
 * (`eka list`) must not. Unlike `GitBackend.listRemoteRefs`, the listing keeps what ls-remote's
 * peeled `<ref>^{}` lines say: a ref that names an annotated tag, and the object the tag peels
 * to, so that a caller can refuse a tag where a commit or blob is expected without fetching it.
 *
 * Processes: `git remote` and `git ls-remote --get-url` to resolve a mirror, one `git ls-remote`
 * per listing. The same transport checks and environment as every other git process of eka.
 */
import { stat } from "node:fs/promises";
import { isAbsolute, resolve } from "node:path";
import { EkaError } from "../core/errors.ts";
import { type GitOid, parseGitOid } from "../core/types.ts";
import type { Remote } from "./backend.ts";
import { GitRunner, gitFailed } from "./git-runner.ts";
import { checkRemoteUrl, isLocalPath, redactUrl } from "./transport.ts";

export interface MirrorRef {
  readonly ref: string;
  readonly oid: GitOid;
  /** For an annotated tag: the object it peels to (ls-remote's `^{}` line); else null. */
  readonly peeled: GitOid | null;
}

export interface MirrorLister {
  /** A configured remote's name (when run inside a repository), a URL or a path. */
  resolve(mirror: string): Promise<Remote>;
  /** One ls-remote of `remote`, restricted to refs starting with one of `prefixes`. */
  list(remote: Remote, prefixes: readonly string[]): Promise<MirrorRef[]>;
}

export interface MirrorListerOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly git?: string;
  readonly timeoutMs?: number;
  readonly onSpawn?: (args: readonly string[]) => void;
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
  const runner = new GitRunner({
    cwd,
    ...(options.git === undefined ? {} : { git: options.git }),
    ...(options.env === undefined ? {} : { env: options.env }),
    ...(options.onSpawn === undefined ? {} : { onSpawn: options.onSpawn }),
  });
  const limit = options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs };
  return {
    async resolve(mirror) {
      if (mirror.trim() === "") {
        throw new EkaError("EKA_REMOTE_INVALID", "empty mirror name or URL", {
          hint: "give a configured remote's name (`origin`), a URL or a path",
        });
      }
      // `git remote` fails outside a repository: then no name is configured.
      const names = await runner.run(["remote"]);
      const isName = names.code === 0 && names.stdout.toString("utf8").split("\n").includes(mirror);
      if (!isName) checkRemoteUrl(mirror);
      const got = await runner.run(["ls-remote", "--get-url", "--", mirror]);
      if (got.code !== 0) throw gitFailed(["ls-remote", "--get-url"], got);
      const expanded = got.stdout.toString("utf8").trim();
      checkRemoteUrl(expanded);
      const url =
        isLocalPath(expanded) && !isAbsolute(expanded) ? resolve(cwd, expanded) : expanded;
      return { name: isName ? mirror : null, url, display: redactUrl(url) };
    },

    async list(remote, prefixes) {
      checkRemoteUrl(remote.url);
      const patterns = prefixes.map((p) => `${p}*`);
      const result = await runner.run(["ls-remote", "--", remote.url, ...patterns], limit);
      if (result.code !== 0) {
        throw gitFailed(["ls-remote", remote.display], result, {
          code: "EKA_REMOTE_UNREACHABLE",
          message: `cannot list the refs of ${remote.display}`,
          where: remote.display,
          hint: "check the URL (or path), your network and your credentials",
        });
      }
      return parseLsRemote(result.stdout.toString("utf8"), prefixes, remote.display);
    },
  };
}

/** `<oid>\t<ref>` lines, with `<oid>\t<ref>^{}` for the object an annotated tag peels to. */
export function parseLsRemote(
  text: string,
  prefixes: readonly string[],
  where: string,
): MirrorRef[] {
  const direct = new Map<string, GitOid>();
  const peeled = new Map<string, GitOid>();
  for (const line of text.split("\n")) {
    const tab = line.indexOf("\t");
    if (tab === -1) continue;
    const name = line.slice(tab + 1);
    const oid = parseGitOid(line.slice(0, tab), where);
    if (name.endsWith("^{}")) peeled.set(name.slice(0, -3), oid);
    else direct.set(name, oid);
  }
  const refs: MirrorRef[] = [];
  for (const [ref, oid] of direct) {
    if (prefixes.length > 0 && !prefixes.some((p) => ref.startsWith(p))) continue;
    refs.push({ ref, oid, peeled: peeled.get(ref) ?? null });
  }
  return refs.sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
}
