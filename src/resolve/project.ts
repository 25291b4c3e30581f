/**
 * The atom a command works on: the nearest directory at or above the working directory that
 * holds `atom.toml`, with its manifest and lock read (after repairing an interrupted update).
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { ATOM_MANIFEST_FILE, type AtomManifest, parseAtomManifest } from "../core/atom-manifest.ts";
import { EkaError } from "../core/errors.ts";
import { LOCK_FILE, type Lock } from "../core/lock-types.ts";
import { recoverPair } from "./pair-transaction.ts";
import { requestsOf } from "./requests.ts";
import type { DepRequest } from "./types.ts";

export interface Project {
  readonly dir: string;
  readonly manifestText: string;
  readonly manifest: AtomManifest;
  readonly requests: readonly DepRequest[];
  readonly lockText: string | null;
  readonly lock: Lock | null;
}

/** The nearest directory at or above `cwd` with an `atom.toml` (stops at a repository root). */
export function findAtomDir(cwd: string): string {
  let dir = resolve(cwd);
  for (;;) {
    if (existsSync(join(dir, ATOM_MANIFEST_FILE))) return dir;
    const parent = dirname(dir);
    if (parent === dir || existsSync(join(dir, ".git")) || existsSync(join(dir, "ekala.toml")))
      break;
    dir = parent;
  }
  throw new EkaError(
    "EKA_ATOM_MISSING",
    `no ${ATOM_MANIFEST_FILE} in ${resolve(cwd)} or above it`,
    {
      where: resolve(cwd),
      hint: "run eka in an atom's directory (or pass -C DIR); `eka new <path>` creates an atom",
    },
  );
}

async function readIfExists(path: string): Promise<string | null> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new EkaError("EKA_IO", `cannot read ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** An atom's manifest and the requests it makes (the lock's reader is not needed for this). */
export function readManifest(manifestText: string): Pick<Project, "manifest" | "requests"> {
  const manifest = parseAtomManifest(manifestText, ATOM_MANIFEST_FILE);
  return { manifest, requests: requestsOf(manifest) };
}

/** Finds the atom, repairs an interrupted update, reads and validates both files. */
export async function openProject(cwd: string): Promise<Project> {
  const dir = findAtomDir(cwd);
  await recoverPair(dir);
  const manifestText = await readIfExists(join(dir, ATOM_MANIFEST_FILE));
  if (manifestText === null) {
    throw new EkaError("EKA_ATOM_MISSING", `${ATOM_MANIFEST_FILE} disappeared from ${dir}`, {
      where: dir,
    });
  }
  const lockText = await readIfExists(join(dir, LOCK_FILE));
  // No lock (a first resolve): the lock's reader and what it checks with are not loaded, so a
  // cold resolve starts its listings sooner (start-up time).
  if (lockText === null) {
    return { dir, manifestText, ...readManifest(manifestText), lockText, lock: null };
  }
  const { readProjectTexts } = await import("./project-texts.ts");
  return readProjectTexts(dir, manifestText, lockText);
}
