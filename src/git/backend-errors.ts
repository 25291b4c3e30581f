/**
 * Errors both backends raise the same way, so callers (and the shared contract tests) can rely on
 * their codes and data whichever backend is behind the port.
 */
import { EkaError } from "../core/errors.ts";
import type { GitOid } from "../core/types.ts";

/** One ref whose lease did not hold. */
export interface RefConflict {
  readonly ref: string;
  /** What the caller expected (null: absent). */
  readonly expected: GitOid | null;
  /** What the ref holds, when known (null: absent or unknown, see `reason`). */
  readonly actual: GitOid | null;
  /** The remote's words, for a push. */
  readonly reason?: string;
}

function describe(conflict: RefConflict): string {
  const expected = conflict.expected === null ? "to be absent" : `at ${conflict.expected}`;
  const actual =
    conflict.reason ?? (conflict.actual === null ? "it is absent" : `it is at ${conflict.actual}`);
  return `${conflict.ref} (expected ${expected}; ${actual})`;
}

/** `EKA_REF_CONFLICT`: leases failed in `location` ("this repository" or a remote's URL). */
export function refConflict(conflicts: readonly RefConflict[], location: string): EkaError {
  return new EkaError(
    "EKA_REF_CONFLICT",
    `refs changed under eka in ${location}: ${conflicts.map(describe).join(", ")}; nothing was changed`,
    {
      where: conflicts[0]?.ref ?? location,
      hint: "someone else updated these refs concurrently: look at them and run the command again",
      data: { location, refs: conflicts },
    },
  );
}

/** `EKA_OBJECT_MISSING` for an object this repository does not have. */
export function objectMissing(oid: GitOid): EkaError {
  return new EkaError("EKA_OBJECT_MISSING", `object ${oid} is not in this repository`, {
    where: oid,
    hint: "fetch it from a remote that has it",
  });
}
