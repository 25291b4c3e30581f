/**
 * atom-nix hands an atom its dependencies as `deps.<set name>.<label>` (atoms) and
 * `deps.nix.<name>` (the direct dependencies of `[deps.direct.nix]`): atoms taken from a set
 * named `nix` would be hidden by the direct dependencies, so no set of atom dependencies may
 * have that name. Set names are compared after their NFKC normalisation (`ｎｉｘ` is `nix`) and
 * byte for byte after it (`Nix` is another name, as it is another Nix attribute).
 */

/** The attribute of `deps` that holds the direct dependencies. */
export const DIRECT_DEPS_NAME = "nix";

/** Why the atoms of set `name` would be unreachable, in words. */
export const DIRECT_DEPS_CLASH =
  "atom-nix gives an atom its direct dependencies as deps.nix, so deps.nix.<label> could not reach the atoms of a set named nix";

/** A set name to suggest in place of `nix`. */
export const DIRECT_DEPS_OTHER_NAME = "nix-atoms";
