/** `eka resolve` and `eka update`: the lock brought in line with the manifest, then written. */
// Only what reading the project and starting its listings needs, loaded up front: the rest of
// resolution (planning, resolvers, the lock writer) is loaded while the mirrors answer.
import { ATOM_MANIFEST_FILE } from "../core/atom-manifest.ts";
import { type NamedDep, selectDeps } from "../core/dep-selection.ts";
import { LOCK_FILE } from "../core/lock-types.ts";
import type { Report } from "../core/report.ts";
import type { StartedRemoteConfig } from "../git/ls-refs/read-remote-config.ts";
import { type MirrorLister, openMirrorLister } from "../git/mirror-refs.ts";
import { certainListings, startListings } from "./early-listings.ts";
import { openProject } from "./project.ts";
import type { DepChange } from "./sync-lock.ts";
import type { DepRequest, FetchSettings } from "./types.ts";

/** Every mirror listing gets this long (sync-lock.ts's `MIRROR_TIMEOUT_MS`, not imported: start-up). */
const MIRROR_TIMEOUT_MS = 60_000;

export interface ResolveOptions {
  readonly cwd: string;
  readonly report: Report;
  readonly locked?: boolean;
  readonly offline?: boolean;
  /** `eka update`: these dependencies (labels or names; all when empty) resolved again. */
  readonly update?: readonly string[];
  /** With `update`: the names are atoms of this set (`nix`: direct dependencies; `selectDeps`). */
  readonly updateSet?: string;
  readonly lister?: () => Promise<MirrorLister>;
  /**
   * For downloaded pins (`nix+url`, `nix+tar`, `nix+build`). A function is called once the
   * listings are started (loading the settings takes a while); its failure is reported before
   * any problem of the project, as if it had been called first.
   */
  readonly fetch?: FetchSettings | (() => Promise<FetchSettings>);
  /** git's configuration for listings, being read already; used when read in the atom's directory. */
  readonly remoteConfig?: StartedRemoteConfig;
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

export async function resolveProject(options: ResolveOptions): Promise<ResolveOutcome> {
  const settings =
    typeof options.fetch === "function" ? { later: options.fetch } : { now: options.fetch };
  let fetchPromise: Promise<FetchSettings> | undefined;
  const fetchSettings = async (): Promise<FetchSettings | undefined> => {
    if (!("later" in settings)) return settings.now;
    fetchPromise ??= settings.later();
    return fetchPromise;
  };
  // The settings' errors come first, as when they were loaded before anything else.
  const settingsFirst = async (error: unknown): Promise<never> => {
    await fetchSettings();
    throw error;
  };
  const project = await openProject(options.cwd).catch(settingsFirst);
  let force: ((r: DepRequest) => boolean) | undefined;
  if (options.update !== undefined) {
    const { update, updateSet } = options;
    let picked: NamedDep[];
    try {
      picked = selectDeps(
        project.manifest,
        update,
        updateSet,
        `${project.dir}/${ATOM_MANIFEST_FILE}`,
      );
    } catch (error) {
      return settingsFirst(error);
    }
    const atoms = new Set(
      picked.flatMap((d) => (d.type === "atom" ? [`${d.set}\u0000${d.label}`] : [])),
    );
    const direct = new Set(picked.flatMap((d) => (d.type === "direct" ? [d.name as string] : [])));
    force =
      update.length === 0 && updateSet === undefined
        ? () => true
        : (r) => (r.type === "atom" ? atoms.has(`${r.set}\u0000${r.label}`) : direct.has(r.name));
  }
  let lister = options.lister;
  if (lister === undefined) {
    let open: Promise<MirrorLister> | undefined;
    lister = () => {
      const early = options.remoteConfig;
      open ??= openMirrorLister(project.dir, {
        timeoutMs: MIRROR_TIMEOUT_MS,
        ...(early?.dir === project.dir ? { remoteConfig: early.config } : {}),
      });
      return open;
    };
    if (options.locked !== true && options.offline !== true) {
      const sets = certainListings(project.manifest, project.requests, project.lock, force);
      if (sets.length > 0) await startListings(lister(), sets);
    }
  }
  const fetch = await fetchSettings();
  const [{ syncLock }, { writePair }, { recordIfUpToDate }] = await Promise.all([
    import("./sync-lock.ts"),
    import("./pair-transaction.ts"),
    import("./lock-status.ts"),
  ]);
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
      lister,
      ...(fetch === undefined
        ? {}
        : { fetch: { ...fetch, refresh: options.update !== undefined } }),
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
