/** Change lines shared by the commands that write a lock: `auth-service 1.5.1 → 1.5.2`. */
import type { DepChange } from "../../resolve/index.ts";

export function renderChanges(changes: readonly DepChange[]): string[] {
  return changes.map((c) => {
    const name = c.set === undefined ? c.name : `${c.name} (${c.set})`;
    if (c.kind === "added") return `+ ${name} ${c.to}`;
    if (c.kind === "removed") return `- ${name} ${c.from}`;
    return `  ${name} ${c.from} → ${c.to}`;
  });
}
