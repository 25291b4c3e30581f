import { defineCommand, stringOption } from "../command.ts";
import { fetchSettings } from "./fetch-settings.ts";
import { renderChanges } from "./render-changes.ts";

export const removeCommand = defineCommand({
  name: "remove",
  summary: "remove dependencies from atom.toml and atom.lock together",
  usage: "eka remove <name>… [--set SET] [--json]",
  description: [
    "Removes each named dependency: an atom by its label ([deps.from.<set>]) or a direct",
    "dependency by its name ([deps.direct.nix]), keeping every other byte of atom.toml, and",
    "prunes its entry from atom.lock, both files at once.",
    "",
    "A name that several dependencies share (one label in two sets, or an atom and a direct",
    "dependency of one name) is refused (EKA_DEP_AMBIGUOUS) unless --set SET picks one:",
    "--set restricts every name to the atoms of that set, and --set nix to the direct",
    "dependencies (atom-nix gives them to an atom as deps.nix.<name>). Nothing is written",
    "when a name is ambiguous or unknown.",
  ].join("\n"),
  options: {
    set: {
      type: "string",
      value: "SET",
      description: "only dependencies from this set; nix: only direct dependencies",
    },
  },
  positionals: [1, Number.POSITIVE_INFINITY],
  examples: [
    "eka remove auth-service",
    "eka remove button validator --json",
    "eka remove button --set acme",
    "eka remove nixpkgs --set nix",
  ],
  async run(ctx, args) {
    const [{ removeDeps, stampDir }, fetch] = await Promise.all([
      import("../../resolve/index.ts"),
      fetchSettings(ctx.env),
    ]);
    const set = stringOption(args, "set");
    return removeDeps({
      cwd: ctx.cwd,
      names: args.positionals,
      ...(set === undefined ? {} : { set }),
      report: ctx.report,
      fetch,
      stampRoot: stampDir(ctx.env),
    });
  },
  render(result) {
    const name = (r: (typeof result.removed)[number]) => ("label" in r ? r.label : r.name);
    // The lock entries of what was removed go without saying; anything else that moved is shown.
    const gone = (c: (typeof result.changes)[number]) =>
      c.kind === "removed" &&
      result.removed.some((r) =>
        "label" in r
          ? c.set === r.set && c.name === r.label
          : c.set === undefined && c.name === r.name,
      );
    return [
      ...result.removed.map((r) => `removed ${name(r)} (${"label" in r ? r.set : "direct"})`),
      ...renderChanges(result.changes.filter((c) => !gone(c))),
    ];
  },
});
