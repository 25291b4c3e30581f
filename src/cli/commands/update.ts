import { defineCommand } from "../command.ts";
import { fetchSettings } from "./fetch-settings.ts";
import { renderOutcome } from "./render-changes.ts";
import { resolveOnly } from "./resolve-only.ts";

export const updateCommand = defineCommand({
  name: "update",
  summary: "resolve the named dependencies again (all when none), nothing else moves",
  usage: "eka update [name…] [--json]",
  description: [
    "Re-resolves the named dependencies (atom labels or direct dependency names; every",
    "dependency when none is named) to the highest version their requirement allows, and",
    "writes atom.lock. Every other locked entry stays exactly as it is. A git pin moves to",
    "its ref's current commit (or the highest tag its version allows); a download is asked",
    "for again (a conditional request when cached) and its hash recomputed.",
  ].join("\n"),
  options: {},
  positionals: [0, Number.POSITIVE_INFINITY],
  examples: ["eka update", "eka update auth-service", "eka update auth-service nixpkgs --json"],
  async run(ctx, args) {
    const [{ resolveProject, stampDir }, fetch] = await Promise.all([
      resolveOnly(),
      fetchSettings(ctx.env),
    ]);
    return resolveProject({
      cwd: ctx.cwd,
      report: ctx.report,
      update: args.positionals,
      fetch,
      stampRoot: stampDir(ctx.env),
    });
  },
  render: renderOutcome,
});
