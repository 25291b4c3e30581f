/**
 * Full ref names as `git check-ref-format` accepts them, restricted to names under `refs/`
 * (no one-level names, no pseudo-refs). A name that passes can never be read as an option, a
 * revision expression or a path by git.
 */
import { EkaError } from "../core/errors.ts";

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it rejects
const FORBIDDEN = /[\u0000-\u0020\u007f~^:?*[\\]|\.\.|@\{|\/\//u;

/** Whether `name` is a valid full ref name under `refs/`. */
export function isValidRefName(name: string): boolean {
  if (!name.startsWith("refs/") || name.endsWith("/") || name.endsWith(".")) return false;
  if (FORBIDDEN.test(name)) return false;
  for (const part of name.split("/")) {
    if (part === "" || part.startsWith(".") || part.endsWith(".lock")) return false;
  }
  return true;
}

/** Validates a full ref name (`HEAD` too when `allowHead`); `EKA_REF_INVALID` otherwise. */
export function checkRefName(name: string, allowHead = false): string {
  if ((allowHead && name === "HEAD") || isValidRefName(name)) return name;
  throw new EkaError("EKA_REF_INVALID", `not a valid ref name: ${JSON.stringify(name)}`, {
    hint: "ref names are full names under refs/ (git check-ref-format rules)",
  });
}
