/**
 * `applyPublish` (protocol.md §4 "Publishing", step 4): writes a plan.
 *
 * Order, so that a failure leaves nothing half-published:
 * 1. Refuse the whole plan when any atom is refused (nothing written).
 * 2. Write the atom commit objects (unreferenced objects are harmless), through the batch writer.
 * 3. One atomic push of every new ref of every atom, each leased to "must not exist": either the
 *    remote takes all of them or none. A push beaten by a concurrent publisher is
 *    `EKA_PUBLISH_CONFLICT` naming the atoms it lost.
 * 4. The same refs in this repository, in one ref transaction (refs it already holds with the
 *    same value were left out of the plan).
 */
import { EkaError, formatAtomCommit, formatLocation, type Report } from "../core/index.ts";
import {
  atomRef,
  EKALA_PREFIX,
  type GitBackend,
  type PushUpdate,
  type RefUpdate,
} from "../git/index.ts";
import { mapLimit } from "./map-limit.ts";
import { type PlannedAtom, type PublishPlan, targetName, viewPlan } from "./plan.ts";

export interface PublishOutcome {
  /** Atoms whose refs were written. */
  readonly published: readonly PlannedAtom[];
  /** Atoms the target already held with the same atom commit. */
  readonly alreadyPublished: readonly PlannedAtom[];
}

const WRITE_CONCURRENCY = 64;

/** Throws `EKA_VERSION_IMMUTABLE` naming every refused atom; nothing is written then. */
export function assertPublishable(plan: PublishPlan): void {
  const refusals = plan.atoms.flatMap((a) => (a.refusal === undefined ? [] : [a.refusal]));
  const [only] = refusals;
  if (only === undefined) return;
  const data = { plan: viewPlan(plan) };
  if (refusals.length === 1) {
    const message = `${only.message}; nothing was published`;
    throw new EkaError("EKA_VERSION_IMMUTABLE", message, {
      where: formatLocation(only),
      ...(only.hint === undefined ? {} : { hint: only.hint }),
      diagnostics: [{ ...only, message }],
      data,
    });
  }
  throw new EkaError(
    "EKA_VERSION_IMMUTABLE",
    `${refusals.length} atoms cannot be published to ${targetName(plan)}; nothing was published`,
    {
      where: targetName(plan),
      hint: "versions are immutable: bump the version of each atom listed above",
      diagnostics: refusals,
      data,
    },
  );
}

export async function applyPublish(
  repo: GitBackend,
  plan: PublishPlan,
  report: Report,
): Promise<PublishOutcome> {
  assertPublishable(plan);
  const todo = plan.atoms.filter((a) => a.action === "publish");
  const outcome = {
    published: todo,
    alreadyPublished: plan.atoms.filter((a) => a.action === "already-published"),
  };
  if (todo.length === 0) return outcome;

  let written = 0;
  const task = "writing atom commits";
  await mapLimit(todo, WRITE_CONCURRENCY, async (atom) => {
    const bytes = formatAtomCommit({
      tree: atom.tree,
      path: atom.path,
      content: atom.content,
      label: atom.label,
      version: atom.version,
    });
    const oid = await repo.writeObject("commit", bytes);
    if (oid !== atom.commit) {
      throw new EkaError(
        "EKA_INTERNAL",
        `the atom commit of ${atom.label}@${atom.version} was written as ${oid}, planned as ${atom.commit}`,
      );
    }
    report.progress(task, ++written, todo.length);
  });

  if (plan.remote !== null) {
    const updates: PushUpdate[] = todo
      .flatMap((a) => a.push)
      .map((r) => ({ ref: r.ref, oid: r.oid, expect: null }))
      .sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
    report.progress(`pushing ${updates.length} refs to ${plan.remote.display}`, 0);
    try {
      await repo.push(plan.remote, updates);
    } catch (error) {
      const failure = await explainPushFailure(repo, plan, todo, updates, error);
      if (failure !== null) throw failure;
    }
  }

  const local: RefUpdate[] = todo.flatMap((a) =>
    a.local.map((r) => ({ kind: "create" as const, ref: r.ref, oid: r.oid })),
  );
  try {
    await repo.updateRefs(
      local,
      `eka publish ${todo.map((a) => `${a.label}@${a.version}`).join(" ")}`,
    );
  } catch (error) {
    if (plan.remote === null || !(error instanceof EkaError)) throw error;
    throw new EkaError(
      error.code,
      `published to ${plan.remote.display}, but writing the same refs in this repository failed: ${error.message}`,
      {
        hint: `the remote is complete; copy its refs here with \`git fetch ${plan.remote.name ?? plan.remote.display} 'refs/ekala/*:refs/ekala/*'\``,
        cause: error,
      },
    );
  }
  return outcome;
}

/**
 * Why a push failed; null when it did not after all. The remote is listed again:
 * - it holds every pushed ref with our value: the push went through (the connection failed
 *   after the remote committed it), which is success;
 * - it holds some of them: someone else published those versions concurrently (the leases did
 *   their job, and the atomic push took none of ours);
 * - it holds none: the push was refused for another reason (a hook, permissions, the network),
 *   and being atomic it wrote nothing.
 */
async function explainPushFailure(
  repo: GitBackend,
  plan: PublishPlan,
  todo: readonly PlannedAtom[],
  updates: readonly PushUpdate[],
  error: unknown,
): Promise<unknown> {
  if (!(error instanceof EkaError) || plan.remote === null) return error;
  const remote = plan.remote;
  const now = await repo.listRemoteRefs(remote, [EKALA_PREFIX]).then(
    (refs) => new Map<string, string>(refs.map((r) => [r.ref, r.oid])),
    () => null, // unreachable now: report the push's own error
  );
  if (now !== null && updates.every((u) => now.get(u.ref) === u.oid)) return null;
  // Every pushed ref was absent when planned: one that exists now was written by someone else.
  const lost = now === null ? [] : todo.filter((a) => a.push.some((r) => now.has(r.ref)));
  if (lost.length > 0) {
    const names = lost.map((a) => `${a.label}@${a.version}`);
    const details = lost.map((a) => {
      const theirs = now?.get(atomRef(a.label, a.version));
      return theirs === undefined
        ? `${a.label}@${a.version}: some of its refs appeared on the remote`
        : theirs === a.commit
          ? `${a.label}@${a.version}: the remote now holds the same atom commit ${theirs}`
          : `${a.label}@${a.version}: the remote now holds atom commit ${theirs}, ours is ${a.commit}`;
    });
    return new EkaError(
      "EKA_PUBLISH_CONFLICT",
      `${names.join(", ")} ${names.length === 1 ? "was" : "were"} published concurrently by someone else on ${remote.display} (${details.join("; ")}); nothing was published`,
      {
        where: remote.display,
        hint: "run `eka publish` again to see where things stand; if your content differs, bump the version",
        cause: error,
        data: { atoms: names, remote: remote.display },
      },
    );
  }
  const what =
    now === null
      ? "and the remote cannot be listed to check it (an atomic push takes all refs or none: run `eka publish` again to see which)"
      : "so nothing was published";
  return new EkaError(
    error.code,
    `the push to ${remote.display} failed, ${what}: ${error.message}`,
    {
      where: remote.display,
      ...(error.hint === undefined ? {} : { hint: error.hint }),
      cause: error,
      ...(error.data === undefined ? {} : { data: error.data }),
    },
  );
}
