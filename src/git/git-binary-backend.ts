/**
 * The production `GitBackend`: the `git` binary.
 *
 * Process model (see `spawnCount`):
 * - `openRepository` runs `git rev-parse` once (discovery), and `git version` once per git
 *   executable (cached for the life of the Node process).
 * - Reads: one long-lived `git cat-file --batch-command` (git ≥ 2.36; `--batch` plus a lazily
 *   started `--batch-check` on older git), started on the first read; streamed reads of large
 *   objects go through the same process.
 * - Writes: one long-lived `git hash-object -w --stdin-paths -t <type>` per object type, started
 *   on the first write of that type.
 * - One short-lived process per ref transaction (`update-ref --stdin`, so each transaction has
 *   its own reflog message), per index update, ancestry check, ref lookup, and per remote
 *   operation (`ls-remote`, `fetch`, one `push --atomic`).
 * Long-lived processes do not keep Node alive while idle; `close()` ends them.
 */
import { realpath, stat } from "node:fs/promises";
import { isAbsolute, resolve } from "node:path";
import { EkaError } from "../core/errors.ts";
import { type GitOid, parseGitOid } from "../core/types.ts";
import type {
  GitBackend,
  GitObject,
  ObjectFormat,
  ObjectSink,
  ObjectType,
  PushUpdate,
  RefUpdate,
  Remote,
  RemoteRef,
  TreeEntry,
} from "./backend.ts";
import { objectMissing, type RefConflict, refConflict } from "./backend-errors.ts";
import { GitRunner, gitFailed, type RunResult } from "./git-runner.ts";
import { ObjectReader } from "./object-reader.ts";
import { ObjectWriter } from "./object-writer.ts";
import { checkOid, commitLinks, encodeTree, parseTree } from "./objects.ts";
import { checkRefName, isValidRefName } from "./refname.ts";
import { splitRepoPath } from "./repo-path.ts";
import { checkRemoteUrl, isLocalPath, redactUrl } from "./transport.ts";

export interface OpenRepositoryOptions {
  /** The environment git runs in (default: this process's). Repository variables are dropped. */
  readonly env?: NodeJS.ProcessEnv;
  /** The git executable (default `git` on PATH). */
  readonly git?: string;
  /** Time limit for each remote operation (ls-remote, fetch, push); none by default. */
  readonly remoteTimeoutMs?: number;
  /** Called with the arguments of every git process started (instrumentation, tests). */
  readonly onSpawn?: (args: readonly string[]) => void;
}

/** `git version` per executable: the batch protocol depends on it. */
const versions = new Map<string, Promise<readonly number[]>>();

function gitVersion(runner: GitRunner, git: string): Promise<readonly number[]> {
  let version = versions.get(git);
  if (version === undefined) {
    version = runner.output(["version"]).then((text) => {
      const match = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
      if (match === null) throw new EkaError("EKA_GIT_FAILED", `unexpected git version ${text}`);
      return [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)];
    });
    version.catch(() => versions.delete(git));
    versions.set(git, version);
  }
  return version;
}

function atLeast(version: readonly number[], major: number, minor: number): boolean {
  const [a = 0, b = 0] = version;
  return a > major || (a === major && b >= minor);
}

/**
 * Opens the repository containing `dir` (a working tree, a subdirectory of one, or a bare
 * repository). `EKA_NOT_A_REPO` when there is none.
 */
