/**
 * The no-op check of `eka resolve`, kept light on purpose: the CLI runs it before loading the
 * rest of eka (git, listings, hashing), so that a resolve with an up-to-date lock costs little
 * more than starting Node. Reads atom.toml and atom.lock, opens no connection, writes nothing.
 * Null whenever anything needs the full path (a lock to change, an interrupted update to
 * repair, an invalid file to report).
 *
 * Start-up cost is per module loaded, so this module and the ones it reaches (project,
 * plan-lock, requests, pair-transaction, the resolvers) import core's files directly rather
 * than core's index, which would load all of core.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ATOM_MANIFEST_FILE } from "../core/atom-manifest.ts";
import { LOCK_FILE } from "../core/lock-types.ts";
import { JOURNAL } from "./pair-transaction.ts";
import { lockIfUpToDate } from "./plan-lock.ts";
import { findAtomDir, readProjectTexts } from "./project.ts";
import type { ResolveOutcome } from "./resolve-project.ts";

export function upToDateOutcome(cwd: string): ResolveOutcome | null {
  try {
    const dir = findAtomDir(cwd);
    if (existsSync(join(dir, JOURNAL))) return null;
    const manifestText = readFileSync(join(dir, ATOM_MANIFEST_FILE), "utf8");
    const lockText = readFileSync(join(dir, LOCK_FILE), "utf8");
    const project = readProjectTexts(dir, manifestText, lockText);
    const lock = lockIfUpToDate(project.manifest, project.requests, project.lock, lockText);
    if (lock === null) return null;
    return { dir, written: false, changes: [], deps: lock.deps.length };
  } catch {
    return null;
  }
}
