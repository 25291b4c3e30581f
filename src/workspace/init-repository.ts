/**
 * `eka init` (protocol.md §2): give a repository its identity. Creates an init commit on the
 * current branch (also on an unborn branch), writes `ekala.toml` when missing, points
 * `refs/ekala/init` at the commit, and pushes that ref when a remote is given.
 *
 * Order of effects, so that a failure leaves nothing half-done: objects first (unreferenced
 * objects are harmless), then `ekala.toml` if it was missing (removed again if the ref
 * transaction fails), then one atomic ref transaction (branch + `refs/ekala/init`), then the
 * index entry, then the leased push.
 */
import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import {
  EkaError,
  formatInitCommit,
  type GitOid,
  parseCommit,
  parseEkalaManifest,
  readInitCommit,
  renderEkalaManifest,
  type SetId,
  setIdFromOid,
} from "../core/index.ts";
import type { Report } from "../core/report.ts";
import {
  type GitBackend,
  INIT_REF,
  type RefUpdate,
  type Remote,
  type TreeEntry,
} from "../git/index.ts";
import { withWorkspace } from "./open-workspace.ts";
import { EKALA_MANIFEST, readTextIfExists } from "./read-worktree-set.ts";
import { writeFileAtomic } from "./write-file-atomic.ts";

export interface InitOptions {
  readonly dir: string;
  readonly remote?: string;
  readonly reinit?: boolean;
  readonly report: Report;
}

export type InitOutcome =
  /** A new identity was created. */
  | "created"
  /** A new identity replaced the old one (`--reinit`). */
  | "reinitialized"
  /** Nothing changed: the repository (and remote) already had this identity. */
  | "already-initialized"
  /** The local identity existed; it was pushed to a remote that had none. */
  | "pushed"
  /** The remote's identity is part of this history; it was adopted locally. */
  | "adopted";

export interface InitResult {
  readonly outcome: InitOutcome;
  readonly setId: SetId;
  readonly previousSetId: SetId | null;
  readonly root: string;
  readonly branch: string | null;
  readonly manifestCreated: boolean;
  readonly remote: { readonly url: string; readonly pushed: boolean } | null;
}

/** Reads `refs/ekala/init` and checks that it names a real init commit. */
export async function readLocalIdentity(repo: GitBackend): Promise<GitOid | null> {
  const oid = await repo.resolveRef(INIT_REF);
  if (oid === null) return null;
  await requireInitCommit(repo, oid, INIT_REF);
  return oid;
}

async function requireInitCommit(repo: GitBackend, oid: GitOid, where: string): Promise<void> {
  const object = await repo.readObject(oid);
  if (object.type !== "commit" || readInitCommit(object.data) === null) {
    throw new EkaError(
      "EKA_INIT_INVALID",
      `${INIT_REF} points at ${oid}, which is not an init commit`,
      {
        where,
        hint: "an init commit carries `ekala v1` and `entropy` headers; run `eka init --reinit` to make a new identity",
      },
    );
  }
}

async function remoteIdentity(repo: GitBackend, remote: Remote): Promise<GitOid | null> {
  const refs = await repo.listRemoteRefs(remote, [INIT_REF]);
  return refs.find((r) => r.ref === INIT_REF)?.oid ?? null;
}

function mismatch(local: GitOid, remoteId: GitOid, remote: Remote): EkaError {
  return new EkaError(
    "EKA_IDENTITY_MISMATCH",
    `the remote has another identity: local set id ${local}, remote set id ${remoteId}`,
    {
      where: remote.display,
      hint: "this may be a fork or the wrong URL; check the remote, or replace the remote's identity deliberately with `eka init --reinit`",
      data: { local, remote: remoteId, url: remote.display },
    },
  );
}

