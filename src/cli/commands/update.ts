import { defineCommand, stringOption } from "../command.ts";
import { fetchSettings } from "./fetch-settings.ts";
import { renderOutcome } from "./render-changes.ts";
import { resolveOnly } from "./resolve-only.ts";

export const updateCommand = defineCommand({
  name: "update",
  summary: "resolve the named dependencies again (all when none), nothing else moves",
  usage: "eka update [name…] [--set SET] [--json]",
  description: [
    "Re-resolves the named dependencies (atom labels or direct dependency names; every",
    "dependency when none is named) to the highest version their requirement allows, and",
    "writes atom.lock. Every other locked entry stays exactly as it is. A git pin moves to",
    "its ref's current commit (or the highest tag its version allows); a download is asked",
    "for again (a conditional request when cached) and its hash recomputed.",
    "",
    "A name that several dependencies share (one label in two sets, or an atom and a direct",
    "dependency of one name) is refused (EKA_DEP_AMBIGUOUS) unless --set SET picks one:",
    "--set restricts every name to the atoms of that set, and --set nix to the direct",
    "dependencies (atom-nix gives them to an atom as deps.nix.<name>). With --set and no",
    "name, every dependency of that set is resolved again.",
  ].join("\n"),
  options: {
    set: {
      type: "string",
      value: "SET",
      description: "only dependencies from this set; nix: only direct dependencies",
    },
  },
  positionals: [0, Number.POSITIVE_INFINITY],
  examples: [
    "eka update",
    "eka update auth-service",
    "eka update auth-service nixpkgs --json",
    "eka update button --set acme",
    "eka update --set nix",
  ],
  async run(ctx, args) {
    const [{ resolveProject, stampDir }, fetch] = await Promise.all([
      resolveOnly(),
      fetchSettings(ctx.env),
    ]);
    const set = stringOption(args, "set");
    return resolveProject({
      cwd: ctx.cwd,
      report: ctx.report,
      update: args.positionals,
      ...(set === undefined ? {} : { updateSet: set }),
      fetch,
      stampRoot: stampDir(ctx.env),
    });
  },
  render: renderOutcome,
});
