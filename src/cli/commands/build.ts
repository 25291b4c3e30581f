import { defineCommand, flag } from "../command.ts";
import { CONFIG_OPTIONS, evalOptions, identityLines } from "./eval.ts";

export const buildCommand = defineCommand({
  name: "build",
  summary: "build an atom's derivations with its locked dependencies, in Nix's sandbox",
  usage: "eka build [path] [-A attr] [--config key=value]… [--config-file f.json]… [--dry-run]",
  description: [
    "Evaluates the atom as `eka eval` does (same sandbox, same configuration and digest) and",
    "builds the derivations it (or attribute -A) evaluates to with nix-build, printing their",
    "store paths. A build whose outputs are already in the store builds nothing and says so.",
    "--dry-run only instantiates: it prints the derivations (.drv) that would be built.",
  ].join("\n"),
  options: {
    ...CONFIG_OPTIONS,
    "dry-run": { type: "boolean", description: "print the derivations only; build nothing" },
  },
  positionals: [0, 1],
  examples: [
    "eka build -A hello --config system=x86_64-linux",
    "eka build pkgs/app -A hello --dry-run",
    "eka build -A hello --json",
  ],
  async run(ctx, args) {
    const { buildAtom } = await import("../../eval/index.ts");
    return buildAtom({ ...(await evalOptions(ctx, args)), dryRun: flag(args, "dry-run") });
  },
  render(result) {
    const lines = identityLines(result);
    if (result.dryRun) return [...lines, ...result.derivations.map((d) => `would build ${d}`)];
    lines.push(
      result.cached
        ? "nothing to build: every output is already in the store"
        : `built ${result.built.length} derivation(s)`,
    );
    return [...lines, ...result.outputs];
  },
});
