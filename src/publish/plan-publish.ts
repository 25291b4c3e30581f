/**
 * `planPublish` (protocol.md §4 "Publishing", steps 1–3 and 5): everything publishing needs to
 * know, computed without writing anything.
 *
 * 1. The source commit (`--rev`, default `HEAD`); the set read from its objects and validated,
 *    every problem at once; the atoms to publish (all, or those named).
 * 2. This repository's identity (`refs/ekala/init`); the source commit must descend from it;
 *    the remote must hold the same one.
 * 3. One listing of the remote's `refs/ekala/` and one of this repository's; per atom: the tree
 *    at its path, its b3 digest, the atom commit's id (hashed, not written), and what to do.
 *
 * Processes: a fixed number whatever the atom count (rev-parse, show-ref, `git remote` and
 * `ls-remote --get-url` for the remote, one `ls-remote`, one `for-each-ref`, one ancestry check,
 * two for the working-tree comparison); every object read goes through the one batch reader.
 */
import {
  EkaError,
  formatAtomCommit,
  type GitOid,
  type Report,
  setIdFromOid,
} from "../core/index.ts";
import { EKALA_PREFIX, type GitBackend, hashObject, INIT_REF, type Remote } from "../git/index.ts";
import { b3TreeDigest } from "../hash/index.ts";
import { diagnosticsOf, readLocalIdentity } from "../workspace/index.ts";
import { publishedRefProblems } from "./check-published.ts";
import { type AtomFacts, classifyAtom, RefIndex } from "./classify-atom.ts";
import { mapLimit } from "./map-limit.ts";
import type { PlannedAtom, PublishPlan } from "./plan.ts";
import { readSourceSet, type SourceAtom, type SourceSet } from "./read-source-set.ts";

export const DEFAULT_REMOTE = "origin";

export interface PublishRequest {
  /** The revision to publish from; default `HEAD`. */
  readonly rev?: string;
  /**
   * A configured remote's name or a URL. Absent: `origin` when it is configured, else this
   * repository only (the refs are written locally; push them later with `--remote`).
   */
  readonly remote?: string;
  /** Atom directories (repository-relative, normalised) to publish; absent or empty: all. */
  readonly paths?: readonly string[];
}

/** How many atoms are hashed at once (their reads share the one batch reader). */
const HASH_CONCURRENCY = 16;

