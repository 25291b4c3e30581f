/**
 * `atom`: `[deps.from.<set>] label = "requirement"` → the highest version the set's mirrors
 * agree on that satisfies the requirement (protocol.md §6, §7). The set listing (one per
 * mirror, every label at once) is the context's job; this resolver only chooses.
 */
import { atomId } from "../../../core/atom-id.ts";
import { EkaError } from "../../../core/errors.ts";
import { formatRequirement, matches, type Requirement } from "../../../core/requirement.ts";
import type { AtomCandidate, Resolver } from "../../types.ts";

/**
 * The candidate with a content digest that `req` chooses: the highest match, which in a set
 * view's list (newest first, `compareVersions` order) is the first one. The list holds a
 * thousand versions where the requirement wants the newest: no sorting, nothing else read.
 */
export function newestMatch(
  req: Requirement,
  candidates: readonly AtomCandidate[],
): AtomCandidate | null {
  // `^`, `~`, `=` and `*` comparators match only their own major: a version whose text does not
  // start with it (a valid version writes its major without leading zeros) is passed over
  // without being read (`^1` against a thousand versions of majors 0 to 9).
  const fixed = req.comparators.find(
    (c) => c.op === "^" || c.op === "~" || c.op === "=" || c.op === "*",
  );
  const major = fixed === undefined ? "" : `${fixed.major}.`;
  for (const c of candidates) {
    if (c.content !== null && c.version.startsWith(major) && matches(req, c.version)) return c;
  }
  return null;
}

export const atomResolver: Resolver<"atom"> = {
  kind: "atom",

  async resolve(request, ctx) {
    const view = await ctx.atomSet(request.set);
    const all = view.versions(request.label);
    const chosen = newestMatch(request.requirement, all);
    if (chosen === null) {
      const where = view.mirrors.join(", ");
      const existing = all.filter((c) => c.content !== null).map((c) => c.version);
      throw new EkaError(
        "EKA_NO_MATCHING_VERSION",
        existing.length === 0
          ? `set ${request.set} publishes no atom ${request.label} (mirrors: ${where})`
          : `no version of ${request.label} in set ${request.set} satisfies ${formatRequirement(request.requirement)}; the versions are ${existing.join(", ")}`,
        {
          where: `${request.label}@${request.text}`,
          hint:
            existing.length === 0
              ? "check the label and the set; `eka list <mirror>` shows what a mirror serves"
              : `loosen the requirement in atom.toml, e.g. "^${existing[0]}"`,
          data: {
            set: request.set,
            label: request.label,
            requirement: request.text,
            versions: existing,
          },
        },
      );
    }
    return {
      type: "atom",
      label: request.label,
      version: chosen.version,
      set: view.id,
      rev: chosen.commit,
      id: atomId(view.id, request.label),
      content: chosen.content!,
    };
  },

  isSatisfiedBy(request, locked) {
    return locked.label === request.label && matches(request.requirement, locked.version);
  },
};
