/**
 * A set from its files, wherever they come from (the working tree, a commit): `ekala.toml`'s
 * parsed manifest plus a loader for each listed `atom.toml`. Every problem across all files is
 * collected (a listed path without `atom.toml`, an invalid manifest, a label used twice), so that
 * the caller reports them all at once.
 */
import {
  ATOM_MANIFEST_FILE,
  type AtomManifest,
  type Diagnostic,
  EKALA_MANIFEST_FILE,
  EkaError,
  type EkalaManifest,
  type PackagePath,
  parseAtomManifest,
} from "../core/index.ts";

/** What loading one listed atom's `atom.toml` gave. */
export type AtomFile<T> =
  | { readonly kind: "file"; readonly text: string; readonly extra: T }
  | { readonly kind: "missing" }
  /** The path exists but cannot be an atom (not a directory, `atom.toml` not a file…). */
  | { readonly kind: "invalid"; readonly message: string; readonly hint: string };

export interface AssembledAtom<T> {
  /** The atom directory relative to the root, normalised, as listed. */
  readonly path: string;
  readonly manifest: AtomManifest;
  readonly extra: T;
}

export interface AssembledSet<T> {
  readonly atoms: readonly AssembledAtom<T>[];
  readonly problems: readonly Diagnostic[];
}

/** The problems of an `EkaError` as diagnostics (its own, or one at `where`). */
export function diagnosticsOf(error: unknown): readonly Diagnostic[] {
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

/** Loads (concurrently) and validates every listed atom; never throws for a bad atom. */
export async function assembleSet<T>(
  manifest: EkalaManifest,
  load: (entry: PackagePath) => Promise<AtomFile<T>>,
): Promise<AssembledSet<T>> {
  const files = await Promise.all(manifest.packages.map((entry) => load(entry)));
  const problems: Diagnostic[] = [];
  const atoms: AssembledAtom<T>[] = [];
  const byLabel = new Map<string, string>();
  for (const [i, entry] of manifest.packages.entries()) {
    const file = files[i]!;
    const name = `${entry.path}/${ATOM_MANIFEST_FILE}`;
    if (file.kind !== "file") {
      const missing = file.kind === "missing";
      problems.push({
        file: manifest.file,
        line: entry.line,
        column: entry.column,
        message: missing ? `\`${entry.path}\` has no ${ATOM_MANIFEST_FILE}` : file.message,
        hint: missing
          ? `create it with \`eka new ${entry.path}\`, or remove the path from ${EKALA_MANIFEST_FILE}`
          : file.hint,
      });
      continue;
    }
    let atom: AtomManifest;
    try {
      atom = parseAtomManifest(file.text, name);
    } catch (error) {
      problems.push(...diagnosticsOf(error));
      continue;
    }
    const other = byLabel.get(atom.label);
    if (other !== undefined) {
      problems.push({
        file: name,
        line: atom.labelLine,
        column: atom.labelColumn,
        message: `label \`${atom.label}\` is also used by \`${other}\``,
        hint: "labels must be unique within a set; rename one of the atoms",
      });
      continue;
    }
    byLabel.set(atom.label, entry.path);
    atoms.push({ path: entry.path, manifest: atom, extra: file.extra });
  }
  return { atoms, problems };
}

/** `EKA_MANIFEST_INVALID` with every problem, or nothing when there are none. */
export function throwSetProblems(
  problems: readonly Diagnostic[],
  what: string,
  where: string,
): void {
  if (problems.length === 0) return;
  throw new EkaError(
    "EKA_MANIFEST_INVALID",
    `${what} has ${problems.length} problem${problems.length === 1 ? "" : "s"}`,
    {
      where,
      diagnostics: problems,
      hint: "fix every problem listed above, then run the command again",
    },
  );
}
