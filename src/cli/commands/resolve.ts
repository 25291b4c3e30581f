import type { StartedRemoteConfig } from "../../git/ls-refs/read-remote-config.ts";
import type { ResolveOutcome } from "../../resolve/index.ts";
import { defineCommand, flag } from "../command.ts";
import { fetchSettings } from "./fetch-settings.ts";
import { renderOutcome } from "./render-changes.ts";
import { resolveOnly } from "./resolve-only.ts";

export const resolveCommand = defineCommand({
  name: "resolve",
  summary: "bring atom.lock in line with atom.toml, lazily",
  usage: "eka resolve [--locked] [--offline] [--json]",
  description: [
    "Locks every dependency of the atom in the current directory (or the nearest one above).",
    "Resolution is lazy: a locked entry that still satisfies its requirement is kept as it is,",
    "an entry nothing asks for any more is pruned, and only the rest is resolved: each set's",
    "mirrors listed at once, one listing per mirror, filtered on the server to the labels",
    "needed. A mirror serving another set is left out with a warning, an unreachable or stale",
    "one is a warning while another answers; mirrors disagreeing on a version, or a set whose",
    "id differs from the lock's, are errors. A listing also checks the locked atoms of the set",
    "it lists: a version that moved, or a content ref that is not the locked content, fails",
    "(EKA_VERIFY_FAILED, both values and the mirrors named). Atom ids in the lock are recomputed",
    "whenever it is read. When the lock is up to date nothing is read from the network and no",
    "file is touched; the exact pair last found up to date is remembered in eka's cache",
    "directory ($XDG_CACHE_HOME/eka/up-to-date), so that the next such run loads almost nothing.",
    "",
    "atom.toml and atom.lock change together or not at all; a command interrupted between the",
    "two is completed by the next eka command.",
  ].join("\n"),
  options: {
    locked: {
      type: "boolean",
      description: "fail (EKA_LOCK_OUT_OF_DATE) instead of changing atom.lock; for CI",
    },
    offline: { type: "boolean", description: "resolve from atom.lock alone; no network" },
  },
  positionals: [0, 0],
  examples: ["eka resolve", "eka resolve --locked", "eka -C pkgs/app resolve --offline --json"],
  async run(ctx, args): Promise<ResolveOutcome> {
    const locked = flag(args, "locked");
    const offline = flag(args, "offline");
    // A cold resolve (an atom here, no lock yet) lists its sets: git's configuration, which the
    // listings need first, is read while the rest of eka loads.
    let remoteConfig: StartedRemoteConfig | undefined;
    const { existsSync } = process.getBuiltinModule("node:fs");
    if (
      !locked &&
      !offline &&
      existsSync(`${ctx.cwd}/atom.toml`) &&
      !existsSync(`${ctx.cwd}/atom.lock`)
    ) {
      const { startRemoteConfig } = await import("../../git/ls-refs/read-remote-config.ts");
      remoteConfig = startRemoteConfig(ctx.cwd);
    }
    const { resolveProject, stampDir } = await resolveOnly();
    return resolveProject({
      cwd: ctx.cwd,
      report: ctx.report,
      locked,
      offline,
      ...(remoteConfig === undefined ? {} : { remoteConfig }),
      // Loaded once the mirrors are being listed (start-up: the settings' modules take a while).
      fetch: () => fetchSettings(ctx.env),
      stampRoot: stampDir(ctx.env),
    });
  },
  render: renderOutcome,
});
