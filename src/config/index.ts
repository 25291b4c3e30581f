export {
  DEFAULT_FETCH_LIMITS,
  FETCH_KEYS,
  type FetchKey,
  type FetchLimits,
  type ProxySettings,
} from "./fetch-settings.ts";
export type {
  ReadConfigFile,
  Setting,
  SettingFlags,
  SettingRow,
  SettingSource,
  Settings,
} from "./settings.ts";
export {
  aliasTable,
  fetchLimits,
  loadSettings,
  loadSettingsOrFallback,
  readConfigFile,
  settingRows,
} from "./settings.ts";
export { type Located, parseUserFile, type UserFile } from "./user-file.ts";
