/** Fresh manifests, as `eka init` and `eka new` write them. */
import { EKALA_MANIFEST_FILE } from "./ekala-manifest.ts";
import { EkaError } from "./errors.ts";
import { normaliseRepoPath } from "./repo-path.ts";
import { showText } from "./show-text.ts";
import { tomlString } from "./toml-string.ts";
import type { Label, Version } from "./types.ts";

export interface NewAtomManifest {
  readonly label: Label;
  readonly version: Version;
  readonly description?: string;
}

/** A new `atom.toml`: `[package]` with label, version and (when given) description. */
export function renderAtomManifest(atom: NewAtomManifest): string {
  const lines = [
    "[package]",
    `label = ${tomlString(atom.label)}`,
    `version = ${tomlString(atom.version)}`,
  ];
  if (atom.description !== undefined) lines.push(`description = ${tomlString(atom.description)}`);
  return `${lines.join("\n")}\n`;
}

const EKALA_HEADER = [
  "# The atoms of this repository (the Atom Protocol; managed with eka).",
  "# [set] packages lists one directory per atom, relative to the repository root; each holds",
  "# an atom.toml. [metadata] is optional and free-form (its tags = [...] are checked).",
];

/**
 * A new `ekala.toml` listing `packages` (normalised; each once): `packages = []` when empty,
 * else one path per line with trailing commas, so that later additions are one-line diffs.
 */
export function renderEkalaManifest(packages: readonly string[]): string {
  const paths: string[] = [];
  for (const input of packages) {
    const path = normaliseRepoPath(input);
    if (paths.includes(path)) {
      throw new EkaError("EKA_DUPLICATE_PATH", `${showText(path)} is listed twice`, {
        where: EKALA_MANIFEST_FILE,
        hint: "list each atom directory once",
      });
    }
    paths.push(path);
  }
  const list =
    paths.length === 0
      ? "packages = []"
      : ["packages = [", ...paths.map((p) => `  ${tomlString(p)},`), "]"].join("\n");
  return `${[...EKALA_HEADER, "", "[set]", list].join("\n")}\n`;
}
