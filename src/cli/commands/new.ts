import { defineCommand, stringOption } from "../command.ts";

export const newCommand = defineCommand({
  name: "new",
  summary: "create an atom: a directory with atom.toml, listed in ekala.toml",
  usage: "eka new <path> [--label L] [--version V] [--description D] [--json]",
  description: [
    "Creates <path>/atom.toml (label defaults to the directory name, version to 0.1.0) and",
    "adds <path> to `packages` in ekala.toml, keeping that file's comments and formatting.",
    "Refuses a path already listed, a label already used, a path outside the repository and",
    "an invalid label or version; nothing is written then.",
  ].join("\n"),
  options: {
    label: {
      type: "string",
      value: "L",
      description: "the atom's label (default: directory name)",
    },
    version: { type: "string", value: "V", description: "the first version (default: 0.1.0)" },
    description: { type: "string", value: "D", description: "a one-line description" },
  },
  positionals: [1, 1],
  examples: ["eka new pkgs/button", "eka new tools/lint --label linter --version 1.0.0"],
  async run(ctx, args) {
    const label = stringOption(args, "label");
    const version = stringOption(args, "version");
    const description = stringOption(args, "description");
    const { newAtom } = await import("../../workspace/index.ts");
    return newAtom({
      cwd: ctx.cwd,
      path: args.positionals[0]!,
      ...(label === undefined ? {} : { label }),
      ...(version === undefined ? {} : { version }),
      ...(description === undefined ? {} : { description }),
    });
  },
  render(result) {
    return [
      `created ${result.label}@${result.version} at ${result.path}`,
      ...result.files.map((f) => `  wrote ${f}`),
    ];
  },
});
