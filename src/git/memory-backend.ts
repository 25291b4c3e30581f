/**
 * An in-memory `GitBackend` for unit tests. Objects are stored under their real git ids (SHA-1 or
 * SHA-256 of git's encoding), and the double keeps the invariants of the real adapter: objects are
 * checked as `fsck --strict` would, ref transactions and pushes are atomic and leased, ancestry
 * follows parents, remotes are reached by URL through a `MemoryNetwork` after the same transport
 * checks. The shared contract suite (`backend-contract.ts`) runs against both.
 */
import { EkaError } from "../core/errors.ts";
import type { GitOid } from "../core/types.ts";
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
import {
  checkObject,
  checkOid,
  commitLinks,
  encodeTree,
  hashObject,
  parseTree,
} from "./objects.ts";
import { checkRefName, isValidRefName } from "./refname.ts";
import { splitRepoPath } from "./repo-path.ts";
import { checkRemoteUrl, redactUrl } from "./transport.ts";

/** The repositories reachable by URL from memory backends (a test's "internet"). */
export class MemoryNetwork {
  readonly #repos = new Map<string, MemoryBackend>();

  register(url: string, repo: MemoryBackend): void {
    this.#repos.set(url, repo);
  }

  get(url: string): MemoryBackend | undefined {
    return this.#repos.get(url);
  }
}

export interface MemoryBackendOptions {
  readonly objectFormat?: ObjectFormat;
  /** A bare repository: no working tree, no index. */
  readonly bare?: boolean;
  /** The branch HEAD points at (default `refs/heads/main`, unborn). */
  readonly head?: string;
  /** Where remotes are looked up by URL. */
  readonly network?: MemoryNetwork;
  /** Configured remotes: name → URL. */
  readonly remotes?: Readonly<Record<string, string>>;
  /** The identity `ident()` answers (default `Eka Test <test@eka.invalid> <now> +0000`). */
  readonly ident?: string;
}

interface StoredObject {
  readonly type: ObjectType;
  readonly data: Uint8Array;
}

type Head =
  | { readonly kind: "symbolic"; readonly ref: string }
  | { readonly kind: "detached"; readonly oid: GitOid };

let counter = 0;

/** The size of the pieces `readObjectStream` hands out. */
const STREAM_CHUNK = 16 * 1024;

function unreachable(url: string): EkaError {
  return new EkaError("EKA_REMOTE_UNREACHABLE", `cannot reach ${redactUrl(url)}`, {
    where: redactUrl(url),
    hint: "check the URL, your network and your credentials",
  });
}

function byName(a: RemoteRef, b: RemoteRef): number {
  return a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0;
}

export class MemoryBackend implements GitBackend {
  readonly gitDir: string;
  readonly workTree: string | null;
  readonly objectFormat: ObjectFormat;
  readonly #objects = new Map<string, StoredObject>();
  readonly #refs = new Map<string, GitOid>();
  readonly #index = new Map<string, { mode: string; oid: GitOid }>();
  readonly #network: MemoryNetwork;
  readonly #remotes: Readonly<Record<string, string>>;
  readonly #ident: string | undefined;
  #head: Head;
  #closed = false;

  constructor(options: MemoryBackendOptions = {}) {
    const n = ++counter;
    this.objectFormat = options.objectFormat ?? "sha1";
    this.workTree = options.bare === true ? null : `/memory/${n}`;
    this.gitDir = options.bare === true ? `/memory/${n}.git` : `/memory/${n}/.git`;
    this.#head = { kind: "symbolic", ref: checkRefName(options.head ?? "refs/heads/main") };
    this.#network = options.network ?? new MemoryNetwork();
    this.#remotes = options.remotes ?? {};
    this.#ident = options.ident;
  }

  // --- test inspection --------------------------------------------------------------------

  /** The index entries `stageEntry` set, by path. */
  get index(): ReadonlyMap<string, { mode: string; oid: GitOid }> {
    return this.#index;
  }

  /** How many objects are stored. */
  get objectCount(): number {
    return this.#objects.size;
  }

  /** Points HEAD at `oid` directly (a detached HEAD). */
  detachHead(oid: GitOid): void {
    this.#head = { kind: "detached", oid: this.#check(oid) };
  }

  // --- refs -------------------------------------------------------------------------------

  async resolveRef(ref: string): Promise<GitOid | null> {
    this.#open();
    return this.#resolve(ref);
  }

  async headBranch(): Promise<string | null> {
    this.#open();
    return this.#head.kind === "symbolic" ? this.#head.ref : null;
  }

