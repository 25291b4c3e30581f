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
  loadSettings,
  loadSettingsOrFallback,
  readConfigFile,
  settingRows,
} from "./settings.ts";
export { type Located, parseUserFile, type UserFile } from "./user-file.ts";
