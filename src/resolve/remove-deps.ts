/** `eka remove <label>…`: the dependencies gone from atom.toml and their entries from the lock, together. */
import {
  ATOM_MANIFEST_FILE,
  EkaError,
  LOCK_FILE,
  type Report,
  removeDependency,
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
  readonly labels: readonly string[];
  readonly report: Report;
  readonly lister?: () => Promise<MirrorLister>;
  /** For downloaded pins (`nix+url`, `nix+tar`, `nix+build`). */
  readonly fetch?: FetchSettings;
  /** Where the no-op stamp is recorded (`stampDir`); none when undefined. */
  readonly stampRoot?: string;
}

export interface RemoveOutcome {
  readonly dir: string;
  readonly removed: readonly { readonly set: string; readonly label: string }[];
  readonly changes: readonly DepChange[];
}

export async function removeDeps(options: RemoveOptions): Promise<RemoveOutcome> {
  const project = await openProject(options.cwd);
  let text = project.manifestText;
  const removed: { set: string; label: string }[] = [];
  for (const label of options.labels) {
    const deps = project.manifest.deps.filter((d) => d.label === label.normalize("NFKC"));
    if (deps.length === 0) {
      const known = project.manifest.deps.map((d) => d.label);
      throw new EkaError(
        "EKA_DEP_NOT_FOUND",
        `${label} is not an atom dependency in ${ATOM_MANIFEST_FILE}`,
        {
          where: `${project.dir}/${ATOM_MANIFEST_FILE}`,
          hint:
            known.length === 0
              ? "it has no atom dependencies"
              : `the atom dependencies are: ${known.join(", ")}`,
          data: { label, deps: known },
        },
      );
    }
    for (const dep of deps) {
      text = removeDependency(text, dep.set, dep.label);
      removed.push({ set: dep.set, label: dep.label });
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
