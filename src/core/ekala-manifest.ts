/**
 * `ekala.toml` (protocol.md §1): `[set] packages` lists the atom directories; `[metadata]` is
 * open. Everything is validated and every problem is reported at once.
 *
 * Throws EKA_TOML_SYNTAX (one diagnostic) when the text is not TOML, and EKA_MANIFEST_INVALID
 * (every diagnostic) when it is TOML but not a valid manifest.
 */
import { checkKnownKeys, kindWord, tableAt } from "./manifest-fields.ts";
import { type Metadata, readMetadata } from "./metadata.ts";
import { ProblemList } from "./problem-list.ts";
import { checkRelativePath } from "./relative-path.ts";
import { REPO_PATH_RULES } from "./repo-path.ts";
import { showText } from "./show-text.ts";
import { parseToml } from "./toml.ts";
import type { TomlPos } from "./toml-tree.ts";

export const EKALA_MANIFEST_FILE = "ekala.toml";

/** One entry of `[set] packages`: the normalised path and where it is written. */
export interface PackagePath extends TomlPos {
  readonly path: string;
  /** The path as written, before normalisation. */
  readonly written: string;
}

export interface EkalaManifest extends Metadata {
  readonly file: string;
  readonly packages: readonly PackagePath[];
}

const PACKAGES_EXAMPLE = 'packages = ["pkgs/button", "pkgs/validator"]';

export function parseEkalaManifest(text: string, file = EKALA_MANIFEST_FILE): EkalaManifest {
  const root = parseToml(text, file);
  const problems = new ProblemList(file);
  checkKnownKeys(
    root,
    [],
    { allowed: ["set", "metadata"], elsewhere: { packages: "packages goes under [set]" } },
    problems,
  );
  const packages: PackagePath[] = [];
  const setEntry = root.entries.get("set");
  if (setEntry === undefined) {
    problems.add(
      root,
      `${file} has no [set] table`,
      'add a [set] table with packages = ["pkgs/button"] (or packages = [] for none yet)',
    );
  }
  const set = tableAt(setEntry, ["set"], problems);
  if (set !== undefined) {
    checkKnownKeys(set, ["set"], { allowed: ["packages"] }, problems);
    const list = set.entries.get("packages");
    if (list === undefined) {
      problems.add(
        set,
        "[set] has no packages key",
        `list the atom directories (or none yet): ${PACKAGES_EXAMPLE} or packages = []`,
      );
    } else if (list.value.kind !== "array") {
      problems.add(
        list.value,
        `set.packages must be an array of paths, not ${kindWord(list.value)}`,
        PACKAGES_EXAMPLE,
      );
    } else {
      const seen = new Map<string, PackagePath>();
      for (const item of list.value.items) {
        if (item.kind !== "string") {
          problems.add(
            item,
            `set.packages holds ${kindWord(item)}; each entry is a path in double quotes`,
            PACKAGES_EXAMPLE,
          );
          continue;
        }
        const checked = checkRelativePath(item.value, REPO_PATH_RULES);
        if (!checked.ok) {
          problems.add(item, checked.message, checked.hint);
          continue;
        }
        const first = seen.get(checked.path);
        if (first !== undefined) {
          const message =
            first.written === item.value
              ? `${showText(item.value)} is listed twice (first on line ${first.line})`
              : `${showText(item.value)} names the same directory as ${showText(first.written)} on line ${first.line}`;
          problems.add(item, message, "list each atom directory once; remove one of them");
          continue;
        }
        const entry = {
          path: checked.path,
          written: item.value,
          line: item.line,
          column: item.column,
        };
        seen.set(checked.path, entry);
        packages.push(entry);
      }
    }
  }
  const metadata = readMetadata(root, problems);
  problems.throwIfAny();
  return { file, packages, ...metadata };
}
