import { defineCommand } from "../command.ts";

export const treeCommand = defineCommand({
  name: "tree",
  summary: "show the dependencies with their sets, requirements and locked versions",
  usage: "eka tree [--json]",
  description: [
    "Reads atom.toml and atom.lock (no network): each set with its mirrors and id, each",
    "dependency with what it asks for and what is locked. `(not locked)` marks a dependency",
    "the lock does not satisfy yet: run `eka resolve`.",
  ].join("\n"),
  options: {},
  positionals: [0, 0],
  examples: ["eka tree", "eka -C pkgs/app tree --json"],
  async run(ctx) {
    const { depTree } = await import("../../resolve/index.ts");
    return depTree({ cwd: ctx.cwd, report: ctx.report });
  },
  render(tree) {
    const lines = [`${tree.label} ${tree.version}`];
    const dep = (prefix: string, d: { name: string; wants: string; locked: string | null }) =>
      `${prefix}${d.name} ${d.wants} → ${d.locked ?? "(not locked)"}`;
    for (const set of tree.sets) {
      lines.push(
        `├─ set ${set.name} (${set.mirrors.join(", ")})${set.id === null ? "" : ` ${set.id}`}`,
      );
      for (const d of set.deps) lines.push(dep("│  ├─ ", d));
    }
    if (tree.direct.length > 0) lines.push("├─ direct");
    for (const d of tree.direct) lines.push(dep("│  ├─ ", { ...d, name: `${d.name} [${d.type}]` }));
    if (!tree.upToDate) lines.push("atom.lock is out of date: run `eka resolve`");
    return lines;
  },
});
