/**
 * Does a commit descend from another? Answered by walking parent links read from the objects
 * themselves (one long-lived `cat-file` process, requests pipelined level by level), never by
 * asking git's history machinery: so replace refs and grafts (both also off for every git eka
 * runs: `GIT_NO_REPLACE_OBJECTS`, `GIT_GRAFT_FILE=/dev/null`) and shallow boundaries cannot
 * fake an ancestry. A parent that is not in the repository stops the walk as "incomplete": a
 * shallow history is never taken as a complete one.
 */
import { EkaError, type GitOid } from "../core/index.ts";
import { commitLinks, type GitBackend } from "../git/index.ts";

export type Ancestry =
  | { readonly kind: "descends" }
  | { readonly kind: "unrelated"; readonly commits: number }
  | { readonly kind: "incomplete"; readonly missing: GitOid; readonly child: GitOid }
  | { readonly kind: "not-commit"; readonly oid: GitOid; readonly type: string };

/** Walks histories towards one ancestor, remembering what earlier walks learnt. */
export class AncestryWalker {
  readonly #repo: GitBackend;
  readonly #ancestor: GitOid;
  /** Commits whose whole history was walked without meeting the ancestor. */
  readonly #unrelated = new Set<GitOid>();
  /** Commits known to descend from the ancestor. */
  readonly #descends = new Set<GitOid>();
  readonly #parents = new Map<GitOid, readonly GitOid[]>();

  constructor(repo: GitBackend, ancestor: GitOid) {
    this.#repo = repo;
    this.#ancestor = ancestor;
  }

  async descendsFrom(commit: GitOid): Promise<Ancestry> {
    const seen = new Set<GitOid>([commit]);
    let frontier: GitOid[] = [commit];
    while (frontier.length > 0) {
      for (const oid of frontier) {
        if (oid === this.#ancestor || this.#descends.has(oid)) {
          this.#descends.add(commit);
          return { kind: "descends" };
        }
      }
      const pending = frontier.filter((oid) => !this.#unrelated.has(oid));
      const links = await Promise.all(pending.map((oid) => this.#readParents(oid)));
      const next: GitOid[] = [];
      for (const [i, link] of links.entries()) {
        if (!Array.isArray(link)) {
          const result = link as Exclude<Ancestry, { kind: "descends" | "unrelated" }>;
          return result.kind === "incomplete"
            ? { ...result, child: findChild(this.#parents, result.missing) ?? pending[i]! }
            : result;
        }
        for (const parent of link as readonly GitOid[]) {
          if (seen.has(parent)) continue;
          seen.add(parent);
          next.push(parent);
        }
      }
      frontier = next;
    }
    for (const oid of seen) this.#unrelated.add(oid);
    return { kind: "unrelated", commits: seen.size };
  }

  async #readParents(
    oid: GitOid,
  ): Promise<readonly GitOid[] | Exclude<Ancestry, { kind: "descends" | "unrelated" }>> {
    const known = this.#parents.get(oid);
    if (known !== undefined) return known;
    let object: Awaited<ReturnType<GitBackend["readObject"]>>;
    try {
      object = await this.#repo.readObject(oid);
    } catch (error) {
      if (error instanceof EkaError && error.code === "EKA_OBJECT_MISSING") {
        return { kind: "incomplete", missing: oid, child: oid };
      }
      throw error;
    }
    if (object.type !== "commit") return { kind: "not-commit", oid, type: object.type };
    const parents = commitLinks(object.data, this.#repo.objectFormat).parents;
    this.#parents.set(oid, parents);
    return parents;
  }
}

function findChild(parents: ReadonlyMap<GitOid, readonly GitOid[]>, oid: GitOid): GitOid | null {
  for (const [child, list] of parents) if (list.includes(oid)) return child;
  return null;
}
