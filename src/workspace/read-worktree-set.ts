/**
 * The set as the working tree describes it: `ekala.toml` at the root and the `atom.toml` of
 * every listed path. Every problem across all files is collected and reported in one error.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  type AtomManifest,
  type Diagnostic,
  EkaError,
  type EkalaManifest,
  parseAtomManifest,
  parseEkalaManifest,
} from "../core/index.ts";

export const EKALA_MANIFEST = "ekala.toml";
export const ATOM_MANIFEST = "atom.toml";

export interface WorktreeAtom {
  /** Path of the atom directory, relative to the root, as listed in ekala.toml. */
  readonly path: string;
  readonly manifest: AtomManifest;
}

export interface WorktreeSet {
  readonly root: string;
  readonly manifestText: string;
  readonly manifest: EkalaManifest;
  readonly atoms: readonly WorktreeAtom[];
}

/** Reads a file, or null when it does not exist. */
export async function readTextIfExists(path: string): Promise<string | null> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return null;
    throw new EkaError("EKA_IO", `cannot read ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

function diagnosticsOf(error: unknown): readonly Diagnostic[] {
  if (error instanceof EkaError) {
    if (error.diagnostics.length > 0) return error.diagnostics;
    return [
      {
        file: error.where ?? "?",
        line: 1,
        column: 1,
        message: error.message,
        ...(error.hint === undefined ? {} : { hint: error.hint }),
      },
    ];
  }
  throw error;
}

export async function readWorktreeSet(root: string): Promise<WorktreeSet> {
  const manifestText = await readTextIfExists(join(root, EKALA_MANIFEST));
  if (manifestText === null) {
    throw new EkaError("EKA_NOT_INITIALIZED", `no ${EKALA_MANIFEST} at the repository root`, {
      where: root,
      hint: "run `eka init` to give this repository an identity and an ekala.toml",
    });
  }
  const manifest = parseEkalaManifest(manifestText, EKALA_MANIFEST);
  const problems: Diagnostic[] = [];
  const atoms: WorktreeAtom[] = [];
  const byLabel = new Map<string, string>();
  for (const entry of manifest.packages) {
    const file = `${entry.path}/${ATOM_MANIFEST}`;
    const text = await readTextIfExists(join(root, entry.path, ATOM_MANIFEST));
    if (text === null) {
      problems.push({
        file: EKALA_MANIFEST,
        line: entry.line,
        column: entry.column,
        message: `\`${entry.path}\` has no ${ATOM_MANIFEST}`,
        hint: `create it with \`eka new ${entry.path}\`, or remove the path from ${EKALA_MANIFEST}`,
      });
      continue;
    }
    let atom: AtomManifest;
    try {
      atom = parseAtomManifest(text, file);
    } catch (error) {
      problems.push(...diagnosticsOf(error));
      continue;
    }
    const other = byLabel.get(atom.label);
    if (other !== undefined) {
      problems.push({
        file,
        line: atom.labelLine,
        column: atom.labelColumn,
        message: `label \`${atom.label}\` is also used by \`${other}\``,
        hint: "labels must be unique within a set; rename one of the atoms",
      });
      continue;
    }
    byLabel.set(atom.label, entry.path);
    atoms.push({ path: entry.path, manifest: atom });
  }
  if (problems.length > 0) {
    throw new EkaError(
      "EKA_MANIFEST_INVALID",
      `the set has ${problems.length} problem${problems.length === 1 ? "" : "s"}`,
      {
        where: root,
        diagnostics: problems,
        hint: "fix every problem listed above, then run the command again",
      },
    );
  }
  return { root, manifestText, manifest, atoms };
}
