/**
 * Paths inside a repository's trees as eka passes them: slash-separated, relative, normalised.
 */
import { EkaError } from "../core/errors.ts";

/** The components of a tree path; `""` is the root (no components). */
export function splitRepoPath(path: string): string[] {
  if (path === "") return [];
  const parts = path.split("/");
  for (const part of parts) {
    if (part === "" || part === "." || part === ".." || part.includes("\0")) {
      throw new EkaError(
        "EKA_PATH_INVALID",
        `not a normalised repository path: ${JSON.stringify(path)}`,
        {
          hint: "use a relative path with `/` separators, without empty, `.` or `..` components",
        },
      );
    }
  }
  return parts;
}
