/** `eka resolve` and `eka update`: the lock brought in line with the manifest, then written. */
import { ATOM_MANIFEST_FILE, EkaError, LOCK_FILE, type Report } from "../core/index.ts";
import type { MirrorLister } from "../git/index.ts";
import { recordIfUpToDate } from "./lock-status.ts";
import { writePair } from "./pair-transaction.ts";
import { openProject } from "./project.ts";
import { type DepChange, syncLock } from "./sync-lock.ts";
import type { DepRequest, FetchSettings } from "./types.ts";

export interface ResolveOptions {
  readonly cwd: string;
  readonly report: Report;
  readonly locked?: boolean;
  readonly offline?: boolean;
  /** `eka update`: these dependencies (labels or names; all when empty) resolved again. */
  readonly update?: readonly string[];
  readonly lister?: () => Promise<MirrorLister>;
  /** For downloaded pins (`nix+url`, `nix+tar`, `nix+build`). */
  readonly fetch?: FetchSettings;
  /** Where the no-op stamp is recorded (`stampDir`); none when undefined. */
  readonly stampRoot?: string;
}

export interface ResolveOutcome {
  /** The atom directory. */
  readonly dir: string;
  /** Whether atom.lock was written. */
  readonly written: boolean;
  readonly changes: readonly DepChange[];
  /** How many dependencies the lock holds. */
  readonly deps: number;
}

function nameOf(request: DepRequest): string {
  return request.type === "atom" ? request.label : request.name;
}

export async function resolveProject(options: ResolveOptions): Promise<ResolveOutcome> {
  const project = await openProject(options.cwd);
  let force: ((r: DepRequest) => boolean) | undefined;
  if (options.update !== undefined) {
    const names = new Set(options.update);
    const known = project.requests.map(nameOf);
    const unknown = [...names].filter((n) => !known.includes(n));
    if (unknown.length > 0) {
      throw new EkaError(
        "EKA_DEP_NOT_FOUND",
        `${unknown.join(", ")} ${unknown.length === 1 ? "is not a dependency" : "are not dependencies"} of ${ATOM_MANIFEST_FILE}`,
        {
          where: `${project.dir}/${ATOM_MANIFEST_FILE}`,
          hint:
            known.length === 0
              ? "it has no dependencies"
              : `the dependencies are: ${known.join(", ")}`,
          data: { unknown, deps: known },
        },
      );
    }
    force = names.size === 0 ? () => true : (r) => names.has(nameOf(r));
  }
  const result = await syncLock(
    project.manifest,
    project.requests,
    project.lock,
    project.lockText,
    {
      dir: project.dir,
      report: options.report,
      ...(options.locked === undefined ? {} : { locked: options.locked }),
      ...(options.offline === undefined ? {} : { offline: options.offline }),
      ...(force === undefined ? {} : { force }),
      ...(options.lister === undefined ? {} : { lister: options.lister }),
      ...(options.fetch === undefined
        ? {}
        : { fetch: { ...options.fetch, refresh: options.update !== undefined } }),
    },
  );
  if (result.changed) await writePair(project.dir, [{ name: LOCK_FILE, text: result.text }]);
  recordIfUpToDate(options.stampRoot, { ...project, lockText: result.text, lock: result.lock });
  return {
    dir: project.dir,
    written: result.changed,
    changes: result.changes,
    deps: result.lock.deps.length,
  };
}
