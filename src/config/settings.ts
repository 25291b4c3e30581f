/**
 * The settings table and its one loader: the only code that reads environment variables.
 * Each value records where it came from (default, environment or flag) so `eka config` can
 * show it. User-file settings (`$XDG_CONFIG_HOME/eka/eka.toml`) join this table later.
 */

export type SettingSource = "default" | "env" | "flag";

export interface Setting<T> {
  readonly value: T;
  readonly source: SettingSource;
  /** The variable or flag it came from, when not a default. */
  readonly from?: string;
}

export interface Settings {
  /** Colour on a terminal; off with NO_COLOR (https://no-color.org) or --no-color. */
  readonly color: Setting<boolean>;
  /** Stack traces for unexpected failures. */
  readonly debug: Setting<boolean>;
}

export interface SettingFlags {
  readonly color?: boolean;
}

const truthy = (v: string | undefined) => v !== undefined && v !== "" && v !== "0";

export function loadSettings(env: NodeJS.ProcessEnv, flags: SettingFlags = {}): Settings {
  const color: Setting<boolean> =
    flags.color !== undefined
      ? { value: flags.color, source: "flag", from: flags.color ? "--color" : "--no-color" }
      : env["NO_COLOR"] !== undefined && env["NO_COLOR"] !== ""
        ? { value: false, source: "env", from: "NO_COLOR" }
        : { value: true, source: "default" };
  const debug: Setting<boolean> = truthy(env["EKA_DEBUG"])
    ? { value: true, source: "env", from: "EKA_DEBUG" }
    : { value: false, source: "default" };
  return { color, debug };
}
