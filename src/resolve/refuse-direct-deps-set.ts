/**
 * `eka add` refuses, before any network and before anything is written, to add an atom to a
 * set named `nix`: atom-nix gives the direct dependencies as `deps.nix`, which would hide it
 * (core/direct-deps-name.ts; the manifest reader refuses `[deps.from.nix]` too).
 */
import {
  ATOM_MANIFEST_FILE,
  DIRECT_DEPS_CLASH,
  DIRECT_DEPS_NAME,
  DIRECT_DEPS_OTHER_NAME,
  EkaError,
  type MirrorSet,
  type Tag,
} from "../core/index.ts";

/** Where the set name came from: `--set`, a set atom.toml declares, or the mirror URL. */
export type SetNameSource = "flag" | "declared" | "url";

export function refuseDirectDepsSet(
  dir: string,
  set: Tag,
  label: string,
  source: SetNameSource,
  declared?: MirrorSet,
): void {
  if (set !== DIRECT_DEPS_NAME) return;
  const file = `${dir}/${ATOM_MANIFEST_FILE}`;
  const other = `--set ${DIRECT_DEPS_OTHER_NAME}`;
  const hint =
    source === "flag"
      ? `name another set, e.g. ${other}`
      : source === "declared"
        ? `rename set ${set} in [package.sets] of ${ATOM_MANIFEST_FILE} (e.g. to ${DIRECT_DEPS_OTHER_NAME}), or add the atom to a new set with ${other}`
        : `the set name ${set} comes from the mirror URL: name the set yourself, e.g. ${other}`;
  throw new EkaError(
    "EKA_SET_CONFLICT",
    `${label} cannot be added to set ${set}: ${DIRECT_DEPS_CLASH}`,
    {
      where: declared === undefined ? file : `${file}:${declared.line}:${declared.column}`,
      hint,
      data: { set, label, source },
    },
  );
}
