/**
 * Text shared by the commands that write a lock: change lines (`auth-service 1.5.1 → 1.5.2`)
 * and the outcome of `eka resolve`/`eka update`. Type-only imports: the fast no-op path of
 * `eka resolve` loads this module without the rest of eka.
 */
import type { DepChange, ResolveOutcome } from "../../resolve/index.ts";

export function renderChanges(changes: readonly DepChange[]): string[] {
  return changes.map((c) => {
    const name = c.set === undefined ? c.name : `${c.name} (${c.set})`;
    if (c.kind === "added") return `+ ${name} ${c.to}`;
    if (c.kind === "removed") return `- ${name} ${c.from}`;
    return `  ${name} ${c.from} → ${c.to}`;
  });
}

const count = (n: number) => `${n} dependenc${n === 1 ? "y" : "ies"}`;

export function renderOutcome(result: ResolveOutcome): string[] {
  if (!result.written) return [`atom.lock is up to date (${count(result.deps)})`];
  return [...renderChanges(result.changes), `wrote atom.lock (${count(result.deps)})`];
}
