/**
 * `nix+git`: `{ git = URL, ref = "branch-or-tag" }` locks the commit the ref names;
 * `{ git = URL, version = "^1.2" }` locks the highest semver tag (a leading `v` allowed) that
 * satisfies the requirement. One ref listing, filtered on the server to the refs that can
 * answer (`refs/heads/<ref>` and `refs/tags/<ref>`, or all of `refs/tags/`). An annotated
 * tag locks the commit it peels to.
 */
import { EkaError } from "../../../core/errors.ts";
import { formatRequirement, highestMatch, matches } from "../../../core/requirement.ts";
import type { GitOid, Version } from "../../../core/types.ts";
import { isVersion } from "../../../core/version.ts";
import type { Resolver } from "../../types.ts";

const HEADS = "refs/heads/";
const TAGS = "refs/tags/";

interface Listed {
  readonly ref: string;
  readonly oid: GitOid;
  readonly peeled: GitOid | null;
}

export const nixGitResolver: Resolver<"nix+git"> = {
  kind: "nix+git",

  async resolve(request, ctx) {
    const lister = await ctx.lister();
    const remote = await lister.resolve(request.url);
    const shown = remote.display;
    if (request.version === undefined) {
      const ref = request.ref ?? "HEAD";
      const names = ref.startsWith("refs/") ? [ref] : [`${HEADS}${ref}`, `${TAGS}${ref}`];
      const refs: Listed[] = await lister.list(remote, names);
      const found = names.map((n) => refs.find((r) => r.ref === n)).find((r) => r !== undefined);
      if (found === undefined) {
        throw new EkaError("EKA_NO_MATCHING_VERSION", `${shown} has no branch or tag ${ref}`, {
          where: `${request.name} (${shown})`,
          hint: "check the ref in [deps.direct.nix]: a branch, a tag or a full ref name",
          data: { name: request.name, url: shown, ref },
        });
      }
      return {
        type: "nix+git",
        name: request.name,
        url: request.url,
        ref,
        rev: found.peeled ?? found.oid,
      };
    }
    const refs: Listed[] = await lister.list(remote, [TAGS]);
    const tags = new Map<Version, Listed>();
    for (const r of refs) {
      const tag = r.ref.slice(TAGS.length);
      const text = tag.startsWith("v") ? tag.slice(1) : tag;
      if (isVersion(text) && !tags.has(text as Version)) tags.set(text as Version, r);
    }
    const best = highestMatch(request.version, tags.keys());
    if (best === null) {
      const existing = [...tags.keys()];
      const wanted = formatRequirement(request.version);
      throw new EkaError(
        "EKA_NO_MATCHING_VERSION",
        existing.length === 0
          ? `${shown} has no semver tags (wanted ${wanted})`
          : `no tag of ${shown} satisfies ${wanted}; the versions are ${existing.join(", ")}`,
        {
          where: `${request.name} (${shown})`,
          hint: "loosen the version requirement, or lock a branch with ref = …",
          data: { name: request.name, url: shown, versions: existing },
        },
      );
    }
    const tag = tags.get(best)!;
    return {
      type: "nix+git",
      name: request.name,
      url: request.url,
      ref: tag.ref.slice(TAGS.length),
      version: best,
      rev: tag.peeled ?? tag.oid,
    };
  },

  isSatisfiedBy(request, locked) {
    if (locked.name !== request.name || locked.url !== request.url) return false;
    if (request.version === undefined) {
      return locked.version === undefined && locked.ref === (request.ref ?? "HEAD");
    }
    return (
      locked.version !== undefined &&
      locked.ref !== undefined &&
      matches(request.version, locked.version)
    );
  },
};
