import { EkaError } from "../../core/errors.ts";
import { defineCommand, flag, stringOption } from "../command.ts";

const MB = 1e6;
const size = (bytes: number) =>
  bytes >= MB ? `${(bytes / MB).toFixed(1)} MB` : `${(bytes / 1000).toFixed(1)} kB`;

export const cacheCommand = defineCommand({
  name: "cache",
  summary: "show or clean the download cache",
  usage: "eka cache info|gc [--older-than DAYS] [--all] [--json]",
  description: [
    "`eka cache info` prints where the cache is ($XDG_CACHE_HOME/eka, or cache.dir in",
    "eka.toml, or EKA_CACHE_DIR), how many URLs and downloaded files it holds, and their size.",
    "",
    "`eka cache gc` removes downloads no lock has used for 30 days (--older-than DAYS), files",
    "no cached URL refers to, and leftovers of interrupted work older than an hour; --all",
    "removes every download. Locking again downloads what is needed. The atom cache is not",
    "touched.",
  ].join("\n"),
  options: {
    "older-than": {
      type: "string",
      value: "DAYS",
      description: "gc: remove downloads unused for more than DAYS days (default 30)",
    },
    all: { type: "boolean", description: "gc: remove every download" },
  },
  positionals: [1, 1],
  examples: ["eka cache info", "eka cache gc --older-than 7", "eka cache gc --all --json"],
  async run(ctx, args) {
    const action = args.positionals[0];
    const [{ loadSettings }, { cacheGc, cacheInfo }] = await Promise.all([
      import("../../config/index.ts"),
      import("../../fetch/index.ts"),
    ]);
    const cacheDir = loadSettings(ctx.env).cacheDir.value;
    if (action === "info") return { action: "info" as const, info: cacheInfo(cacheDir) };
    if (action !== "gc") {
      throw new EkaError("EKA_USAGE", `unknown cache action \`${action}\``, {
        hint: "use `eka cache info` or `eka cache gc`",
      });
    }
    const olderThan = stringOption(args, "older-than");
    const days = olderThan === undefined ? undefined : Number(olderThan);
    if (days !== undefined && !(Number.isFinite(days) && days >= 0)) {
      throw new EkaError("EKA_USAGE", `--older-than takes a number of days, not \`${olderThan}\``, {
        hint: "e.g. eka cache gc --older-than 7",
      });
    }
    const gc = cacheGc(cacheDir, {
      all: flag(args, "all"),
      ...(days === undefined ? {} : { olderThanDays: days }),
    });
    return { action: "gc" as const, gc };
  },
  render(result) {
    if (result.action === "info") {
      const i = result.info;
      return [
        `cache: ${i.location}`,
        `downloads: ${i.urls} URL${i.urls === 1 ? "" : "s"}, ${i.blobs} file${i.blobs === 1 ? "" : "s"} (${size(i.blobBytes)})${i.temporary === 0 ? "" : `, ${i.temporary} leftover${i.temporary === 1 ? "" : "s"}`}`,
        `size: ${size(i.bytes)} of downloads, ${size(i.totalBytes)} in all`,
      ];
    }
    const g = result.gc;
    const r = g.removed;
    return [
      `cache: ${g.location}`,
      `${g.policy}:`,
      `  removed ${r.urls} URL entr${r.urls === 1 ? "y" : "ies"}, ${r.blobs} file${r.blobs === 1 ? "" : "s"}, ${r.derived} derived hash${r.derived === 1 ? "" : "es"}, ${r.temporary} leftover${r.temporary === 1 ? "" : "s"}; freed ${size(g.freedBytes)}`,
      `  kept ${g.kept.urls} URL${g.kept.urls === 1 ? "" : "s"} and ${g.kept.blobs} file${g.kept.blobs === 1 ? "" : "s"}`,
    ];
  },
});
