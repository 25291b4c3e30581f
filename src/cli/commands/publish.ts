import { defineCommand, flag, stringOption } from "../command.ts";

export const publishCommand = defineCommand({
  name: "publish",
  summary: "publish atoms as git refs: one atomic push, versions never overwritten",
  usage: "eka publish [paths…] [--rev R] [--remote NAME|URL] [--dry-run] [--json]",
  description: [
    "Reads ekala.toml and every atom.toml from the source commit (--rev, default HEAD), not",
    "from the working tree (a warning says when they differ), and validates them all at once.",
    "The source commit must descend from refs/ekala/init, and the remote must hold the same",
    "identity. Each atom (all of them, or the directories given) gets a reproducible atom",
    "commit over its own tree and four refs: refs/ekala/{atoms,manifests,origins}/L/V and",
    "refs/ekala/content/L/V/<b3 digest>. All new refs go in one atomic push, each leased to",
    '"must not exist", then into this repository in one transaction.',
    "",
    "A version the remote already holds with the same content is skipped (already published);",
    "with other content it is refused, and nothing at all is written: bump the version.",
    "Without --remote, `origin` is used when configured; with no remote at all the refs are",
    "written to this repository only (push them later with --remote).",
  ].join("\n"),
  options: {
    rev: { type: "string", value: "R", description: "the commit to publish from (default HEAD)" },
    remote: {
      type: "string",
      value: "NAME|URL",
      description: "where to publish (default: origin when configured, else this repository)",
    },
    "dry-run": { type: "boolean", description: "print the plan; write nothing" },
  },
  positionals: [0, Number.POSITIVE_INFINITY],
  examples: [
    "eka publish",
    "eka publish pkgs/button --dry-run",
    "eka publish --rev v1.2.0 --remote https://git.example.com/atoms.git --json",
  ],
  async run(ctx, args) {
    const rev = stringOption(args, "rev");
    const remote = stringOption(args, "remote");
    const { publishAtoms } = await import("../../publish/index.ts");
    return publishAtoms({
      cwd: ctx.cwd,
      paths: args.positionals,
      ...(rev === undefined ? {} : { rev }),
      ...(remote === undefined ? {} : { remote }),
      dryRun: flag(args, "dry-run"),
      report: ctx.report,
    });
  },
  async render(result) {
    const { describeAtom } = await import("../../publish/index.ts");
    const target = result.remote ?? "this repository";
    const lines: string[] = [];
    if (result.dryRun) {
      lines.push(`dry run: ${result.rev} (${result.source}) to ${target}; nothing was written`);
    }
    for (const atom of result.atoms) {
      lines.push(describeAtom(atom, target, !result.dryRun));
      if (!result.dryRun) continue;
      for (const ref of atom.push) lines.push(`  push  ${ref.ref} ${ref.oid}`);
      for (const ref of atom.local) lines.push(`  write ${ref.ref} ${ref.oid} (here)`);
    }
    if (result.atoms.length === 0) lines.push("no atoms to publish (ekala.toml lists none)");
    return lines;
  },
});
