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
  EkaError,
  parseAtomManifest,
  tomlString,
} from "../core/index.ts";
import { applyEdits, TomlDoc } from "../core/toml-edit.ts";

export type NixEntryFields = readonly (readonly [string, string | boolean])[];

function reparse(text: string, file: string, what: string): AtomManifest {
  try {
    return parseAtomManifest(text, file);
  } catch (error) {
    throw new EkaError("EKA_INTERNAL", `${what} produced an invalid manifest`, { cause: error });
  }
}

const nixKey = (d: AtomManifest["nixDeps"][number]) => `${d.name}\u0000${JSON.stringify(d.spec)}`;
const atomKey = (d: AtomManifest["deps"][number]) =>
  `${d.set}\u0000${d.label}\u0000${d.requirement}`;
const setKey = (s: AtomManifest["sets"][number]) => `${s.name}\u0000${s.mirrors.join("\u0000")}`;

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  return [...a].sort().join("\n") === [...b].sort().join("\n");
}

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
  const after = reparse(out, file, what);
  const added = { name, spec: Object.fromEntries(fields), line: 0, column: 0 };
  const same =
    sameKeys(after.sets.map(setKey), before.sets.map(setKey)) &&
    sameKeys(after.deps.map(atomKey), before.deps.map(atomKey)) &&
    sameKeys(
      after.nixDeps.map(nixKey),
      [...before.nixDeps, added].map((d) => nixKey(d as AtomManifest["nixDeps"][number])),
    ) &&
    after.label === before.label &&
    after.version === before.version;
  if (!same) {
    throw new EkaError("EKA_INTERNAL", `${what} did not give the expected manifest`, {
      data: { nixDeps: after.nixDeps.map(nixKey) },
    });
  }
  return out;
}
