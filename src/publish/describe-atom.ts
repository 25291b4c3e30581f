/** One line of text per planned atom, shared by the CLI's output and the library's reports. */
import type { PlannedAtom } from "./plan.ts";

/**
 * `published L@V (path) to T: atom commit C, content D` and its variants. `done` is false for a
 * plan that was not (or not yet) applied: "would publish".
 */
export function describeAtom(atom: PlannedAtom, target: string, done: boolean): string {
  const name = `${atom.label}@${atom.version} (${atom.path})`;
  switch (atom.action) {
    case "publish":
      return `${done ? "published" : "would publish"} ${name} to ${target}: atom commit ${atom.commit}, content ${atom.content}`;
    case "already-published":
      return `already published ${name} on ${target}: atom commit ${atom.commit}`;
    case "refused":
      return `refused ${name}: ${atom.refusal?.message ?? "versions are immutable"}`;
  }
}