  async resolveCommit(revision: string): Promise<GitOid | null> {
    this.#open();
    // Supports what tests need: a ref (full, or a branch/tag name), HEAD, a full oid, `~N`.
    const match = /^(.*?)(?:~(\d*))?$/.exec(revision);
    const base = match?.[1] ?? "";
    let oid =
      this.#resolve(base) ??
      this.#refs.get(`refs/heads/${base}`) ??
      this.#refs.get(`refs/tags/${base}`) ??
      (this.#objects.has(base) ? (base as GitOid) : null);
    oid = oid === null ? null : this.#peelToCommit(oid);
    for (let n = match?.[2] === undefined ? 0 : Number(match[2] || 1); n > 0 && oid !== null; n--) {
      oid = commitLinks(this.#get(oid).data, this.objectFormat).parents[0] ?? null;
    }
    return oid;
  }

  async listRefs(prefixes: readonly string[]): Promise<RemoteRef[]> {
    this.#open();
    return this.#list(prefixes, false);
  }

  async updateRefs(updates: readonly RefUpdate[], _message: string): Promise<void> {
    this.#open();
    const seen = new Set<string>();
    for (const update of updates) {
      checkRefName(update.ref, true);
      if (seen.has(update.ref)) {
        throw new EkaError("EKA_REF_INVALID", `${update.ref} is updated twice in one transaction`);
      }
      seen.add(update.ref);
      if (update.kind !== "delete") this.#check(update.oid);
      if (update.kind !== "create") this.#check(update.old);
    }
    const conflicts: RefConflict[] = [];
    for (const update of updates) {
      const actual = this.#resolve(update.ref);
      const expected = update.kind === "create" || /^0+$/.test(update.old) ? null : update.old;
      if (actual !== expected) conflicts.push({ ref: update.ref, expected, actual });
    }
    if (conflicts.length > 0) throw refConflict(conflicts, "this repository");
    for (const update of updates) {
      if (update.kind !== "delete" && !this.#objects.has(update.oid))
        throw objectMissing(update.oid);
    }
    for (const update of updates) {
      const ref = this.#deref(update.ref);
      if (update.kind === "delete") {
        if (ref === null) this.#head = { kind: "symbolic", ref: "refs/heads/main" };
        else this.#refs.delete(ref);
      } else if (ref === null) {
        this.#head = { kind: "detached", oid: update.oid };
      } else {
        this.#refs.set(ref, update.oid);
      }
    }
  }

  async stageEntry(path: string, mode: string, oid: GitOid): Promise<void> {
    this.#open();
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
    this.#index.set(path, { mode, oid: this.#check(oid) });
  }

  async isAncestor(ancestor: GitOid, descendant: GitOid): Promise<boolean> {
    this.#open();
    const target = this.#check(ancestor);
    this.#get(target);
    const queue = [this.#check(descendant)];
    const seen = new Set<string>();
    while (queue.length > 0) {
      const oid = queue.pop()!;
      if (oid === target) return true;
      if (seen.has(oid)) continue;
      seen.add(oid);
      const object = this.#get(oid);
      if (object.type !== "commit") {
        throw new EkaError("EKA_OBJECT_INVALID", `${oid} is a ${object.type}, not a commit`);
      }
      queue.push(...commitLinks(object.data, this.objectFormat).parents);
    }
    return false;
  }

  async worktreeChanges(commit: GitOid): Promise<string[]> {
    this.#open();
    this.#get(this.#check(commit));
    return []; // no working tree
  }

  async ident(_kind: "author" | "committer"): Promise<string> {
    this.#open();
    return this.#ident ?? `Eka Test <test@eka.invalid> ${Math.floor(Date.now() / 1000)} +0000`;
  }

  // --- objects ----------------------------------------------------------------------------

  async readObject(oid: GitOid): Promise<GitObject> {
    this.#open();
    const wanted = this.#check(oid);
    const object = this.#get(wanted);
    return { oid: wanted, type: object.type, data: object.data.slice() };
  }

  async readObjectStream(oid: GitOid, sink: ObjectSink): Promise<void> {
    this.#open();
    const object = this.#get(this.#check(oid));
    sink.begin(object.type, object.data.length);
    // In pieces, as a pipe would give them, so consumers meet chunk boundaries in tests too.
    for (let at = 0; at < object.data.length; at += STREAM_CHUNK) {
      sink.chunk(object.data.slice(at, at + STREAM_CHUNK));
    }
  }

  async hasObject(oid: GitOid): Promise<boolean> {
    this.#open();
    return this.#objects.has(this.#check(oid));
  }

  async readTree(oid: GitOid): Promise<TreeEntry[]> {
    this.#open();
    return parseTree(this.#get(this.#peelToTree(this.#check(oid))).data, this.objectFormat);
  }

  async readPath(
    treeish: GitOid,
    path: string,
  ): Promise<{ mode: string; type: ObjectType; oid: GitOid } | null> {
    this.#open();
    const parts = splitRepoPath(path);
    let tree = this.#peelToTree(this.#check(treeish));
    if (parts.length === 0) return { mode: "40000", type: "tree", oid: tree };
    for (const [i, part] of parts.entries()) {
      const wanted = Buffer.from(part, "utf8");
      const entries = parseTree(this.#get(tree).data, this.objectFormat);
      const entry = entries.find((e) => wanted.equals(e.nameBytes));
      if (entry === undefined) return null;
      if (i === parts.length - 1) return { mode: entry.mode, type: entry.type, oid: entry.oid };
      if (entry.type !== "tree") return null;
      tree = entry.oid;
    }
    return null;
  }

  async writeObject(type: ObjectType, data: Uint8Array): Promise<GitOid> {
    this.#open();
    checkObject(type, data, this.objectFormat);
    const oid = hashObject(type, data, this.objectFormat);
    if (!this.#objects.has(oid)) this.#objects.set(oid, { type, data: data.slice() });
    return oid;
  }

  async writeTree(entries: readonly Omit<TreeEntry, "type">[]): Promise<GitOid> {
    return this.writeObject("tree", encodeTree(entries, this.objectFormat));
  }

  // --- remotes ----------------------------------------------------------------------------

  async resolveRemote(nameOrUrl: string): Promise<Remote> {
    this.#open();
    if (nameOrUrl.trim() === "") {
      throw new EkaError("EKA_REMOTE_INVALID", "empty remote name or URL", {
        hint: "give a configured remote's name (`origin`) or a URL",
      });
    }
    const configured = Object.hasOwn(this.#remotes, nameOrUrl)
      ? this.#remotes[nameOrUrl]
      : undefined;
    if (configured === undefined) checkRemoteUrl(nameOrUrl);
    const url = configured ?? nameOrUrl;
    checkRemoteUrl(url);
    return { name: configured === undefined ? null : nameOrUrl, url, display: redactUrl(url) };
  }

  async listRemoteRefs(remote: Remote, prefixes: readonly string[]): Promise<RemoteRef[]> {
    this.#open();
    return this.#reach(remote).#list(prefixes, true);
  }

  async fetch(remote: Remote, refspecs: readonly string[]): Promise<void> {
    this.#open();
    const source = this.#reach(remote);
    const moves: { dst: string; oid: GitOid; force: boolean }[] = [];
    for (const spec of refspecs) {
      const force = spec.startsWith("+");
      const body = force ? spec.slice(1) : spec;
      const colon = body.indexOf(":");
      const src = colon === -1 ? body : body.slice(0, colon);
      const dst = colon === -1 ? "" : body.slice(colon + 1);
      for (const [oid, target] of source.#match(src, dst)) {
        this.#copyFrom(source, oid);
        if (target !== "") moves.push({ dst: checkRefName(target), oid, force });
      }
    }
    const conflicts: RefConflict[] = [];
    for (const move of moves) {
      const current = this.#refs.get(move.dst) ?? null;
      if (current === null || move.force || current === move.oid) continue;
      if (!(await this.isAncestor(current, move.oid))) {
        conflicts.push({
          ref: move.dst,
          expected: current,
          actual: move.oid,
          reason: "non-fast-forward",
        });
      }
    }
    if (conflicts.length > 0) throw refConflict(conflicts, "this repository");
    for (const move of moves) this.#refs.set(move.dst, move.oid);
  }

  async push(remote: Remote, updates: readonly PushUpdate[]): Promise<void> {
    this.#open();
    const target = this.#reach(remote);
    if (updates.length === 0) return;
    for (const update of updates) {
      checkRefName(update.ref);
      this.#get(this.#check(update.oid));
      if (update.expect !== null) this.#check(update.expect);
    }
    const conflicts: RefConflict[] = [];
    for (const update of updates) {
      const actual = target.#refs.get(update.ref) ?? null;
      if (actual !== update.expect && actual !== update.oid) {
        conflicts.push({ ref: update.ref, expected: update.expect, actual, reason: "stale info" });
      }
    }
    if (conflicts.length > 0) throw refConflict(conflicts, remote.display);
    for (const update of updates) target.#copyFrom(this, update.oid);
    for (const update of updates) target.#refs.set(update.ref, update.oid);
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  // --- helpers ----------------------------------------------------------------------------

  #open(): void {
    if (this.#closed) throw new EkaError("EKA_INTERNAL", "git backend used after close()");
  }

  #check(oid: string): GitOid {
    return checkOid(oid, this.objectFormat);
  }

  #get(oid: GitOid): StoredObject {
    const object = this.#objects.get(oid);
    if (object === undefined) throw objectMissing(oid);
    return object;
  }

  /** The ref `ref` stands for (HEAD's branch for a symbolic HEAD); null for a detached HEAD. */
  #deref(ref: string): string | null {
    if (ref !== "HEAD") return ref;
    return this.#head.kind === "symbolic" ? this.#head.ref : null;
  }

  #resolve(ref: string): GitOid | null {
    if (ref === "HEAD") {
      return this.#head.kind === "detached"
        ? this.#head.oid
        : (this.#refs.get(this.#head.ref) ?? null);
    }
    return isValidRefName(ref) ? (this.#refs.get(ref) ?? null) : null;
  }

  #list(prefixes: readonly string[], withHead: boolean): RemoteRef[] {
    const refs: RemoteRef[] = [];
    for (const [ref, oid] of this.#refs) {
      if (prefixes.length === 0 || prefixes.some((p) => ref.startsWith(p))) refs.push({ ref, oid });
    }
    refs.sort(byName);
    const head = this.#resolve("HEAD");
    const headListed = prefixes.length === 0 || prefixes.some((p) => "HEAD".startsWith(p));
    if (withHead && head !== null && headListed) refs.unshift({ ref: "HEAD", oid: head });
    return refs;
  }

  #reach(remote: Remote): MemoryBackend {
    checkRemoteUrl(remote.url);
    const repo = this.#network.get(remote.url);
    if (repo === undefined || repo.#closed) throw unreachable(remote.url);
    return repo;
  }

  /** The (oid, local destination) pairs a fetch refspec's source names on this repository. */
  #match(src: string, dst: string): [GitOid, string][] {
    const star = src.indexOf("*");
    if (star !== -1) {
      const [head, tail] = [src.slice(0, star), src.slice(star + 1)];
      const pairs: [GitOid, string][] = [];
      for (const { ref, oid } of this.#list([head], false)) {
        if (!ref.endsWith(tail) || ref.length < head.length + tail.length) continue;
        const middle = ref.slice(head.length, ref.length - tail.length);
        pairs.push([oid, dst.replace("*", middle)]);
      }
      return pairs;
    }
    const oid =
      this.#resolve(src) ??
      this.#refs.get(`refs/heads/${src}`) ??
      this.#refs.get(`refs/tags/${src}`) ??
      (this.#objects.has(src) ? (src as GitOid) : null);
    if (oid === null) {
      throw new EkaError("EKA_GIT_FAILED", `git fetch failed: couldn't find remote ref ${src}`);
    }
    return [[oid, dst]];
  }

  /** Copies `oid` and everything it reaches from `source`. */
  #copyFrom(source: MemoryBackend, oid: GitOid): void {
    const stack = [oid];
    while (stack.length > 0) {
      const next = stack.pop()!;
      if (this.#objects.has(next)) continue;
      const object = source.#get(next);
      this.#objects.set(next, object);
      if (object.type === "commit") {
        const links = commitLinks(object.data, this.objectFormat);
        stack.push(links.tree, ...links.parents);
      } else if (object.type === "tree") {
        for (const entry of parseTree(object.data, this.objectFormat)) {
          if (entry.type !== "commit") stack.push(entry.oid);
        }
      } else if (object.type === "tag") {
        const target = /^object ([0-9a-f]+)\n/.exec(Buffer.from(object.data).toString("utf8"));
        if (target !== null) stack.push(target[1] as GitOid);
      }
    }
  }

  #peelToCommit(oid: GitOid): GitOid | null {
    let current = oid;
    for (let depth = 0; depth < 16; depth++) {
      const object = this.#objects.get(current);
      if (object === undefined) return null;
      if (object.type === "commit") return current;
      if (object.type !== "tag") return null;
      const target = /^object ([0-9a-f]+)\n/.exec(Buffer.from(object.data).toString("utf8"));
      if (target === null) return null;
      current = target[1] as GitOid;
    }
    return null;
  }

  #peelToTree(oid: GitOid): GitOid {
    const object = this.#get(oid);
    if (object.type === "tree") return oid;
    const commit = this.#peelToCommit(oid);
    if (commit === null) {
      throw new EkaError("EKA_OBJECT_INVALID", `${oid} is a ${object.type}, not a tree or commit`);
    }
    return commitLinks(this.#get(commit).data, this.objectFormat).tree;
  }
}
