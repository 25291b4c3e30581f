import { defineCommand } from "../command.ts";

export const listCommand = defineCommand({
  name: "list",
  summary: "list the atoms and versions a mirror serves, from one ref listing",
  usage: "eka list <mirror> [--json]",
  description: [
    "Lists refs/ekala/ of a mirror (a configured remote's name, a URL or a path) once, and",
    "prints its set id, each atom's label and id, and its versions, newest first, with their",
    "content digests and atom commits. No object is fetched. Refs that do not parse (bad",
    "label, version or digest), that name an annotated tag, or whose content ref disagrees",
    "with the atom ref are skipped with a warning, never taken for atoms.",
  ].join("\n"),
  options: {},
  positionals: [1, 1],
  examples: [
    "eka list origin",
    "eka list https://git.example.com/atoms.git --json",
    "eka list ../acme",
  ],
  async run(ctx, args) {
    const { listAtoms } = await import("../../discover/index.ts");
    return listAtoms({ cwd: ctx.cwd, mirror: args.positionals[0]!, report: ctx.report });
  },
  render(result) {
    const lines = [`set id: ${result.setId} (${result.mirror})`];
    if (result.atoms.length === 0) lines.push("no atoms published");
    for (const atom of result.atoms) {
      lines.push(`${atom.label}  ${atom.id}`);
      const width = Math.max(...atom.versions.map((v) => v.version.length));
      for (const v of atom.versions) {
        lines.push(
          `  ${v.version.padEnd(width)}  content ${v.content ?? "(none)"}  commit ${v.commit}`,
        );
      }
    }
    return lines;
  },
});
