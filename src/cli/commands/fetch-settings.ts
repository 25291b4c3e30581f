/**
 * The fetch settings resolution needs for downloaded pins, from the user's settings. The
 * loader is imported when called (start-up time: `eka <command> --help` loads no configuration).
 */
import type { FetchSettings } from "../../resolve/index.ts";

export async function fetchSettings(env: NodeJS.ProcessEnv): Promise<FetchSettings> {
  const { fetchLimits, loadSettings } = await import("../../config/index.ts");
  const settings = loadSettings(env);
  return { cacheDir: settings.cacheDir.value, limits: fetchLimits(settings) };
}