export async function openRepository(
  dir: string,
  options: OpenRepositoryOptions = {},
): Promise<GitBinaryBackend> {
  const given = resolve(dir);
  const info = await stat(given).catch(() => null);
  if (info === null || !info.isDirectory()) {
    throw new EkaError("EKA_NOT_A_REPO", `no such directory: ${given}`, {
      where: given,
      hint: "give the path of a git repository",
    });
  }
  const base = await realpath(given);
  const git = options.git ?? "git";
  const discovery = new GitRunner({
    cwd: base,
    git,
    ...(options.env === undefined ? {} : { env: options.env }),
    ...(options.onSpawn === undefined ? {} : { onSpawn: options.onSpawn }),
  });
  const [result, version] = await Promise.all([
    discovery.run([
      "rev-parse",
      "--absolute-git-dir",
      "--is-bare-repository",
      "--is-inside-work-tree",
      "--show-object-format",
      "--show-cdup",
    ]),
    gitVersion(discovery, git),
  ]);
  if (result.code !== 0) {
    throw gitFailed(["rev-parse"], result, {
      code: "EKA_NOT_A_REPO",
      message: `not a git repository: ${base}`,
      where: base,
      hint: "run `git init` (or give the path of an existing repository)",
    });
  }
  const [gitDir = "", bare, inside, format, cdup = ""] = result.stdout.toString("utf8").split("\n");
  if (format !== "sha1" && format !== "sha256") {
    throw new EkaError("EKA_GIT_FAILED", `unsupported object format ${JSON.stringify(format)}`);
  }
  // Inside the git directory of a non-bare repository there is no working tree to use either.
  const workTree = bare !== "true" && inside === "true" ? resolve(base, cdup) : null;
  const runner = discovery.forRepository({ cwd: workTree ?? gitDir, gitDir, workTree });
  return new GitBinaryBackend({
    runner,
    gitDir,
    workTree,
    objectFormat: format,
    baseDir: base,
    batchCommand: atLeast(version, 2, 36),
    remoteTimeoutMs: options.remoteTimeoutMs,
  });
}

interface BackendInit {
  readonly runner: GitRunner;
  readonly gitDir: string;
  readonly workTree: string | null;
  readonly objectFormat: ObjectFormat;
  readonly baseDir: string;
  readonly batchCommand: boolean;
  readonly remoteTimeoutMs: number | undefined;
}

const UNREACHABLE =
  /could not read from remote|does not appear to be a git repository|unable to access|could not resolve host|connection (refused|timed out)|repository .* not found|unable to connect|no such file or directory/i;

export class GitBinaryBackend implements GitBackend {
  readonly gitDir: string;
  readonly workTree: string | null;
  readonly objectFormat: ObjectFormat;
  readonly #runner: GitRunner;
  readonly #reader: ObjectReader;
  readonly #writer: ObjectWriter;
  /** Where relative paths the user gave (remotes) are resolved. */
  readonly #baseDir: string;
  /** Where git runs, and so where configured relative remote paths are resolved. */
  readonly #cwd: string;
  readonly #remoteTimeoutMs: number | undefined;
  #closed = false;

  constructor(init: BackendInit) {
    this.gitDir = init.gitDir;
    this.workTree = init.workTree;
    this.objectFormat = init.objectFormat;
    this.#runner = init.runner;
    this.#baseDir = init.baseDir;
    this.#cwd = init.workTree ?? init.gitDir;
    this.#remoteTimeoutMs = init.remoteTimeoutMs;
    this.#reader = new ObjectReader(init.runner, init.objectFormat, init.batchCommand);
    this.#writer = new ObjectWriter(init.runner, init.objectFormat);
  }

  /** Git processes started for this repository so far (including discovery). */
  get spawnCount(): number {
    return this.#runner.spawnCount;
  }

  // --- refs -------------------------------------------------------------------------------

  async resolveRef(ref: string): Promise<GitOid | null> {
    if (ref !== "HEAD" && !isValidRefName(ref)) return null;
    const result = await this.#run(["show-ref", "--verify", "--head", "--", ref]);
    if (result.code === 0) {
      const line = result.stdout.toString("utf8");
      return this.#oid(line.slice(0, line.indexOf(" ")), `git show-ref ${ref}`);
    }
    if (result.code === 1 || result.stderr.includes("not a valid ref")) return null;
    throw gitFailed(["show-ref", ref], result);
  }

  async headBranch(): Promise<string | null> {
    const result = await this.#run(["symbolic-ref", "-q", "HEAD"]);
    if (result.code === 0) return result.stdout.toString("utf8").trim();
    if (result.code === 1) return null;
    throw gitFailed(["symbolic-ref", "HEAD"], result);
  }

