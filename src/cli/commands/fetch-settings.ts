/** The fetch settings resolution needs for downloaded pins, from the user's settings. */
import { fetchLimits, loadSettings } from "../../config/index.ts";
import type { FetchSettings } from "../../resolve/index.ts";

export function fetchSettings(env: NodeJS.ProcessEnv): FetchSettings {
  const settings = loadSettings(env);
  return { cacheDir: settings.cacheDir.value, limits: fetchLimits(settings) };
}