export async function initRepository(options: InitOptions): Promise<InitResult> {
  return withWorkspace(options.dir, async ({ repo, root }) => {
    const remote = options.remote === undefined ? null : await repo.resolveRemote(options.remote);
    const local = await readLocalIdentity(repo);
    const remoteId = remote === null ? null : await remoteIdentity(repo, remote);
    const base = {
      root,
      branch: await repo.headBranch(),
      previousSetId: local === null ? null : setIdFromOid(local),
    };

    if (options.reinit !== true) {
      if (local !== null) {
        if (remote === null || remoteId === local) {
          return {
            ...base,
            outcome: "already-initialized",
            setId: setIdFromOid(local),
            manifestCreated: false,
            remote: remote === null ? null : { url: remote.display, pushed: false },
          };
        }
        if (remoteId !== null) throw mismatch(local, remoteId, remote);
        await repo.push(remote, [{ ref: INIT_REF, oid: local, expect: null }]);
        options.report.info(`pushed ${INIT_REF} to ${remote.display}`);
        return {
          ...base,
          outcome: "pushed",
          setId: setIdFromOid(local),
          manifestCreated: false,
          remote: { url: remote.display, pushed: true },
        };
      }
      if (remote !== null && remoteId !== null) {
        return adoptRemoteIdentity(repo, remote, remoteId, base, options.report);
      }
    } else if (local !== null && remote !== null && remoteId !== null && remoteId !== local) {
      throw mismatch(local, remoteId, remote);
    }

    const created = await createInitCommit(repo, root, local);
    if (remote !== null) {
      try {
        await repo.push(remote, [{ ref: INIT_REF, oid: created.oid, expect: remoteId }]);
      } catch (error) {
        if (error instanceof EkaError) {
          throw new EkaError(
            error.code,
            `created set id ${created.oid} locally, but the push failed: ${error.message}`,
            {
              where: remote.display,
              hint: `run \`eka init --remote ${options.remote}\` again to push it once the remote is reachable`,
              cause: error,
            },
          );
        }
        throw error;
      }
    }
    const outcome = local === null ? "created" : "reinitialized";
    if (remote !== null) options.report.info(`pushed ${INIT_REF} to ${remote.display}`);
    return {
      ...base,
      outcome,
      setId: setIdFromOid(created.oid),
      manifestCreated: created.manifestCreated,
      remote: remote === null ? null : { url: remote.display, pushed: true },
    };
  });
}

async function adoptRemoteIdentity(
  repo: GitBackend,
  remote: Remote,
  remoteId: GitOid,
  base: Pick<InitResult, "root" | "branch" | "previousSetId">,
  report: Report,
): Promise<InitResult> {
  const head = await repo.resolveRef("HEAD");
  if (!(await repo.hasObject(remoteId))) await repo.fetch(remote, [INIT_REF]);
  const inHistory =
    head !== null && (await repo.hasObject(remoteId)) && (await repo.isAncestor(remoteId, head));
  if (!inHistory) {
    throw new EkaError(
      "EKA_IDENTITY_MISMATCH",
      `the remote's identity ${remoteId} is not part of this repository's history (no local identity)`,
      {
        where: remote.display,
        hint: "fetch and merge the remote's history first, or give this repository its own identity with `eka init --reinit`",
        data: { local: null, remote: remoteId, url: remote.display },
      },
    );
  }
  await requireInitCommit(repo, remoteId, remote.display);
  await repo.updateRefs(
    [{ kind: "create", ref: INIT_REF, oid: remoteId }],
    "eka init: adopt remote identity",
  );
  report.info(`${remote.display} already holds this repository's identity; adopted it`);
  return {
    ...base,
    outcome: "adopted",
    setId: setIdFromOid(remoteId),
    manifestCreated: false,
    remote: { url: remote.display, pushed: false },
  };
}

async function createInitCommit(
  repo: GitBackend,
  root: string,
  previous: GitOid | null,
): Promise<{ oid: GitOid; manifestCreated: boolean }> {
  const branch = await repo.headBranch();
  if (branch === null) {
    throw new EkaError(
      "EKA_DETACHED_HEAD",
      "HEAD is detached; the init commit must go on a branch",
      {
        hint: "check out a branch first (`git switch -c main`)",
      },
    );
  }
  const manifestPath = join(root, EKALA_MANIFEST);
  const existing = await readTextIfExists(manifestPath);
  if (existing !== null) parseEkalaManifest(existing, EKALA_MANIFEST);
  const text = existing ?? renderEkalaManifest([]);
  const blob = await repo.writeObject("blob", new TextEncoder().encode(text));

  const head = await repo.resolveRef("HEAD");
  const entries: TreeEntry[] = [];
  if (head !== null) {
    const commit = await repo.readObject(head);
    const parsed = parseCommit(commit.data);
    entries.push(...(await repo.readTree(parsed.tree)).filter((e) => e.name !== EKALA_MANIFEST));
  }
  const tree = await repo.writeTree([
    ...entries,
    {
      mode: "100644",
      oid: blob,
      name: EKALA_MANIFEST,
      nameBytes: new TextEncoder().encode(EKALA_MANIFEST),
    },
  ]);
  const oid = await repo.writeObject(
    "commit",
    formatInitCommit({
      tree,
      parent: head,
      author: await repo.ident("author"),
      committer: await repo.ident("committer"),
      entropy: randomBytes(32),
    }),
  );

  if (existing === null) await writeFileAtomic(manifestPath, text);
  const updates: RefUpdate[] = [
    head === null
      ? { kind: "create", ref: branch, oid }
      : { kind: "update", ref: branch, oid, old: head },
    previous === null
      ? { kind: "create", ref: INIT_REF, oid }
      : { kind: "update", ref: INIT_REF, oid, old: previous },
  ];
  try {
    await repo.updateRefs(updates, previous === null ? "eka init" : "eka init --reinit");
  } catch (error) {
    if (existing === null) await rm(manifestPath, { force: true });
    throw error;
  }
  await repo.stageEntry(EKALA_MANIFEST, "100644", blob);
  return { oid, manifestCreated: existing === null };
}
