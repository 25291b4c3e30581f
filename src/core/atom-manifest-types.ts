/** The parts of an `atom.toml` beyond `[package]`, as `parseAtomManifest` returns them. */
import type { PlainTable } from "./toml.ts";
import type { TomlPos } from "./toml-tree.ts";
import type { Label, Tag } from "./types.ts";

/** One `[package.sets]` entry: a set name and its mirrors (`"::"`, if present, first). */
export interface MirrorSet extends TomlPos {
  readonly name: Tag;
  readonly mirrors: readonly string[];
}

/** One `[deps.from.<set>]` entry. The requirement is checked only to be non-empty for now. */
export interface AtomDepRequest extends TomlPos {
  readonly type: "atom";
  readonly set: Tag;
  readonly label: Label;
  readonly requirement: string;
}

/** One `[deps.direct.nix]` entry: a name (label rules) and its table, kept as written. */
export interface NixDepRequest extends TomlPos {
  readonly name: Label;
  readonly spec: PlainTable;
}

/** `[nix]`: the entry directory relative to the atom (null: the atom directory) and config. */
export interface NixSettings {
  readonly entry: string | null;
  readonly config: PlainTable;
}
