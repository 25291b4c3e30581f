import { defineCommand, flag } from "../command.ts";

export const verifyCommand = defineCommand({
  name: "verify",
  summary: "re-derive every locked atom from git objects, recursively, across all mirrors",
  usage: "eka verify [path] [--offline] [--json]",
  description: [
    "Reads atom.lock (in path, default the current directory, or the file itself) and checks",
    "every atom in it, and every atom in the locks inside those atoms, once each:",
    "  - the atom commit is exactly what its fields make (protocol.md §4) and hashes to `rev`;",
    "  - the tree's b3 digest, recomputed, equals the commit's content header, the lock's",
    "    content and the digest in each mirror's refs/ekala/content ref;",
    "  - the atom id recomputes from the set id and label; the manifest ref is the tree's",
    "    atom.toml and declares the label and version of its ref;",
    "  - the origin commit descends from the set's init commit (eka walks the history itself:",
    "    shallow repositories, grafts and replace refs cannot fake it) and holds the same tree;",
    "  - every mirror that answers serves the same identity and the same commits;",
    "  - pins: a nix+git rev exists at its URL; nix+url, nix+tar and nix+build hashes",
    "    recompute from the bytes at the URL (online only).",
    "Objects are fetched into eka's cache repository (one listing and one fetch per mirror);",
    "--offline uses only what the cache holds (see `eka fetch`). Any failed check is reported",
    "with the atom, the mirror and both values, and the exit status is non-zero",
    "(EKA_VERIFY_FAILED).",
  ].join("\n"),
  options: {
    offline: { type: "boolean", description: "verify from eka's cache only (no network)" },
  },
  positionals: [0, 1],
  examples: ["eka verify", "eka verify app/ --json", "eka fetch && eka verify --offline"],
  async run(ctx, args) {
    const [{ loadSettings }, { assertVerified, verifyLockFile }] = await Promise.all([
      import("../../config/index.ts"),
      import("../../verify/index.ts"),
    ]);
    const settings = loadSettings(ctx.env);
    const path = args.positionals[0];
    const result = await verifyLockFile({
      cwd: ctx.cwd,
      ...(path === undefined ? {} : { path }),
      offline: flag(args, "offline"),
      cacheDir: settings.cacheDir.value,
      report: ctx.report,
    });
    assertVerified(result);
    return result;
  },
  async render(result) {
    const { describeCheck } = await import("../../verify/index.ts");
    const passed = result.checks.filter((c) => c.status === "pass").length;
    const lines = [
      `verified ${result.atoms} atoms and ${result.pins} pins from ${result.locks} locks (depth ${result.depth}): ${passed} checks passed${result.offline ? " (offline)" : ""}`,
    ];
    for (const check of result.checks) {
      if (check.status === "skip") lines.push(describeCheck(check));
    }
    return lines;
  },
});
