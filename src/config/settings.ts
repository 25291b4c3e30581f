/**
 * The settings table and its one loader: the only code that reads environment variables.
 *
 * Precedence, lowest first (protocol.md §9): built-in defaults, the user file
 * (`$XDG_CONFIG_HOME/eka/eka.toml`, default `~/.config/eka/eka.toml`), `EKA_*` variables (and
 * `NO_COLOR`), then command-line flags. Every value records where it came from (default, file
 * with path:line:col, variable or flag) so that `eka config` can show it.
 */
import { readFileSync } from "node:fs";
import { userInfo } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
// Core's own files, not core/index.ts (start-up time: every command loads the settings).
import { BUILTIN_ALIASES } from "../core/alias.ts";
import { EkaError } from "../core/errors.ts";
import {
  DEFAULT_FETCH_LIMITS,
  FETCH_KEYS,
  type FetchKey,
  type FetchLimits,
  type ProxySettings,
  proxyFromEnv,
} from "./fetch-settings.ts";
import { parseUserFile } from "./user-file.ts";

export type SettingSource = "default" | "file" | "env" | "flag";

export interface Setting<T> {
  readonly value: T;
  readonly source: SettingSource;
  /** The variable, flag or `path:line:col` it came from, when not a default. */
  readonly from?: string;
}

export interface Settings {
  /** Colour on a terminal; off with NO_COLOR (https://no-color.org) or --no-color. */
  readonly color: Setting<boolean>;
  /** Stack traces for unexpected failures (EKA_DEBUG). */
  readonly debug: Setting<boolean>;
  /** The user configuration file (it need not exist unless named by EKA_CONFIG or a flag). */
  readonly configFile: Setting<string>;
  /** Where eka caches fetched objects: `$XDG_CACHE_HOME/eka`, default `~/.cache/eka`. */
  readonly cacheDir: Setting<string>;
  /** Mirror aliases: the built-ins, overridden and extended by the user file's `[aliases]`. */
  readonly aliases: ReadonlyMap<string, Setting<string>>;
  /** Download limits, from the user file's `[fetch]` (see fetch-settings.ts). */
  readonly fetch: Readonly<Record<FetchKey, Setting<number>>>;
  /** Proxies from `http_proxy`, `https_proxy`, `all_proxy`, `no_proxy` (either case). */
  readonly proxy: {
    readonly value: ProxySettings;
    readonly from: Readonly<Record<"http" | "https" | "noProxy", string | undefined>>;
  };
}

export interface SettingFlags {
  readonly color?: boolean;
  readonly debug?: boolean;
  /** `--config PATH` */
  readonly config?: string;
  /** `--cache-dir PATH` */
  readonly cacheDir?: string;
}

/** Reads a file's text, or null when it does not exist. */
export type ReadConfigFile = (path: string) => string | null;

export const readConfigFile: ReadConfigFile = (path) => {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return null;
    throw new EkaError("EKA_IO", `cannot read the configuration file ${path}: ${String(error)}`, {
      where: path,
      hint: "make it a readable file, or point EKA_CONFIG at another one",
      cause: error,
    });
  }
};

type Env = Readonly<Record<string, string | undefined>>;

const truthy = (v: string | undefined) => v !== undefined && v !== "" && v !== "0";
const present = (v: string | undefined): v is string => v !== undefined && v !== "";

function home(env: Env): string {
  return present(env["HOME"]) ? env["HOME"] : userInfo().homedir;
}

/** `$XDG_<NAME>_HOME` when set to an absolute path (the XDG rule), else `~/<fallback>`. */
function xdg(env: Env, name: "CONFIG" | "CACHE", fallback: string): Setting<string> {
  const variable = `XDG_${name}_HOME`;
  const value = env[variable];
  if (present(value) && isAbsolute(value)) {
    return { value: join(value, "eka"), source: "env", from: variable };
  }
  return { value: join(home(env), fallback, "eka"), source: "default" };
}

function colorSetting(env: Env, flags: SettingFlags): Setting<boolean> {
  if (flags.color !== undefined) {
    return { value: flags.color, source: "flag", from: flags.color ? "--color" : "--no-color" };
  }
  if (present(env["NO_COLOR"])) return { value: false, source: "env", from: "NO_COLOR" };
  return { value: true, source: "default" };
}

function debugSetting(env: Env, flags: SettingFlags): Setting<boolean> {
  if (flags.debug !== undefined) return { value: flags.debug, source: "flag", from: "--debug" };
  if (truthy(env["EKA_DEBUG"])) return { value: true, source: "env", from: "EKA_DEBUG" };
  return { value: false, source: "default" };
}

function configFileSetting(env: Env, flags: SettingFlags): Setting<string> {
  if (flags.config !== undefined) {
    return { value: resolve(flags.config), source: "flag", from: "--config" };
  }
  if (present(env["EKA_CONFIG"])) {
    return { value: resolve(env["EKA_CONFIG"]), source: "env", from: "EKA_CONFIG" };
  }
  const dir = xdg(env, "CONFIG", ".config");
  return { ...dir, value: join(dir.value, "eka.toml") };
}

