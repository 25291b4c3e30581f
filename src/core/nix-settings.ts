/** `[nix]`: `entry`, a directory relative to the atom, and `[nix.config]`, an open table. */
import type { NixSettings } from "./atom-manifest-types.ts";
import { checkKnownKeys, stringAt, tableAt } from "./manifest-fields.ts";
import type { ProblemList } from "./problem-list.ts";
import { checkRelativePath, type RelativePathRules } from "./relative-path.ts";
import { tomlTableToPlain } from "./toml.ts";
import type { TomlTable } from "./toml-tree.ts";

export const ATOM_DIR_RULES: RelativePathRules = {
  within: "the atom directory",
  rootHint: "the atom directory is the default entry; remove `entry` instead",
};

export function readNixSettings(root: TomlTable, problems: ProblemList): NixSettings {
  const nix = tableAt(root.entries.get("nix"), ["nix"], problems);
  if (nix === undefined) return { entry: null, config: {} };
  checkKnownKeys(nix, ["nix"], { allowed: ["entry", "config"] }, problems);
  let entry: string | null = null;
  const written = stringAt(nix.entries.get("entry"), ["nix", "entry"], problems);
  if (written !== undefined) {
    const checked = checkRelativePath(written.value, ATOM_DIR_RULES);
    if (checked.ok) entry = checked.path;
    else problems.add(written, checked.message, checked.hint);
  }
  const config = tableAt(nix.entries.get("config"), ["nix", "config"], problems);
  return { entry, config: config === undefined ? {} : tomlTableToPlain(config) };
}
