/** `eka tree`: the dependencies with their sets, requirements and locked versions, from the files alone. */
import { formatRequirement, type Report } from "../core/index.ts";
import { planSync, requestKey } from "./plan-lock.ts";
import { openProject } from "./project.ts";
import { describeLocked } from "./sync-lock.ts";

export interface TreeSet {
  readonly name: string;
  readonly mirrors: readonly string[];
  /** From the lock; null when the set is not locked yet. */
  readonly id: string | null;
  readonly deps: readonly TreeDep[];
}

export interface TreeDep {
  readonly type: string;
  readonly name: string;
  /** The requirement (atoms, versioned git deps), ref, or URL asked for. */
  readonly wants: string;
  /** The locked version (or ref@rev, or hash); null when the lock does not satisfy it. */
  readonly locked: string | null;
  readonly rev: string | null;
}

export interface DepTree {
  readonly dir: string;
  readonly label: string;
  readonly version: string;
  readonly sets: readonly TreeSet[];
  readonly direct: readonly TreeDep[];
  /** Whether the lock matches the manifest (`eka resolve` would change nothing). */
  readonly upToDate: boolean;
}

export async function depTree(options: {
  readonly cwd: string;
  readonly report: Report;
}): Promise<DepTree> {
  const project = await openProject(options.cwd);
  const plan = planSync(project.manifest, project.requests, project.lock);
  const pending = new Set(plan.pending.map((p) => requestKey(p.request)));
  const lockedId = (name: string) => plan.lockedSets.get(name as never)?.id ?? null;
  const lockedOf = (key: string) => {
    if (pending.has(key)) return null;
    const request = project.requests.find((r) => requestKey(r) === key)!;
    return (
      plan.kept.find((d) =>
        request.type === "atom"
          ? d.type === "atom" && d.label === request.label && d.set === lockedId(request.set)
          : d.type !== "atom" && d.name === request.name,
      ) ?? null
    );
  };
  const sets: TreeSet[] = project.manifest.sets.map((set) => ({
    name: set.name,
    mirrors: set.mirrors,
    id: lockedId(set.name),
    deps: project.requests.flatMap((r) => {
      if (r.type !== "atom" || r.set !== set.name) return [];
      const locked = lockedOf(requestKey(r));
      return [
        {
          type: r.type,
          name: r.label,
          wants: formatRequirement(r.requirement),
          locked: locked === null ? null : describeLocked(locked),
          rev: locked === null || !("rev" in locked) ? null : locked.rev,
        },
      ];
    }),
  }));
  const direct: TreeDep[] = project.requests.flatMap((r) => {
    if (r.type === "atom") return [];
    const locked = lockedOf(requestKey(r));
    const wants =
      r.type === "nix+git"
        ? r.version === undefined
          ? `${r.url} ${r.ref}`
          : `${r.url} ${formatRequirement(r.version)}`
        : r.url;
    return [
      {
        type: r.type,
        name: r.name,
        wants,
        locked: locked === null ? null : describeLocked(locked),
        rev: locked === null || !("rev" in locked) ? null : locked.rev,
      },
    ];
  });
  return {
    dir: project.dir,
    label: project.manifest.label,
    version: project.manifest.version,
    sets,
    direct,
    upToDate: plan.pending.length === 0 && plan.pruned.length === 0,
  };
}
