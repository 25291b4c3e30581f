/** An atom's files read from their texts: the manifest, its requests and the lock. */
import { parseLock } from "../core/lock.ts";
import { LOCK_FILE } from "../core/lock-types.ts";
import { type Project, readManifest } from "./project.ts";

/** Parses an atom's files (pure: the texts are given); the manifest's problems come first. */
export function readProjectTexts(
  dir: string,
  manifestText: string,
  lockText: string | null,
): Project {
  const { manifest, requests } = readManifest(manifestText);
  const lock = lockText === null ? null : parseLock(lockText, LOCK_FILE);
  return { dir, manifestText, manifest, requests, lockText, lock };
}
