export type { Setting, SettingFlags, SettingSource, Settings } from "./settings.ts";
export { loadSettings } from "./settings.ts";
