/**
 * The set as the working tree describes it: `ekala.toml` at the root and the `atom.toml` of
 * every listed path. Every problem across all files is collected and reported in one error.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  type AtomManifest,
  EkaError,
  type EkalaManifest,
  parseEkalaManifest,
} from "../core/index.ts";
import { type AtomFile, assembleSet, throwSetProblems } from "./assemble-set.ts";

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

export async function readWorktreeSet(root: string): Promise<WorktreeSet> {
  const manifestText = await readTextIfExists(join(root, EKALA_MANIFEST));
  if (manifestText === null) {
    throw new EkaError("EKA_NOT_INITIALIZED", `no ${EKALA_MANIFEST} at the repository root`, {
      where: root,
      hint: "run `eka init` to give this repository an identity and an ekala.toml",
    });
  }
  const manifest = parseEkalaManifest(manifestText, EKALA_MANIFEST);
  const { atoms, problems } = await assembleSet(
    manifest,
    async (entry): Promise<AtomFile<null>> => {
      const text = await readTextIfExists(join(root, entry.path, ATOM_MANIFEST));
      return text === null ? { kind: "missing" } : { kind: "file", text, extra: null };
    },
  );
  throwSetProblems(problems, "the set", root);
  return { root, manifestText, manifest, atoms };
}
