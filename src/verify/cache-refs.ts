/**
 * Where verification keeps what each mirror served, in the cache repository: the refs a mirror
 * listed are fetched under a namespace of their own, `refs/eka-mirrors/<key>/…` with `<key>` a
 * hash of the mirror URL as the lock spells it, so that mirrors never overwrite each other and
 * an offline verification can read back what each one said. The names under the namespace are
 * the mirror's own names without `refs/` (`refs/eka-mirrors/<key>/ekala/atoms/L/V`).
 */
import { createHash } from "node:crypto";

const NAMESPACE = "refs/eka-mirrors/";

/** The namespace prefix of one mirror (ends with `/`). */
export function mirrorNamespace(mirror: string): string {
  const key = createHash("sha256").update(mirror, "utf8").digest("hex").slice(0, 32);
  return `${NAMESPACE}${key}/`;
}

/** The cache ref for a mirror's ref `ref` (a full name starting with `refs/`). */
export function cacheRefFor(mirror: string, ref: string): string {
  if (!ref.startsWith("refs/")) throw new Error(`not a full ref name: ${ref}`);
  return `${mirrorNamespace(mirror)}${ref.slice("refs/".length)}`;
}

/** The mirror's own name for a cache ref under its namespace; null when it is not under it. */
export function mirrorRefOf(mirror: string, cacheRef: string): string | null {
  const prefix = mirrorNamespace(mirror);
  return cacheRef.startsWith(prefix) ? `refs/${cacheRef.slice(prefix.length)}` : null;
}
