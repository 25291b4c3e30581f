/**
 * Mirror aliases (protocol.md §5, §9): a short name for a URL prefix, used on the command line
 * only (`gh:owner/repo` is `https://github.com/owner/repo`). Manifests and locks never contain
 * aliases: they are expanded before anything is written.
 */
import { mirrorProblem } from "./mirror.ts";
import { showText } from "./show-text.ts";

/** The aliases every user has; a user's `[aliases]` may override them. */
export const BUILTIN_ALIASES: ReadonlyMap<string, string> = new Map([
  ["gh", "https://github.com/"],
  ["gl", "https://gitlab.com/"],
  ["cb", "https://codeberg.org/"],
  ["sr", "https://git.sr.ht/"],
]);

/** Words that are URL schemes, so never aliases (compared ignoring case). */
export const RESERVED_ALIAS_NAMES: readonly string[] = ["http", "https", "ssh", "git", "file"];

const ALIAS_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

export const ALIAS_NAME_HINT =
  'an alias name is an ASCII letter followed by letters, digits, "_" or "-" (no dots: ' +
  '"host.example:path" is an ssh address), and not a URL scheme (http, https, ssh, git, file)';

export const ALIAS_TARGET_HINT =
  'an alias stands for the start of a mirror URL, e.g. "https://git.example.com/" or ' +
  '"git@git.example.com:"; what follows the alias is appended to it';

/** Whether `word` has the shape of an alias name (whether or not it is configured). */
export function isAliasWord(word: string): boolean {
  return ALIAS_NAME.test(word);
}

/** Null when `name` may be configured as an alias, else what is wrong with it. */
export function aliasNameProblem(name: string): string | null {
  if (name === "") return "it is empty";
  if (RESERVED_ALIAS_NAMES.includes(name.toLowerCase())) {
    return `${showText(name)} is a URL scheme, so it cannot be an alias`;
  }
  if (!ALIAS_NAME.test(name)) return `${showText(name)} is not an alias name`;
  return null;
}

/**
 * Null when `target` may be an alias's URL prefix: once something is appended to it (or alone),
 * it must be a mirror URL eka accepts (https, http, ssh, git, file or scp-like).
 */
export function aliasTargetProblem(target: string): string | null {
  if (target === "") return "it is empty";
  if (target.includes("::")) return 'it contains "::", which separates a mirror from an atom';
  return mirrorProblem(`${target}x`);
}

/**
 * `target` with `rest` appended: directly after a `/` or `:`, else after an added `/`
 * (`company` = `https://git.example.com/atoms` makes `company:auth` `…/atoms/auth`).
 */
export function expandAlias(target: string, rest: string): string {
  if (rest === "" || target.endsWith("/") || target.endsWith(":")) return target + rest;
  return `${target}/${rest}`;
}

/** The built-in aliases with `user` on top (a user alias overrides a built-in of that name). */
export function withBuiltinAliases(user: ReadonlyMap<string, string>): ReadonlyMap<string, string> {
  return new Map([...BUILTIN_ALIASES, ...user]);
}