export async function planPublish(
  repo: GitBackend,
  request: PublishRequest,
  report: Report,
): Promise<PublishPlan> {
  const rev = request.rev ?? "HEAD";
  const [source, init] = await Promise.all([repo.resolveCommit(rev), readLocalIdentity(repo)]);
  if (source === null) {
    throw new EkaError("EKA_REVISION_UNKNOWN", `\`${rev}\` names no commit`, {
      where: rev,
      hint:
        rev === "HEAD"
          ? "commit the atoms first (HEAD has no commit yet), or name a commit with --rev"
          : "give a branch, tag or commit id that exists in this repository",
    });
  }
  if (init === null) {
    throw new EkaError("EKA_NOT_INITIALIZED", `this repository has no identity (${INIT_REF})`, {
      hint: "run `eka init` first (with --remote to push the identity)",
    });
  }
  // Everything below depends only on the source and the identity: ask git for all of it at once
  // (each answer is a process or batch reads), then judge the answers in the protocol's order.
  const [descends, setRead, remoteRead, localRefs, changes] = await Promise.all([
    repo.isAncestor(init, source),
    settle(readSourceSet(repo, source, rev)),
    settle(
      chooseRemote(repo, request.remote, report).then(async (remote) => ({
        remote,
        refs: remote === null ? null : await repo.listRemoteRefs(remote, [EKALA_PREFIX]),
      })),
    ),
    repo.listRefs([EKALA_PREFIX]),
    repo.worktreeChanges(source),
  ]);
  if (!descends) {
    throw new EkaError(
      "EKA_NOT_DESCENDANT",
      `${rev} (${source}) does not descend from the init commit ${init}: published history must descend from the init commit`,
      {
        where: rev,
        hint: "publish from a commit of the branch that holds the init commit (merge or rebase onto it), or pick one with --rev",
        data: { source, init },
      },
    );
  }
  const set = outcome(setRead);
  const atoms = selectAtoms(set, request.paths ?? [], rev);
  const { remote, refs: remoteRefs } = outcome(remoteRead);
  if (remote !== null && remoteRefs !== null) {
    checkRemoteIdentity(
      init,
      remoteRefs.find((r) => r.ref === INIT_REF)?.oid ?? null,
      remote,
      request.remote,
    );
  }
  warnIfWorktreeDiffers(changes, rev, set, atoms, report);

  const facts = await atomFacts(repo, source, atoms, report);
  const local = new RefIndex(localRefs);
  const context = {
    target: remoteRefs === null ? local : new RefIndex(remoteRefs),
    local,
    remote: remote !== null,
    targetName: remote === null ? "this repository" : remote.display,
    rev,
  };
  const planned: PlannedAtom[] = facts.map((f) => classifyAtom(f, context));
  for (const atom of planned) {
    for (const problem of publishedRefProblems(atom, context.target)) {
      report.warn(
        "EKA_PUBLISHED_REFS_DIFFER",
        `${atom.label}@${atom.version} on ${context.targetName}: ${problem}; check it with \`eka verify\``,
      );
    }
  }
  return { setId: setIdFromOid(init), rev, source, remote, atoms: planned };
}

/** The atoms named by `paths` (all when empty); a path that is not a listed atom is an error. */
function selectAtoms(set: SourceSet, paths: readonly string[], rev: string): readonly SourceAtom[] {
  if (paths.length === 0) return set.atoms;
  const wanted = new Set(paths);
  const unknown = [...wanted].filter((p) => !set.atoms.some((a) => a.path === p));
  if (unknown.length > 0) {
    const listed = set.atoms.map((a) => a.path);
    throw new EkaError(
      "EKA_ATOM_MISSING",
      `${unknown.map((p) => `\`${p}\``).join(", ")} ${unknown.length === 1 ? "is not an atom" : "are not atoms"} listed in ekala.toml at ${rev}`,
      {
        where: unknown[0]!,
        hint:
          listed.length === 0
            ? "ekala.toml lists no atoms; create one with `eka new <path>` and commit it"
            : `the atoms are: ${listed.join(", ")}`,
        data: { unknown, atoms: listed },
      },
    );
  }
  return set.atoms.filter((a) => wanted.has(a.path));
}

/** The remote to publish to, or null for this repository only (no `origin` configured). */
async function chooseRemote(
  repo: GitBackend,
  given: string | undefined,
  report: Report,
): Promise<Remote | null> {
  if (given !== undefined) return repo.resolveRemote(given);
  const origin = await repo.resolveRemote(DEFAULT_REMOTE);
  if (origin.name !== null) return origin;
  report.info(
    `no remote \`${DEFAULT_REMOTE}\` is configured: publishing to this repository only (push later with \`eka publish --remote NAME|URL\`)`,
  );
  return null;
}

function checkRemoteIdentity(
  local: GitOid,
  remoteId: GitOid | null,
  remote: Remote,
  given: string | undefined,
): void {
  const name = given ?? remote.name ?? remote.display;
  if (remoteId === null) {
    throw new EkaError(
      "EKA_NOT_INITIALIZED",
      `the remote ${remote.display} has no identity (${INIT_REF}): atoms can only be published to a remote that holds this repository's set id ${local}`,
      {
        where: remote.display,
        hint: `push the identity first with \`eka init --remote ${name}\``,
        data: { local, remote: null, url: remote.display },
      },
    );
  }
  if (remoteId !== local) {
    throw new EkaError(
      "EKA_IDENTITY_MISMATCH",
      `the remote has another identity: local set id ${local}, remote set id ${remoteId}`,
      {
        where: remote.display,
        hint: "this may be a fork or the wrong URL: publish to a remote of this set, or check the remote",
        data: { local, remote: remoteId, url: remote.display },
      },
    );
  }
}

