/** Paths relative to the repository root, as `ekala.toml` lists atom directories (protocol.md §1). */
import { EkaError } from "./errors.ts";
import { checkRelativePath, type RelativePathRules } from "./relative-path.ts";

export const REPO_PATH_RULES: RelativePathRules = {
  within: "the repository root",
  rootHint:
    'an atom lives in a subdirectory of the repository; give that directory, e.g. "pkgs/button"',
};

/**
 * Validates a repository-relative path and returns its normal form (`./a//b/` → `a/b`,
 * `a/../b` → `b`). Throws EKA_PATH_INVALID for absolute paths, paths leaving the repository or
 * naming its root, `.git` components (any case), NUL, line breaks, control characters and `\`.
 */
export function normaliseRepoPath(input: string, where?: string): string {
  const result = checkRelativePath(input, REPO_PATH_RULES);
  if (result.ok) return result.path;
  throw new EkaError("EKA_PATH_INVALID", result.message, {
    ...(where === undefined ? {} : { where }),
    hint: result.hint,
    data: { path: input },
  });
}
