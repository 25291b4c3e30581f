import { defineCommand } from "../command.ts";
import { fetchSettings } from "./fetch-settings.ts";
import { renderChanges } from "./render-changes.ts";

export const removeCommand = defineCommand({
  name: "remove",
  summary: "remove atom dependencies from atom.toml and atom.lock together",
  usage: "eka remove <label>… [--json]",
  description: [
    "Removes each label from [deps.from.<set>] (from every set that has it), keeping every",
    "other byte of atom.toml, and prunes its entry from atom.lock, both files at once.",
  ].join("\n"),
  options: {},
  positionals: [1, Number.POSITIVE_INFINITY],
  examples: ["eka remove auth-service", "eka remove button validator --json"],
  async run(ctx, args) {
    const [{ removeDeps, stampDir }, fetch] = await Promise.all([
      import("../../resolve/index.ts"),
      fetchSettings(ctx.env),
    ]);
    return removeDeps({
      cwd: ctx.cwd,
      labels: args.positionals,
      report: ctx.report,
      fetch,
      stampRoot: stampDir(ctx.env),
    });
  },
  render(result) {
    return [
      ...result.removed.map((r) => `removed ${r.label} (${r.set})`),
      ...renderChanges(
        result.changes.filter(
          (c) => !result.removed.some((r) => r.label === c.name && c.kind === "removed"),
        ),
      ),
    ];
  },
});
