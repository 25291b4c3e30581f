/**
 * The up-to-date check of a manifest/lock pair, remembered: after a command has the pair it
 * leaves in place, the pure check (`lockIfUpToDate`: nothing to resolve, nothing to prune, the
 * lock canonical and valid) runs on those exact bytes and, when it accepts them, a stamp
 * records it (`up-to-date-stamp.ts`). The next no-op `eka resolve` answers from the stamp
 * without loading the rest of eka. Opens no connection; writes only the stamp.
 */
import { lockIfUpToDate } from "./plan-lock.ts";
import { readProjectTexts } from "./project.ts";
import { writeStamp } from "./up-to-date-stamp.ts";

/**
 * Records `manifestText` and `lockText` of `dir` as up to date under `stampRoot` when they are;
 * does nothing otherwise (or when `stampRoot` is undefined). Never throws: the stamp is only a
 * shortcut, and a pair the check refuses simply gets none.
 */
export function recordIfUpToDate(
  stampRoot: string | undefined,
  dir: string,
  manifestText: string,
  lockText: string | null,
): void {
  if (stampRoot === undefined || lockText === null) return;
  try {
    const project = readProjectTexts(dir, manifestText, lockText);
    const lock = lockIfUpToDate(project.manifest, project.requests, project.lock, lockText);
    if (lock !== null) writeStamp(stampRoot, dir, manifestText, lockText, lock.deps.length);
  } catch {
    // An invalid pair gets no stamp; the command that produced it reports its own errors.
  }
}