  async resolveCommit(revision: string): Promise<GitOid | null> {
    if (revision === "" || /[\n\0]/.test(revision)) return null;
    const result = await this.#run([
      "rev-parse",
      "--verify",
      "--quiet",
      "--end-of-options",
      `${revision}^{commit}`,
    ]);
    if (result.code !== 0) return null;
    return this.#oid(result.stdout.toString("utf8").trim(), `git rev-parse ${revision}`);
  }

  async listRefs(prefixes: readonly string[]): Promise<RemoteRef[]> {
    // for-each-ref matches a pattern up to a slash; other prefixes are filtered here.
    const patterns = prefixes.every((p) => p.endsWith("/")) ? prefixes : [];
    const out = await this.#output([
      "for-each-ref",
      "--format=%(objectname) %(refname)",
      "--",
      ...patterns,
    ]);
    const refs: RemoteRef[] = [];
    for (const line of out.split("\n")) {
      if (line === "") continue;
      const space = line.indexOf(" ");
      const ref = line.slice(space + 1);
      if (prefixes.length > 0 && !prefixes.some((p) => ref.startsWith(p))) continue;
      refs.push({ ref, oid: this.#oid(line.slice(0, space), `git for-each-ref ${ref}`) });
    }
    return refs.sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
  }

  async updateRefs(updates: readonly RefUpdate[], message: string): Promise<void> {
    if (updates.length === 0) return;
    const seen = new Set<string>();
    let input = "start\0";
    for (const update of updates) {
      checkRefName(update.ref, true);
      if (seen.has(update.ref)) {
        throw new EkaError("EKA_REF_INVALID", `${update.ref} is updated twice in one transaction`);
      }
      seen.add(update.ref);
      switch (update.kind) {
        case "create":
          input += `create ${update.ref}\0${this.#check(update.oid)}\0`;
          break;
        case "update":
          input += `update ${update.ref}\0${this.#check(update.oid)}\0${this.#check(update.old)}\0`;
          break;
        case "delete":
          input += `delete ${update.ref}\0${this.#check(update.old)}\0`;
          break;
      }
    }
    input += "prepare\0commit\0";
    const reflog = withoutControls(message).trim() || "eka";
    const result = await this.#run(["update-ref", "--stdin", "-z", "-m", reflog], { input });
    if (result.code === 0 && result.stdout.toString("utf8").includes("commit: ok")) return;
    const conflicts = await this.#leaseConflicts(updates);
    if (conflicts.length > 0) throw refConflict(conflicts, "this repository");
    for (const update of updates) {
      if (update.kind !== "delete" && !(await this.hasObject(update.oid))) {
        throw objectMissing(update.oid);
      }
    }
    throw gitFailed(["update-ref"], result, { message: "ref transaction failed" });
  }

  /** The updates whose expectation does not hold now (after a failed transaction). */
  async #leaseConflicts(updates: readonly RefUpdate[]): Promise<RefConflict[]> {
    const conflicts: RefConflict[] = [];
    for (const update of updates) {
      const actual = await this.resolveRef(update.ref);
      const expected = update.kind === "create" || isZero(update.old) ? null : update.old;
      if (actual !== expected) conflicts.push({ ref: update.ref, expected, actual });
    }
    return conflicts;
  }

  async stageEntry(path: string, mode: string, oid: GitOid): Promise<void> {
    if (this.workTree === null) {
      throw new EkaError("EKA_NOT_A_REPO", `${this.gitDir} is a bare repository: it has no index`);
    }
    splitRepoPath(path);
    if (path === "" || !["100644", "100755", "120000", "160000"].includes(mode)) {
      throw new EkaError(
        "EKA_PATH_INVALID",
        `cannot stage ${JSON.stringify(path)} with mode ${mode}`,
      );
    }
    const cacheinfo = `${mode},${this.#check(oid)},${path}`;
    await this.#output(["update-index", "--add", "--cacheinfo", cacheinfo]);
  }

  async isAncestor(ancestor: GitOid, descendant: GitOid): Promise<boolean> {
    const a = this.#check(ancestor);
    const d = this.#check(descendant);
    const result = await this.#run(["merge-base", "--is-ancestor", a, d]);
    if (result.code === 0) return true;
    if (result.code === 1) return false;
    for (const oid of [a, d]) {
      if (!(await this.hasObject(oid))) throw objectMissing(oid);
    }
    throw gitFailed(["merge-base", "--is-ancestor", a, d], result);
  }

  async worktreeChanges(commit: GitOid): Promise<string[]> {
    if (this.workTree === null) return [];
    const oid = this.#check(commit);
    // Two processes whatever the number of paths; `--no-optional-locks` keeps `git diff` from
    // writing a refreshed index, `--no-relative` from honouring `diff.relative`.
    const [changed, untracked] = await Promise.all([
      this.#output([
        "--no-optional-locks",
        "diff",
        "--name-only",
        "-z",
        "--no-renames",
        "--no-ext-diff",
        "--no-textconv",
        "--no-relative",
        "--ignore-submodules=none",
        oid,
        "--",
      ]),
      this.#output(["ls-files", "-z", "--others", "--exclude-standard", "--full-name"]),
    ]);
    const paths = new Set([...changed.split("\0"), ...untracked.split("\0")]);
    paths.delete("");
    return [...paths].sort();
  }

  async ident(kind: "author" | "committer"): Promise<string> {
    const name = kind === "author" ? "GIT_AUTHOR_IDENT" : "GIT_COMMITTER_IDENT";
    const result = await this.#run(["var", name]);
    if (result.code !== 0) {
      throw gitFailed(["var", name], result, {
        message: `git has no ${kind} identity`,
        hint: 'set one with `git config user.name "Your Name"` and `git config user.email you@example.com`',
      });
    }
    return result.stdout.toString("utf8").trim();
  }

  // --- objects ----------------------------------------------------------------------------

  async readObject(oid: GitOid): Promise<GitObject> {
    const wanted = this.#check(oid);
    const object = await this.#reader.contents(wanted);
    if (object === null) throw objectMissing(wanted);
    if (object.oid !== wanted) {
      throw new EkaError("EKA_GIT_FAILED", `git cat-file answered ${object.oid} for ${wanted}`);
    }
    return { oid: wanted, type: object.type, data: object.data };
  }

  async readObjectStream(oid: GitOid, sink: ObjectSink): Promise<void> {
    const wanted = this.#check(oid);
    if ((await this.#reader.stream(wanted, sink)) === null) throw objectMissing(wanted);
  }

  async hasObject(oid: GitOid): Promise<boolean> {
    return (await this.#reader.info(this.#check(oid))) !== null;
  }

  async readTree(oid: GitOid): Promise<TreeEntry[]> {
    const tree = await this.#peelToTree(await this.readObject(oid));
    return parseTree(tree.data, this.objectFormat);
  }

  async readPath(
    treeish: GitOid,
    path: string,
  ): Promise<{ mode: string; type: ObjectType; oid: GitOid } | null> {
    const root = this.#check(treeish);
    const parts = splitRepoPath(path);
    const name = parts.pop();
    if (name === undefined) {
      const tree = await this.#peelToTree(await this.readObject(root));
      return { mode: "40000", type: "tree", oid: tree.oid };
    }
    // The parent tree in one request (`<oid>:<dir>`), unless a name holds a newline, which
    // cannot go through cat-file's line protocol: then walk from the root.
    const dir = parts.join("/");
    let parent: GitObject | null;
    if (dir.includes("\n")) {
      const entry = await this.#walk(root, parts);
      parent = entry === null || entry.type !== "tree" ? null : await this.readObject(entry.oid);
    } else {
      parent = await this.#reader.contents(dir === "" ? `${root}^{tree}` : `${root}:${dir}`);
      if (parent === null) {
        // Absent path, or no usable `treeish`: tell them apart as the memory double does.
        const info = await this.#reader.info(root);
        if (info === null) throw objectMissing(root);
        if (info.type === "blob") {
          throw new EkaError("EKA_OBJECT_INVALID", `${root} is a blob, not a tree or commit`);
        }
      }
    }
    if (parent === null || parent.type !== "tree") return null;
    const wanted = Buffer.from(name, "utf8");
    for (const entry of parseTree(parent.data, this.objectFormat)) {
      if (wanted.equals(entry.nameBytes))
        return { mode: entry.mode, type: entry.type, oid: entry.oid };
    }
    return null;
  }

  async #walk(root: GitOid, parts: readonly string[]): Promise<TreeEntry | null> {
    let tree = await this.#peelToTree(await this.readObject(root));
    let found: TreeEntry | null = null;
    for (const [i, part] of parts.entries()) {
      const wanted = Buffer.from(part, "utf8");
      const entries = parseTree(tree.data, this.objectFormat);
      found = entries.find((e) => wanted.equals(e.nameBytes)) ?? null;
      if (found === null) return null;
      if (i < parts.length - 1) {
        if (found.type !== "tree") return null;
        tree = await this.readObject(found.oid);
      }
    }
    return found;
  }

  async #peelToTree(object: GitObject): Promise<GitObject> {
    let current = object;
    for (let depth = 0; depth < 16; depth++) {
      if (current.type === "tree") return current;
      if (current.type === "commit") {
        current = await this.readObject(commitLinks(current.data, this.objectFormat).tree);
      } else if (current.type === "tag") {
        const target = /^object ([0-9a-f]+)\n/.exec(Buffer.from(current.data).toString("utf8"));
        if (target === null) break;
        current = await this.readObject(this.#check(target[1]!));
      } else {
        break;
      }
    }
    throw new EkaError(
      "EKA_OBJECT_INVALID",
      `${object.oid} is a ${object.type}, not a tree or commit`,
    );
  }

  async writeObject(type: ObjectType, data: Uint8Array): Promise<GitOid> {
    this.#open();
    return this.#writer.write(type, data);
  }

  async writeTree(entries: readonly Omit<TreeEntry, "type">[]): Promise<GitOid> {
    return this.writeObject("tree", encodeTree(entries, this.objectFormat));
  }

  // --- remotes ----------------------------------------------------------------------------

  async resolveRemote(nameOrUrl: string): Promise<Remote> {
    if (nameOrUrl.trim() === "") {
      throw new EkaError("EKA_REMOTE_INVALID", "empty remote name or URL", {
        hint: "give a configured remote's name (`origin`) or a URL",
      });
    }
    const names = (await this.#output(["remote"])).split("\n");
    const isName = names.includes(nameOrUrl);
    // A URL is checked before git sees it; git then applies `url.<base>.insteadOf`.
    if (!isName) checkRemoteUrl(nameOrUrl);
    const expanded = (await this.#output(["ls-remote", "--get-url", "--", nameOrUrl])).trim();
    checkRemoteUrl(expanded);
    const url =
      isLocalPath(expanded) && !isAbsolute(expanded)
        ? resolve(isName ? this.#cwd : this.#baseDir, expanded)
        : expanded;
    return { name: isName ? nameOrUrl : null, url, display: redactUrl(url) };
  }

  async listRemoteRefs(remote: Remote, prefixes: readonly string[]): Promise<RemoteRef[]> {
    checkRemoteUrl(remote.url);
    // ls-remote patterns match the tail of a name; the exact prefix test is done here.
    const patterns = prefixes.map((p) => `${p}*`);
    const result = await this.#run(["ls-remote", "--", remote.url, ...patterns], {
      ...this.#remoteLimit(),
    });
    if (result.code !== 0) {
      throw gitFailed(["ls-remote", remote.display], result, {
        code: "EKA_REMOTE_UNREACHABLE",
        message: `cannot list the refs of ${remote.display}`,
        where: remote.display,
        hint: "check the URL, your network and your credentials",
      });
    }
    const refs: RemoteRef[] = [];
    for (const line of result.stdout.toString("utf8").split("\n")) {
      const tab = line.indexOf("\t");
      if (tab === -1) continue;
      const ref = line.slice(tab + 1);
      if (ref.endsWith("^{}")) continue;
      if (prefixes.length > 0 && !prefixes.some((p) => ref.startsWith(p))) continue;
      refs.push({ ref, oid: parseGitOid(line.slice(0, tab), remote.display) });
    }
    return refs;
  }

  async fetch(remote: Remote, refspecs: readonly string[]): Promise<void> {
    checkRemoteUrl(remote.url);
    for (const spec of refspecs) {
      if (spec === "" || withoutControls(spec) !== spec) {
        throw new EkaError("EKA_REF_INVALID", `not a refspec: ${JSON.stringify(spec)}`);
      }
    }
    if (refspecs.length === 0) return;
    const args = [
      "fetch",
      "--quiet",
      "--no-tags",
      "--no-write-fetch-head",
      "--no-recurse-submodules",
      "--no-auto-gc",
      "--",
      remote.url,
      ...refspecs,
    ];
    const result = await this.#run(args, this.#remoteLimit());
    if (result.code === 0) return;
    if (result.stderr.includes("[rejected]")) {
      throw gitFailed(["fetch", remote.display], result, {
        code: "EKA_REF_CONFLICT",
        message: `git fetch ${remote.display} refused to move refs that would not fast-forward`,
        where: remote.display,
        hint: "prefix the refspec with + to overwrite, or look at the diverged refs first",
      });
    }
    throw remoteFailed("fetch", remote, result);
  }

  async push(remote: Remote, updates: readonly PushUpdate[]): Promise<void> {
    checkRemoteUrl(remote.url);
    if (updates.length === 0) return;
    for (const update of updates) {
      if (!(await this.hasObject(this.#check(update.oid)))) throw objectMissing(update.oid);
    }
    const leases: string[] = [];
    const refspecs: string[] = [];
    for (const update of updates) {
      checkRefName(update.ref);
      const expect = update.expect === null ? "" : this.#check(update.expect);
      leases.push(`--force-with-lease=${update.ref}:${expect}`);
      refspecs.push(`${this.#check(update.oid)}:${update.ref}`);
    }
    const args = [
      "push",
      "--atomic",
      "--porcelain",
      "--no-follow-tags",
      "--recurse-submodules=no",
      "--no-force-if-includes",
      ...leases,
      "--",
      remote.url,
      ...refspecs,
    ];
    const result = await this.#run(args, this.#remoteLimit());
    const statuses = parsePorcelain(result.stdout.toString("utf8"));
    const rejected = statuses.filter((s) => s.flag === "!");
    // Up-to-date refs are not listed (and when all are, nothing is): exit 0 is the success.
    if (result.code === 0 && rejected.length === 0) return;
    const stale = rejected.filter((s) =>
      /stale info|fetch first|non-fast-forward|already exists/.test(s.summary),
    );
    if (stale.length > 0) {
      const conflicts = stale.map((s) => ({
        ref: s.ref,
        expected: updates.find((u) => u.ref === s.ref)?.expect ?? null,
        actual: null,
        reason: s.summary,
      }));
      throw refConflict(conflicts, remote.display);
    }
    if (rejected.length > 0) {
      const reasons = rejected.map((s) => `${s.ref} ${s.summary}`).join("; ");
      throw gitFailed(["push", remote.display], result, {
        message: `${remote.display} refused the push (${reasons})`,
        where: remote.display,
      });
    }
    throw remoteFailed("push", remote, result);
  }

  // --- lifecycle --------------------------------------------------------------------------

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([this.#reader.close(), this.#writer.close()]);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  // --- helpers ----------------------------------------------------------------------------

  #open(): void {
    if (this.#closed) throw new EkaError("EKA_INTERNAL", "git backend used after close()");
  }

  #check(oid: string): GitOid {
    return checkOid(oid, this.objectFormat);
  }

  #oid(text: string, where: string): GitOid {
    return checkOid(text.trim(), this.objectFormat, where);
  }

  #remoteLimit(): { timeoutMs?: number } {
    return this.#remoteTimeoutMs === undefined ? {} : { timeoutMs: this.#remoteTimeoutMs };
  }

  #run(
    args: readonly string[],
    options: { input?: string; timeoutMs?: number } = {},
  ): Promise<RunResult> {
    this.#open();
    return this.#runner.run(args, options);
  }

  async #output(args: readonly string[]): Promise<string> {
    const result = await this.#run(args);
    if (result.code !== 0) throw gitFailed(args, result);
    return result.stdout.toString("utf8");
  }
}

/** `text` with each run of control characters replaced by a space. */
function withoutControls(text: string): string {
  let out = "";
  let inRun = false;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    const control = code < 0x20 || code === 0x7f;
    if (control && !inRun) out += " ";
    if (!control) out += char;
    inRun = control;
  }
  return out;
}

function isZero(oid: string): boolean {
  return /^0+$/.test(oid);
}

function remoteFailed(command: string, remote: Remote, result: RunResult): EkaError {
  const unreachable = result.timedOut || UNREACHABLE.test(result.stderr);
  return gitFailed([command, remote.display], result, {
    code: unreachable ? "EKA_REMOTE_UNREACHABLE" : "EKA_GIT_FAILED",
    message: `git ${command} ${remote.display} failed`,
    where: remote.display,
    ...(unreachable ? { hint: "check the URL, your network and your credentials" } : {}),
  });
}

interface PushStatus {
  readonly flag: string;
  readonly ref: string;
  readonly summary: string;
}

/** `git push --porcelain` lines: `<flag>\t<from>:<to>\t<summary>`. */
function parsePorcelain(stdout: string): PushStatus[] {
  const statuses: PushStatus[] = [];
  for (const line of stdout.split("\n")) {
    const fields = line.split("\t");
    if (fields.length < 3 || fields[0]!.length !== 1) continue;
    const spec = fields[1]!;
    statuses.push({
      flag: fields[0]!,
      ref: spec.slice(spec.lastIndexOf(":") + 1),
      summary: fields.slice(2).join("\t"),
    });
  }
  return statuses;
}
