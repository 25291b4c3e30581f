import { defineCommand } from "../command.ts";

export const outdatedCommand = defineCommand({
  name: "outdated",
  summary: "show dependencies with newer versions, from ref listings only",
  usage: "eka outdated [--json]",
  description: [
    "Lists each set's mirrors once (refs only: nothing is fetched, nothing written) and shows,",
    "for every atom dependency with something newer, the locked version, the newest version",
    "its requirement allows (`eka update` moves to it) and the newest release.",
  ].join("\n"),
  options: {},
  positionals: [0, 0],
  examples: ["eka outdated", "eka outdated --json"],
  async run(ctx) {
    const { outdatedDeps } = await import("../../resolve/index.ts");
    return outdatedDeps({ cwd: ctx.cwd, report: ctx.report });
  },
  render(result) {
    if (result.outdated.length === 0)
      return [`all ${result.checked} atom dependencies are up to date`];
    const rows = [["label", "set", "locked", "compatible", "latest"]];
    for (const r of result.outdated) {
      rows.push([r.label, r.set, r.locked ?? "-", r.compatible ?? "-", r.latest ?? "-"]);
    }
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
    return rows.map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join("  ")
        .trimEnd(),
    );
  },
});
