import { resolve } from "node:path";
import { defineCommand, flag, stringOption } from "../command.ts";

export const initCommand = defineCommand({
  name: "init",
  summary: "give a git repository its eka identity (set id)",
  usage: "eka init [dir] [--remote NAME|URL] [--reinit] [--json]",
  description: [
    "Creates an init commit on the current branch (it may be unborn) carrying the `ekala v1`",
    "and `entropy` headers, writes ekala.toml when missing, and points refs/ekala/init at the",
    "commit. Its object id is the set id: the identity every atom of this repository is",
    "derived from. With --remote, refs/ekala/init is pushed there (and nothing else).",
    "",
    "Running it again changes nothing. A remote that holds another identity is an error;",
    "--reinit creates a new identity and replaces the remote's ref only if it still holds",
    "the old value.",
  ].join("\n"),
  options: {
    remote: {
      type: "string",
      value: "NAME|URL",
      description: "push refs/ekala/init to this remote",
    },
    reinit: { type: "boolean", description: "create a new identity, replacing the current one" },
  },
  positionals: [0, 1],
  examples: ["eka init", "eka init --remote origin", "eka init ../other-repo --reinit --json"],
  async run(ctx, args) {
    const remote = stringOption(args, "remote");
    const { initRepository } = await import("../../workspace/index.ts");
    return initRepository({
      dir: resolve(ctx.cwd, args.positionals[0] ?? "."),
      ...(remote === undefined ? {} : { remote }),
      reinit: flag(args, "reinit"),
      report: ctx.report,
    });
  },
  render(result) {
    const headline: Record<typeof result.outcome, string> = {
      created: "initialized",
      reinitialized: "reinitialized",
      "already-initialized": "already initialized",
      pushed: "already initialized",
      adopted: "already initialized (adopted from the remote)",
    };
    const lines = [`${headline[result.outcome]}: set id ${result.setId}`];
    if (result.outcome === "reinitialized" && result.previousSetId !== null) {
      lines.push(`previous set id: ${result.previousSetId}`);
    }
    if (result.manifestCreated) lines.push("wrote ekala.toml");
    return lines;
  },
});