/** Warns when the working tree's ekala.toml or atom directories differ from the source commit. */
function warnIfWorktreeDiffers(
  changes: readonly string[],
  rev: string,
  set: SourceSet,
  atoms: readonly SourceAtom[],
  report: Report,
): void {
  if (changes.length === 0) return;
  const parts: string[] = [];
  if (changes.includes(set.manifest.file)) parts.push(set.manifest.file);
  for (const atom of atoms) {
    const n = changes.filter((p) => p.startsWith(`${atom.path}/`)).length;
    if (n > 0) parts.push(`${atom.path} (${n} file${n === 1 ? "" : "s"})`);
  }
  if (parts.length === 0) return;
  report.warn(
    "EKA_WORKTREE_DIFFERS",
    `the working tree differs from ${rev} in ${parts.join(", ")}: publishing what ${rev} holds, not the working tree`,
  );
}

type Settled<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: unknown };

/** A promise that never rejects, so that several can run at once and fail in a chosen order. */
function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ ok: true, value }),
    (error: unknown) => ({ ok: false, error }),
  );
}

function outcome<T>(settled: Settled<T>): T {
  if (settled.ok) return settled.value;
  throw settled.error;
}

/** Per atom: its b3 digest and atom commit id. Problems of every atom are reported at once. */
async function atomFacts(
  repo: GitBackend,
  source: GitOid,
  atoms: readonly SourceAtom[],
  report: Report,
): Promise<AtomFacts[]> {
  let done = 0;
  const task = "hashing atoms";
  report.progress(task, 0, atoms.length);
  const results = await mapLimit(atoms, HASH_CONCURRENCY, async (atom) => {
    try {
      const content = await b3TreeDigest(repo, atom.extra.tree);
      const { label, version } = atom.manifest;
      const bytes = formatAtomCommit({
        tree: atom.extra.tree,
        path: atom.path,
        content,
        label,
        version,
      });
      const facts: AtomFacts = {
        label,
        version,
        path: atom.path,
        tree: atom.extra.tree,
        content,
        commit: hashObject("commit", bytes, repo.objectFormat),
        manifest: atom.extra.manifestBlob,
        source,
        versionAt: {
          file: atom.manifest.file,
          line: atom.manifest.versionLine,
          column: atom.manifest.versionColumn,
        },
      };
      return { ok: true as const, facts };
    } catch (error) {
      if (!(error instanceof EkaError)) throw error;
      return { ok: false as const, error, atom };
    } finally {
      report.progress(task, ++done, atoms.length);
    }
  });
  const failed = results.filter((r) => !r.ok);
  if (failed.length === 1) {
    const { error, atom } = failed[0]!;
    throw new EkaError(error.code, `cannot publish \`${atom.path}\`: ${error.message}`, {
      where: atom.path,
      ...(error.hint === undefined ? {} : { hint: error.hint }),
      cause: error,
    });
  }
  if (failed.length > 1) {
    const first = failed[0]!.error;
    throw new EkaError(first.code, `${failed.length} atoms cannot be published`, {
      where: "ekala.toml",
      ...(first.hint === undefined ? {} : { hint: first.hint }),
      diagnostics: failed.flatMap(({ error, atom }) =>
        diagnosticsOf(error).map((d) => ({
          ...d,
          file: "ekala.toml",
          line: atom.extra.line,
          column: atom.extra.column,
          message: `\`${atom.path}\`: ${d.message}`,
        })),
      ),
    });
  }
  return results.flatMap((r) => (r.ok ? [r.facts] : []));
}
