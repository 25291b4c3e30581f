/** Discovering what a mirror serves (protocol.md §4 "Discovery"), from ref listings only. */
export {
  type ListedAtom,
  type ListedVersion,
  type ListOptions,
  listAtoms,
  listMirror,
  type MirrorListing,
  readListing,
} from "./list-mirror.ts";
