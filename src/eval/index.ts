/** Evaluation: atom-nix, the lock fetcher and Nix's sandbox settings (protocol.md §10). */
export {
  type BuildResult,
  buildAtom,
  derivationsToBuild,
  type EvalIdentity,
  type EvalOptions,
  type EvalResult,
  evaluateAtom,
} from "./evaluate.ts";
export { type NixLocation, nixError, nixLocations, nixMessage } from "./nix-error.ts";
export { NIX_DIR, NIX_ENTRY, nixEnv, runNix, sandboxArgs } from "./run-nix.ts";
