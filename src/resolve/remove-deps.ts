/**
 * `eka remove NAME… [--set SET]`: atom dependencies (by label) and direct dependencies (by
 * name) gone from atom.toml and their entries from the lock, together. A name several
 * dependencies share is refused unless `--set` picks one (`selectDeps`).
 */
import {
  ATOM_MANIFEST_FILE,
  LOCK_FILE,
  type NamedDep,
  type Report,
  removeDependency,
  removeDirectDependency,
  selectDeps,
} from "../core/index.ts";
import type { MirrorLister } from "../git/index.ts";
import { recordIfUpToDate } from "./lock-status.ts";
import { type PairFile, writePair } from "./pair-transaction.ts";
import { openProject } from "./project.ts";
import { readProjectTexts } from "./project-texts.ts";
import { type DepChange, syncLock } from "./sync-lock.ts";
import type { FetchSettings } from "./types.ts";

export interface RemoveOptions {
  readonly cwd: string;
  /** Atom labels and direct dependency names. */
  readonly names: readonly string[];
  /** Restricts `names` to the atoms of this set; `nix`: to the direct dependencies. */
  readonly set?: string;
  readonly report: Report;
  readonly lister?: () => Promise<MirrorLister>;
  /** For downloaded pins (`nix+url`, `nix+tar`, `nix+build`). */
  readonly fetch?: FetchSettings;
  /** Where the no-op stamp is recorded (`stampDir`); none when undefined. */
  readonly stampRoot?: string;
}

/** A removed dependency: an atom of a set (`label`), or a direct one (`set` is `nix`, `name`). */
export type RemovedDep =
  | { readonly set: string; readonly label: string }
  | { readonly set: string; readonly name: string };

export interface RemoveOutcome {
  readonly dir: string;
  readonly removed: readonly RemovedDep[];
  readonly changes: readonly DepChange[];
}

export async function removeDeps(options: RemoveOptions): Promise<RemoveOutcome> {
  const project = await openProject(options.cwd);
  const picked: NamedDep[] = selectDeps(
    project.manifest,
    options.names,
    options.set,
    `${project.dir}/${ATOM_MANIFEST_FILE}`,
  );
  let text = project.manifestText;
  const removed: RemovedDep[] = [];
  for (const dep of picked) {
    if (dep.type === "atom") {
      text = removeDependency(text, dep.set, dep.label, ATOM_MANIFEST_FILE);
      removed.push({ set: dep.set, label: dep.label });
    } else {
      text = removeDirectDependency(text, dep.name, ATOM_MANIFEST_FILE);
      removed.push({ set: dep.set, name: dep.name });
    }
  }
  const staged = readProjectTexts(project.dir, text, project.lockText);
  const result = await syncLock(staged.manifest, staged.requests, project.lock, project.lockText, {
    dir: project.dir,
    report: options.report,
    ...(options.lister === undefined ? {} : { lister: options.lister }),
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  });
  const files: PairFile[] = [{ name: ATOM_MANIFEST_FILE, text }];
  if (result.changed) files.push({ name: LOCK_FILE, text: result.text });
  await writePair(project.dir, files);
  recordIfUpToDate(options.stampRoot, { ...staged, lockText: result.text, lock: result.lock });
  return { dir: project.dir, removed, changes: result.changes };
}
