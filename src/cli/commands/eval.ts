import { defineCommand, type ParsedArgs, stringOption } from "../command.ts";

/** `--config` / `--config-file`, shared by eval and build. */
export const CONFIG_OPTIONS = {
  attr: {
    type: "string",
    short: "A",
    value: "ATTR",
    description: "evaluate only this attribute path of the atom's public top (a.b.c)",
  },
  config: {
    type: "string",
    multiple: true,
    value: "KEY=VALUE",
    description: "set a configuration value (JSON, or a string when not JSON); repeatable",
  },
  "config-file": {
    type: "string",
    multiple: true,
    value: "FILE",
    description: "read configuration from a JSON file holding one object; repeatable",
  },
} as const;

function strings(args: ParsedArgs, name: string): string[] {
  const v = args.values[name];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

/** The library options common to eval and build, from the parsed flags. */
export async function evalOptions(
  ctx: { cwd: string; env: NodeJS.ProcessEnv; report: import("../../core/report.ts").Report },
  args: ParsedArgs,
) {
  const { loadSettings } = await import("../../config/index.ts");
  const path = args.positionals[0];
  const attr = stringOption(args, "attr");
  return {
    cwd: ctx.cwd,
    ...(path === undefined ? {} : { path }),
    ...(attr === undefined ? {} : { attr }),
    configs: strings(args, "config"),
    configFiles: strings(args, "config-file"),
    cacheDir: loadSettings(ctx.env).cacheDir.value,
    report: ctx.report,
    env: ctx.env,
  };
}

/** The identity lines both commands print first. */
export function identityLines(r: {
  label: string;
  version: string;
  id: string | null;
  config: { digest: string; json: string };
  attr: string | null;
}): string[] {
  return [
    `atom: ${r.label}@${r.version}${r.id === null ? " (no identity yet: eka init)" : ` id ${r.id}`}`,
    `config: ${r.config.digest} ${r.config.json}`,
  ];
}

export const evalCommand = defineCommand({
  name: "eval",
  summary: "evaluate an atom's Nix code with its locked dependencies, in Nix's sandbox",
  usage: "eka eval [path] [-A attr] [--config key=value]… [--config-file f.json]… [--json]",
  description: [
    "Evaluates the atom in path (default: the current directory) with atom-nix: the module in",
    "its [nix] entry directory, its locked dependencies as deps, and the configuration as cfg",
    "([nix.config] of atom.toml, then --config-file, then --config; canonical JSON, RFC 8785,",
    "whose b3 digest is printed and visible inside as std.identity.config). Every locked atom",
    "is first fetched into eka's cache repository (once; offline afterwards); Nix then runs with",
    "restrict-eval, no NIX_PATH, and allowed-uris set to exactly the locked sources. Prints the",
    "value (or attribute -A) as JSON. Nix's errors are reported at the atom's file and line.",
  ].join("\n"),
  options: CONFIG_OPTIONS,
  positionals: [0, 1],
  examples: [
    "eka eval",
    "eka eval pkgs/app -A greeting",
    "eka eval -A hello --config system=x86_64-linux --json",
    "eka eval --config-file prod.json --config opt.debug=true",
  ],
  async run(ctx, args) {
    const { evaluateAtom } = await import("../../eval/index.ts");
    return evaluateAtom(await evalOptions(ctx, args));
  },
  render(result) {
    return [...identityLines(result), JSON.stringify(result.value, null, 2)];
  },
});
