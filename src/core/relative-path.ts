/**
 * Relative paths inside a directory tree (the repository, an atom directory): `/`-separated,
 * normalised (no `.`, empty or trailing components; `..` folded), never absolute, never leaving
 * the tree, never the tree's root itself, never through a `.git` directory, and free of NUL,
 * line breaks, other control characters and backslashes. Pure: no file system is consulted.
 */
import { describeChars, showText } from "./show-text.ts";

export interface RelativePathRules {
  /** Words for the base directory in messages ("the repository root"). */
  readonly within: string;
  /** What to do when the path names the base directory itself. */
  readonly rootHint: string;
}

export type RelativePathCheck =
  | { readonly ok: true; readonly path: string }
  | { readonly ok: false; readonly message: string; readonly hint: string };

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds
const CONTROL = /[\u0000-\u001f\u007f]/gu;
const DRIVE = /^[A-Za-z]:(?:\/|$)/;
/** `.git`, and what Windows and macOS file systems treat as `.git` (git's own `verify_path`). */
const DOT_GIT = /^(?:\.git[. ]*|git~1)$/i;

export function checkRelativePath(input: string, rules: RelativePathRules): RelativePathCheck {
  const shown = showText(input);
  const fail = (message: string, hint: string) => ({ ok: false, message, hint }) as const;
  const example = `write it relative to ${rules.within}, with "/" between directories, e.g. "pkgs/button"`;
  if (input === "") return fail("the path is empty", example);
  const controls = input.match(CONTROL);
  if (controls !== null) {
    return fail(
      `path ${shown} contains ${describeChars(controls)}`,
      "paths cannot contain NUL, line breaks or other control characters",
    );
  }
  if (input.includes("\\")) return fail(`path ${shown} contains a backslash`, example);
  if (input.startsWith("/") || DRIVE.test(input)) return fail(`path ${shown} is absolute`, example);
  const parts: string[] = [];
  for (const part of input.split("/")) {
    if (DOT_GIT.test(part)) {
      return fail(
        `path ${shown} goes through a ".git" directory`,
        "git's own directory cannot hold files of the repository; choose another path",
      );
    }
    if (part === "" || part === ".") continue;
    if (part !== "..") parts.push(part);
    else if (parts.pop() === undefined) {
      return fail(
        `path ${shown} leads outside ${rules.within}`,
        `remove the ".." components: paths stay inside ${rules.within}`,
      );
    }
  }
  if (parts.length === 0) return fail(`path ${shown} is ${rules.within} itself`, rules.rootHint);
  return { ok: true, path: parts.join("/") };
}
