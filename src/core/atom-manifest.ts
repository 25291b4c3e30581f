/**
 * `atom.toml` (protocol.md §1): `[package]` (label, version, description, `[package.sets]`),
 * `[metadata]` (open), `[deps.from.<set>]` (atom dependencies), `[deps.direct.nix]` (non-atom
 * dependencies, kept raw for now) and `[nix]` (`entry`, open `[nix.config]`). Everything is
 * validated and every problem is reported at once.
 *
 * Throws EKA_TOML_SYNTAX (one diagnostic) when the text is not TOML, and EKA_MANIFEST_INVALID
 * (every diagnostic) when it is TOML but not a valid manifest.
 */
import { readAtomDeps } from "./atom-deps.ts";
import type {
  AtomDepRequest,
  MirrorSet,
  NixDepRequest,
  NixSettings,
} from "./atom-manifest-types.ts";
import { EkaError } from "./errors.ts";
import { parseLabel } from "./label.ts";
import { checkKnownKeys, stringAt, tableAt } from "./manifest-fields.ts";
import { type Metadata, readMetadata } from "./metadata.ts";
import { readMirrorSets } from "./mirror-sets.ts";
import { readNixSettings } from "./nix-settings.ts";
import { ProblemList } from "./problem-list.ts";
import { parseToml } from "./toml.ts";
import type { TomlPos, TomlString, TomlTable } from "./toml-tree.ts";
import type { Label, Version } from "./types.ts";
import { parseVersion } from "./version.ts";

export const ATOM_MANIFEST_FILE = "atom.toml";

export interface AtomManifest extends Metadata {
  readonly file: string;
  readonly label: Label;
  readonly labelLine: number;
  readonly labelColumn: number;
  readonly version: Version;
  readonly versionLine: number;
  readonly versionColumn: number;
  readonly description?: string;
  /** `[package.sets]`, in file order. */
  readonly sets: readonly MirrorSet[];
  /** `[deps.from.<set>]`, in file order. */
  readonly deps: readonly AtomDepRequest[];
  /** `[deps.direct.nix]`, in file order. */
  readonly nixDeps: readonly NixDepRequest[];
  readonly nix: NixSettings;
}

const TOP = {
  allowed: ["package", "metadata", "deps", "nix"],
  elsewhere: {
    label: "label goes under [package]",
    version: "version goes under [package]",
    description: "description goes under [package]",
    sets: "sets goes under [package], as [package.sets]",
    from: "from goes under [deps], as [deps.from.<set>]",
    direct: "direct goes under [deps], as [deps.direct.nix]",
    dependencies:
      "dependencies are written [deps.from.<set>] (atoms) or [deps.direct.nix] (other sources)",
    entry: "entry goes under [nix]",
    config: "config goes under [nix], as [nix.config]",
    tags: "tags goes under [metadata]",
  },
};

const PACKAGE = {
  allowed: ["label", "version", "description", "sets"],
  elsewhere: { tags: "tags goes under [metadata]", license: "license goes under [metadata]" },
};

interface Located<T> {
  readonly value: T;
  readonly at: TomlPos;
}

function required<T>(
  table: TomlTable,
  key: string,
  problems: ProblemList,
  example: string,
  parse: (text: string) => T,
): Located<T> | undefined {
  const entry = table.entries.get(key);
  if (entry === undefined) {
    problems.add(table, `[package] has no ${key}`, `add it, e.g. ${example}`);
    return undefined;
  }
  const text: TomlString | undefined = stringAt(entry, ["package", key], problems);
  if (text === undefined) return undefined;
  try {
    return { value: parse(text.value), at: text };
  } catch (error) {
    problems.addError(text, error);
    return undefined;
  }
}

export function parseAtomManifest(text: string, file = ATOM_MANIFEST_FILE): AtomManifest {
  const root = parseToml(text, file);
  const problems = new ProblemList(file);
  checkKnownKeys(root, [], TOP, problems);
  const packageEntry = root.entries.get("package");
  if (packageEntry === undefined) {
    problems.add(
      root,
      `${file} has no [package] table`,
      'add a [package] table with label = "my-atom" and version = "0.1.0"',
    );
  }
  const pkg = tableAt(packageEntry, ["package"], problems);
  let label: Located<Label> | undefined;
  let version: Located<Version> | undefined;
  let description: string | undefined;
  let sets: readonly MirrorSet[] = [];
  if (pkg !== undefined) {
    checkKnownKeys(pkg, ["package"], PACKAGE, problems);
    label = required(pkg, "label", problems, 'label = "my-atom"', (s) => parseLabel(s));
    version = required(pkg, "version", problems, 'version = "0.1.0"', (s) => parseVersion(s));
    description = stringAt(
      pkg.entries.get("description"),
      ["package", "description"],
      problems,
    )?.value;
    sets = readMirrorSets(pkg, problems);
  }
  const metadata = readMetadata(root, problems);
  const deps = readAtomDeps(root, sets, problems);
  const nix = readNixSettings(root, problems);
  problems.throwIfAny();
  if (label === undefined || version === undefined) {
    throw new EkaError("EKA_INTERNAL", "a manifest without label or version passed validation");
  }
  return {
    file,
    label: label.value,
    labelLine: label.at.line,
    labelColumn: label.at.column,
    version: version.value,
    versionLine: version.at.line,
    versionColumn: version.at.column,
    ...(description === undefined ? {} : { description }),
    sets,
    ...metadata,
    deps: deps.atoms,
    nixDeps: deps.nix,
    nix,
  };
}