/** The settings with no user file read: defaults, environment and flags only. Never throws. */
function baseSettings(env: Env, flags: SettingFlags): Settings {
  const cacheDir: Setting<string> =
    flags.cacheDir !== undefined
      ? { value: resolve(flags.cacheDir), source: "flag", from: "--cache-dir" }
      : present(env["EKA_CACHE_DIR"])
        ? { value: resolve(env["EKA_CACHE_DIR"]), source: "env", from: "EKA_CACHE_DIR" }
        : xdg(env, "CACHE", ".cache");
  const aliases = new Map<string, Setting<string>>();
  for (const [name, url] of BUILTIN_ALIASES) aliases.set(name, { value: url, source: "default" });
  const fetch = Object.fromEntries(
    Object.entries(FETCH_KEYS).map(([key, spec]) => [
      key,
      { value: spec.default, source: "default" },
    ]),
  ) as unknown as Record<FetchKey, Setting<number>>;
  const proxy = proxyFromEnv(env);
  return {
    color: colorSetting(env, flags),
    debug: debugSetting(env, flags),
    configFile: configFileSetting(env, flags),
    cacheDir,
    aliases,
    fetch,
    proxy: { value: proxy.proxy, from: proxy.from },
  };
}

/**
 * Loads the settings. Throws EKA_CONFIG_INVALID (every problem, with path:line:col) when the
 * user file is invalid or was named (EKA_CONFIG, --config) but does not exist, and EKA_IO when
 * it cannot be read.
 */
export function loadSettings(
  env: Env,
  flags: SettingFlags = {},
  read: ReadConfigFile = readConfigFile,
): Settings {
  const base = baseSettings(env, flags);
  const path = base.configFile.value;
  const text = read(path);
  if (text === null) {
    if (base.configFile.source === "default") return base;
    throw new EkaError("EKA_CONFIG_INVALID", `the configuration file ${path} does not exist`, {
      where: path,
      hint: `${base.configFile.from} names it: create it, or point ${base.configFile.from} at an existing file`,
    });
  }
  const file = parseUserFile(text, path, home(env));
  const aliases = new Map(base.aliases);
  for (const [name, { value, at }] of file.aliases) {
    aliases.set(name, { value, source: "file", from: at });
  }
  const cacheDir =
    base.cacheDir.source === "default" || base.cacheDir.from?.startsWith("XDG_") === true
      ? file.cacheDir === undefined
        ? base.cacheDir
        : { value: file.cacheDir.value, source: "file" as const, from: file.cacheDir.at }
      : base.cacheDir;
  const fetch = { ...base.fetch };
  for (const [key, { value, at }] of file.fetch) {
    fetch[key] = { value, source: "file", from: at };
  }
  return { ...base, cacheDir, aliases, fetch };
}

/**
 * For the command line, which must render a configuration error like any other: the settings,
 * or — when the user file is invalid — the settings without it and the error to report.
 */
export function loadSettingsOrFallback(
  env: Env,
  flags: SettingFlags = {},
  read: ReadConfigFile = readConfigFile,
): { readonly settings: Settings; readonly error: EkaError | null } {
  try {
    return { settings: loadSettings(env, flags, read), error: null };
  } catch (error) {
    if (!(error instanceof EkaError)) throw error;
    return { settings: baseSettings(env, flags), error };
  }
}

/** The download settings as plain values, for `src/fetch`. */
export function fetchLimits(settings: Settings): FetchLimits {
  const f = settings.fetch;
  return {
    ...DEFAULT_FETCH_LIMITS,
    connectTimeoutMs: f["connect-timeout"].value * 1000,
    idleTimeoutMs: f["idle-timeout"].value * 1000,
    retries: f.retries.value,
    maxUnpackedBytes: f["max-unpacked-size"].value,
    ttlSeconds: f.ttl.value,
    proxy: settings.proxy.value,
  };
}

/** The alias table for `parseAtomUri` and `parseLegacyUrl`. */
export function aliasTable(settings: Settings): ReadonlyMap<string, string> {
  return new Map(Array.from(settings.aliases, ([name, s]) => [name, s.value]));
}

export interface SettingRow {
  /** `color`, `debug`, `config`, `cache.dir`, `aliases.<name>`. */
  readonly key: string;
  readonly value: string | boolean | number;
  readonly source: SettingSource;
  readonly from?: string;
}

/** Every setting with its value and origin, in a stable order: what `eka config` shows. */
export function settingRows(settings: Settings): SettingRow[] {
  const row = (key: string, s: Setting<string | boolean | number>): SettingRow => ({
    key,
    value: s.value,
    source: s.source,
    ...(s.from === undefined ? {} : { from: s.from }),
  });
  return [
    row("color", settings.color),
    row("debug", settings.debug),
    row("config", settings.configFile),
    row("cache.dir", settings.cacheDir),
    ...[...settings.aliases]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, s]) => row(`aliases.${name}`, s)),
    ...(Object.keys(FETCH_KEYS) as FetchKey[]).map((key) =>
      row(`fetch.${key}`, settings.fetch[key]),
    ),
    ...(["http", "https", "noProxy"] as const).flatMap((kind) => {
      const from = settings.proxy.from[kind];
      if (from === undefined) return [];
      const value =
        kind === "noProxy" ? settings.proxy.value.noProxy.join(",") : settings.proxy.value[kind];
      return [
        {
          key: `proxy.${kind === "noProxy" ? "no" : kind}`,
          value: value ?? "",
          source: "env" as const,
          from,
        },
      ];
    }),
  ];
}
