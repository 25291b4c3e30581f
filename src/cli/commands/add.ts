import { aliasTable, loadSettings } from "../../config/index.ts";
import { addDeps, stampDir } from "../../resolve/index.ts";
import { defineCommand, stringOption } from "../command.ts";
import { fetchSettings } from "./fetch-settings.ts";
import { renderChanges } from "./render-changes.ts";

export const addCommand = defineCommand({
  name: "add",
  summary: "add atom dependencies: resolve, then write atom.toml and atom.lock together",
  usage: "eka add <uri>… [--set NAME] [--json]",
  description: [
    "Each argument is an atom URI, <mirror>::<label>[@<requirement>] (a URL, an scp-like",
    "user@host:path, an alias such as gh:owner/repo, a path, or nothing for this repository),",
    "or, with --set, just <label>[@<requirement>] from a set atom.toml already declares.",
    "Aliases are expanded before anything is written. Everything is resolved first; then",
    "the set is declared in [package.sets] when new (named by --set, else after the mirror's",
    "last path component), each dependency is written to [deps.from.<set>] (without a",
    "requirement: ^<newest release>), and atom.lock is updated. If anything fails, nothing",
    "is written.",
  ].join("\n"),
  options: {
    set: {
      type: "string",
      value: "NAME",
      description: "the set to add to, or to declare for the URI's mirror",
    },
  },
  positionals: [1, Number.POSITIVE_INFINITY],
  examples: [
    "eka add gh:acme/atoms::auth-service@^1.5",
    "eka add https://git.example.com/atoms.git::button --set company",
    "eka add auth-service@~1.5.2 --set company",
    "eka add ../shared::validator ::local-helper --json",
  ],
  async run(ctx, args) {
    const set = stringOption(args, "set");
    return addDeps({
      cwd: ctx.cwd,
      uris: args.positionals,
      aliases: aliasTable(loadSettings(ctx.env)),
      report: ctx.report,
      fetch: fetchSettings(ctx.env),
      stampRoot: stampDir(ctx.env),
      ...(set === undefined ? {} : { set }),
    });
  },
  render(result) {
    const lines: string[] = [];
    for (const set of result.sets)
      lines.push(`declared set ${set.name} = ${set.mirrors.join(", ")}`);
    for (const dep of result.added) {
      lines.push(
        `added ${dep.label} = "${dep.requirement}" from ${dep.set} (locked ${dep.version})`,
      );
    }
    lines.push(
      ...renderChanges(
        result.changes.filter(
          (c) => !result.added.some((a) => a.label === c.name && c.kind === "added"),
        ),
      ),
    );
    if (!result.written) lines.push("atom.toml and atom.lock already had these dependencies");
    return lines;
  },
});
