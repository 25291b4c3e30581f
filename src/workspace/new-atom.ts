/**
 * `eka new <path>`: create an atom's `atom.toml` and list its path in `ekala.toml`, keeping
 * every comment and the formatting of the rest of that file. Everything is validated before
 * anything is written; a failure while writing undoes what was written.
 */
import { mkdir, rm, stat } from "node:fs/promises";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import {
  addPackagePath,
  EkaError,
  type Label,
  normaliseRepoPath,
  parseEkalaManifest,
  parseLabel,
  parseVersion,
  renderAtomManifest,
  type Version,
} from "../core/index.ts";
import { withWorkspace } from "./open-workspace.ts";
import {
  ATOM_MANIFEST,
  EKALA_MANIFEST,
  readTextIfExists,
  readWorktreeSet,
} from "./read-worktree-set.ts";
import { writeFileAtomic } from "./write-file-atomic.ts";

export interface NewAtomOptions {
  /** Directory the user ran eka in; `path` is relative to it. */
  readonly cwd: string;
  readonly path: string;
  readonly label?: string;
  readonly version?: string;
  readonly description?: string;
}

export interface NewAtomResult {
  readonly root: string;
  /** The atom directory relative to the root, as written to ekala.toml. */
  readonly path: string;
  readonly label: Label;
  readonly version: Version;
  readonly files: readonly string[];
}

/** Turns a user path (relative to cwd, or absolute) into a normalised repository path. */
export function repoRelativePath(root: string, cwd: string, input: string): string {
  const absolute = resolve(cwd, input);
  const rel = relative(root, absolute);
  if (rel === "" || rel.startsWith(`..${sep}`) || rel === ".." || isAbsolute(rel)) {
    throw new EkaError(
      "EKA_PATH_INVALID",
      rel === ""
        ? "an atom cannot be the repository root itself"
        : `\`${input}\` is outside the repository`,
      { where: root, hint: "give a directory inside the repository, e.g. `eka new pkgs/my-atom`" },
    );
  }
  return normaliseRepoPath(rel.split(sep).join("/"));
}

async function isDirectoryOrMissing(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return true;
  }
}

/** Creates the missing directories of `path` and returns the topmost one created (for undo). */
async function makeDirectories(path: string): Promise<string | undefined> {
  return mkdir(path, { recursive: true });
}

export async function newAtom(options: NewAtomOptions): Promise<NewAtomResult> {
  return withWorkspace(options.cwd, async ({ root }) => {
    const path = repoRelativePath(root, options.cwd, options.path);
    const set = await readWorktreeSet(root);
    if (set.manifest.packages.some((p) => p.path === path)) {
      throw new EkaError(
        "EKA_DUPLICATE_PATH",
        `\`${path}\` is already listed in ${EKALA_MANIFEST}`,
        {
          where: EKALA_MANIFEST,
          hint: "each atom is listed once; pick another directory",
        },
      );
    }
    const label = parseLabel(options.label ?? path.slice(path.lastIndexOf("/") + 1));
    const version = parseVersion(options.version ?? "0.1.0");
    const clash = set.atoms.find((a) => a.manifest.label === label);
    if (clash !== undefined) {
      throw new EkaError(
        "EKA_DUPLICATE_LABEL",
        `label \`${label}\` is already used by \`${clash.path}\``,
        {
          where: `${clash.path}/${ATOM_MANIFEST}`,
          hint: "labels are unique within a set; choose another with --label",
        },
      );
    }
    const dir = join(root, path);
    const atomFile = join(dir, ATOM_MANIFEST);
    if (!(await isDirectoryOrMissing(dir))) {
      throw new EkaError("EKA_PATH_INVALID", `\`${path}\` exists and is not a directory`, {
        where: root,
        hint: "an atom is a directory; choose another path",
      });
    }
    if ((await readTextIfExists(atomFile)) !== null) {
      throw new EkaError("EKA_ATOM_EXISTS", `\`${path}\` already has an ${ATOM_MANIFEST}`, {
        where: `${path}/${ATOM_MANIFEST}`,
        hint: `add \`${path}\` to ${EKALA_MANIFEST} by hand, or choose a new directory`,
      });
    }
    const atomText = renderAtomManifest({
      label,
      version,
      ...(options.description === undefined ? {} : { description: options.description }),
    });
    const ekalaText = addPackagePath(set.manifestText, path);
    // The edited file must still be a valid manifest that lists the new path exactly once.
    const check = parseEkalaManifest(ekalaText, EKALA_MANIFEST);
    if (check.packages.filter((p) => p.path === path).length !== 1) {
      throw new EkaError("EKA_INTERNAL", `editing ${EKALA_MANIFEST} did not add \`${path}\``);
    }

    const createdDir = await makeDirectories(dir);
    try {
      await writeFileAtomic(atomFile, atomText);
      await writeFileAtomic(join(root, EKALA_MANIFEST), ekalaText);
    } catch (error) {
      await rm(createdDir ?? atomFile, { recursive: true, force: true });
      throw error;
    }
    return { root, path, label, version, files: [`${path}/${ATOM_MANIFEST}`, EKALA_MANIFEST] };
  });
}
