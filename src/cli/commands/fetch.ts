import { defineCommand } from "../command.ts";

export const fetchCommand = defineCommand({
  name: "fetch",
  summary: "fetch every locked atom into eka's cache for offline use, checking what arrives",
  usage: "eka fetch [path] [--json]",
  description: [
    "Reads atom.lock (in path, default the current directory, or the file itself) and fetches",
    "every atom in it, and in the locks inside those atoms, into eka's cache repository: one",
    "listing and one fetch per mirror, full history. What arrives is checked on the way (the",
    "cheap checks: ids, atom commits and their content headers against the lock, content",
    "refs, manifests, mirror identity and agreement); `eka verify --offline` then runs every",
    "check, including the b3 recomputation and the provenance walk, without the network.",
  ].join("\n"),
  options: {},
  positionals: [0, 1],
  examples: ["eka fetch", "eka fetch app/atom.lock --json", "eka fetch && eka verify --offline"],
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
      offline: false,
      thorough: false,
      cacheDir: settings.cacheDir.value,
      report: ctx.report,
    });
    assertVerified(result);
    return result;
  },
  async render(result) {
    const { describeCheck } = await import("../../verify/index.ts");
    const lines = [
      `fetched ${result.atoms} atoms and ${result.pins} pins from ${result.locks} locks into ${result.cache}`,
    ];
    for (const check of result.checks) {
      if (check.status === "skip") lines.push(describeCheck(check));
    }
    return lines;
  },
});
