/**
 * Running Nix for an evaluation: `nix-instantiate` / `nix-build` with eka's sandbox settings.
 *
 * - `restrict-eval`: Nix reads only paths in its search path and URIs in `allowed-uris`;
 * - the search path is exactly eka's own Nix code and the atom being evaluated (`NIX_PATH` is
 *   emptied and the `nix-path` setting cleared, so `<nixpkgs>` finds nothing);
 * - `allowed-uris` is exactly the locked sources: the atom cache's `file://` URL and the URLs
 *   of the pinned sources of the graph.
 * One Nix process per command, whatever the number of dependencies.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { EkaError, type ErrorCode } from "../core/index.ts";
import { nixError } from "./nix-error.ts";

/** eka's Nix code: atom-nix, the lock fetcher and the entry point (`nix/` of this package). */
export const NIX_DIR = fileURLToPath(new URL("../../nix", import.meta.url));
export const NIX_ENTRY = join(NIX_DIR, "eval.nix");

export interface NixInvocation {
  readonly atomDir: string;
  readonly cwd: string;
  readonly allowedUris: readonly string[];
  /** `--argstr` arguments of eval.nix. */
  readonly args: Readonly<Record<string, string>>;
  readonly attr?: string;
  readonly env: NodeJS.ProcessEnv;
}

export interface NixOutput {
  readonly stdout: string;
  readonly stderr: string;
}

/** The command-line arguments shared by every Nix run (exported for tests and benchmarks). */
export function sandboxArgs(inv: NixInvocation): string[] {
  const args = [
    "--show-trace",
    "--option",
    "restrict-eval",
    "true",
    "--option",
    "allowed-uris",
    inv.allowedUris.join(" "),
    "--option",
    "nix-path",
    "",
    "-I",
    `eka-nix=${NIX_DIR}`,
    "-I",
    `eka-atom=${inv.atomDir}`,
    NIX_ENTRY,
  ];
  for (const [name, value] of Object.entries(inv.args)) args.push("--argstr", name, value);
  if (inv.attr !== undefined && inv.attr !== "") args.push("-A", inv.attr);
  return args;
}

/** The environment Nix runs with: the caller's, with an empty `NIX_PATH`. */
export function nixEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...env, NIX_PATH: "" };
}

/** Runs `program` with the sandbox arguments and `extra` before them. */
export function runNix(
  program: "nix-instantiate" | "nix-build",
  extra: readonly string[],
  inv: NixInvocation,
  failure: ErrorCode,
): Promise<NixOutput> {
  return new Promise((done, fail) => {
    execFile(
      program,
      [...extra, ...sandboxArgs(inv)],
      { cwd: inv.cwd, env: nixEnv(inv.env), encoding: "utf8", maxBuffer: 1 << 28 },
      (error, stdout, stderr) => {
        if (error === null) {
          done({ stdout, stderr });
          return;
        }
        if ((error as NodeJS.ErrnoException).code === "ENOENT") {
          fail(
            new EkaError("EKA_NIX_UNAVAILABLE", `${program} is not installed (or not on PATH)`, {
              hint: "install Nix 2.8 or later (Debian: apt-get install nix-bin) and make sure nix-instantiate and nix-build are on PATH",
              cause: error,
            }),
          );
          return;
        }
        fail(nixError(failure, stderr, { atomDir: inv.atomDir, nixDir: NIX_DIR, cwd: inv.cwd }));
      },
    );
  });
}
