/**
 * `atom.toml` with one `[deps.direct.nix]` entry added as an inline table
 * (`name = { git = "…", ref = "…" }`), every other byte kept: the table is written in the form
 * the file already uses for it (a `[deps.direct.nix]` header, an inline table, dotted keys),
 * or as a new `[deps.direct.nix]` section. The result is re-read to check that exactly this
 * entry was added.
 */
import {
  ATOM_MANIFEST_FILE,
  type AtomManifest,
  checkDirectDepsEdit,
  EkaError,
  parseAtomManifest,
  tomlString,
} from "../core/index.ts";
import { applyEdits, TomlDoc } from "../core/toml-edit.ts";

export type NixEntryFields = readonly (readonly [string, string | boolean])[];

/** Throws EKA_DUPLICATE_LABEL when `name` is already a direct dependency of `manifest`. */
export function refuseDuplicateNixName(
  manifest: AtomManifest,
  name: string,
  file = ATOM_MANIFEST_FILE,
): void {
  const existing = manifest.nixDeps.find((d) => d.name === name);
  if (existing !== undefined) {
    throw new EkaError("EKA_DUPLICATE_LABEL", `${name} is already a direct dependency in ${file}`, {
      where: `${file}:${existing.line}:${existing.column}`,
      hint: `choose another name, run eka update --set nix ${name} to lock it again, or edit its entry in ${file}`,
      data: { name },
    });
  }
}

/**
 * `text` with `name = { fields… }` added to `[deps.direct.nix]`. EKA_DUPLICATE_LABEL when the
 * name is already a direct dependency.
 */
export function addNixDependency(
  text: string,
  name: string,
  fields: NixEntryFields,
  file = ATOM_MANIFEST_FILE,
): string {
  const before = parseAtomManifest(text, file);
  refuseDuplicateNixName(before, name, file);
  const value = `{ ${fields
    .map(([k, v]) => `${k} = ${typeof v === "string" ? tomlString(v) : String(v)}`)
    .join(", ")} }`;
  const doc = new TomlDoc(text, file);
  const out = applyEdits(text, [doc.addEntry(["deps", "direct", "nix"], name, value)]);
  const what = `adding ${name} to [deps.direct.nix]`;
  const added = { name, spec: Object.fromEntries(fields) };
  checkDirectDepsEdit(before, out, [...before.nixDeps, added], what, file);
  return out;
}
