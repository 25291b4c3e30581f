import { defineCommand } from "../command.ts";

export const statusCommand = defineCommand({
  name: "status",
  summary: "show the repository's set id and the atoms its working tree declares",
  usage: "eka status [--json]",
  description: [
    "Reads ekala.toml and every listed atom.toml from the working tree (reporting every",
    "problem at once) and prints each atom's label, version, path and atom id.",
  ].join("\n"),
  options: {},
  positionals: [0, 0],
  examples: ["eka status", "eka -C path/to/repo status --json"],
  async run(ctx) {
    const { workspaceStatus } = await import("../../workspace/index.ts");
    return workspaceStatus(ctx.cwd);
  },
  render(result) {
    const lines = [`set id: ${result.setId ?? "(none: run `eka init`)"}`];
    if (result.atoms.length === 0) return [...lines, "no atoms (create one with `eka new <path>`)"];
    const w = (f: (a: (typeof result.atoms)[number]) => string) =>
      Math.max(...result.atoms.map((a) => f(a).length));
    const lw = w((a) => a.label);
    const vw = w((a) => a.version);
    const pw = w((a) => a.path);
    for (const a of result.atoms) {
      lines.push(
        `${a.label.padEnd(lw)}  ${a.version.padEnd(vw)}  ${a.path.padEnd(pw)}  ${a.id ?? "-"}`,
      );
    }
    return lines;
  },
});
