import type { SettingRow } from "../../config/index.ts";
import { defineCommand } from "../command.ts";

export const configCommand = defineCommand({
  name: "config",
  summary: "show every setting, its value and where it came from",
  usage: "eka config [--json]",
  description: [
    "Prints each setting (colour, debug, the configuration file, the cache directory and",
    "every alias) with its value and its source: the built-in default, the configuration",
    "file (path:line:column), an environment variable, or a flag. The file is",
    "$XDG_CONFIG_HOME/eka/eka.toml (default ~/.config/eka/eka.toml; EKA_CONFIG names",
    "another), with [aliases] (name = URL prefix) and [cache] dir = PATH.",
  ].join("\n"),
  options: {},
  positionals: [0, 0],
  examples: ["eka config", "EKA_CONFIG=./eka.toml eka config --json"],
  async run(ctx): Promise<{ settings: SettingRow[] }> {
    const { loadSettings, settingRows } = await import("../../config/index.ts");
    return { settings: settingRows(loadSettings(ctx.env)) };
  },
  render(result) {
    const width = Math.max(...result.settings.map((s) => s.key.length));
    return result.settings.map((s) => {
      const origin = s.source === "default" ? "default" : `${s.source} ${s.from ?? ""}`.trim();
      return `${s.key.padEnd(width)}  ${String(s.value)}  (${origin})`;
    });
  },
});
