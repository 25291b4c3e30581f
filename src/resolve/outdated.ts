/**
 * `eka outdated`: per atom dependency, the locked version, the newest version its requirement
 * allows and the newest release, from ref listings only (one per mirror; nothing is fetched
 * and nothing is written).
 */
import {
  ANY_VERSION,
  highestMatch,
  type Label,
  LOCAL_MIRROR,
  type Report,
  type Tag,
} from "../core/index.ts";
import { type MirrorLister, openMirrorLister } from "../git/index.ts";
import { planLock } from "./plan-lock.ts";
import { openProject } from "./project.ts";
import { listSet } from "./set-listing.ts";
import { MIRROR_TIMEOUT_MS } from "./sync-lock.ts";

export interface OutdatedRow {
  readonly set: string;
  readonly label: string;
  readonly requirement: string;
  readonly locked: string | null;
  /** The newest version the requirement allows. */
  readonly compatible: string | null;
  /** The newest release of all. */
  readonly latest: string | null;
}

export interface OutdatedResult {
  readonly dir: string;
  /** Dependencies with a newer version than the one locked. */
  readonly outdated: readonly OutdatedRow[];
  readonly checked: number;
}

export async function outdatedDeps(options: {
  readonly cwd: string;
  readonly report: Report;
  readonly lister?: () => Promise<MirrorLister>;
}): Promise<OutdatedResult> {
  const project = await openProject(options.cwd);
  const plan = planLock(project.manifest, project.requests, project.lock);
  const atoms = project.requests.flatMap((r) => (r.type === "atom" ? [r] : []));
  const labels = new Map<Tag, Label[]>();
  for (const r of atoms) labels.set(r.set, [...(labels.get(r.set) ?? []), r.label]);
  let lister: Promise<MirrorLister> | undefined;
  const views = new Map(
    await Promise.all(
      [...labels].map(async ([name, wanted]) => {
        const set = project.manifest.sets.find((s) => s.name === name)!;
        const lockedId = plan.lockedSets.get(name)?.id ?? null;
        if (set.mirrors[0] === LOCAL_MIRROR) {
          const { localSetView } = await import("./local-set.ts");
          return [name, await localSetView(project.dir, name, wanted)] as const;
        }
        lister ??=
          options.lister?.() ?? openMirrorLister(project.dir, { timeoutMs: MIRROR_TIMEOUT_MS });
        return [
          name,
          await listSet(
            { name, mirrors: set.mirrors, lockedId },
            wanted,
            await lister,
            options.report,
          ),
        ] as const;
      }),
    ),
  );
  const rows: OutdatedRow[] = [];
  for (const r of atoms) {
    const versions = (views.get(r.set)?.versions(r.label) ?? [])
      .filter((c) => c.content !== null)
      .map((c) => c.version);
    const setId = plan.lockedSets.get(r.set)?.id;
    const locked = project.lock?.deps.find(
      (d) => d.type === "atom" && d.set === setId && d.label === r.label,
    );
    const row: OutdatedRow = {
      set: r.set,
      label: r.label,
      requirement: r.text,
      locked: locked?.type === "atom" ? locked.version : null,
      compatible: highestMatch(r.requirement, versions),
      latest: highestMatch(ANY_VERSION, versions),
    };
    if (row.locked === null || row.compatible !== row.locked || row.latest !== row.locked)
      rows.push(row);
  }
  return { dir: project.dir, outdated: rows, checked: atoms.length };
}
