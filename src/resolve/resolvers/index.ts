/** Every resolver, keyed by the lock `type` it produces: the type forbids forgetting a kind. */
import type { LockedDepOf } from "../../core/index.ts";
import type { DepKind, DepRequestOf, ResolveContext, Resolvers } from "../types.ts";
import { atomResolver } from "./atom/atom-resolver.ts";
import { nixBuildResolver } from "./nix-build/nix-build-resolver.ts";
import { nixGitResolver } from "./nix-git/nix-git-resolver.ts";
import { nixTarResolver } from "./nix-tar/nix-tar-resolver.ts";
import { nixUrlResolver } from "./nix-url/nix-url-resolver.ts";

export const RESOLVERS: Resolvers = {
  atom: atomResolver,
  "nix+git": nixGitResolver,
  "nix+url": nixUrlResolver,
  "nix+tar": nixTarResolver,
  "nix+build": nixBuildResolver,
};

/** The resolver of the request's kind, called with types that line up. */
export function resolveDep<K extends DepKind>(
  request: DepRequestOf<K>,
  ctx: ResolveContext,
  resolvers: Resolvers = RESOLVERS,
): Promise<LockedDepOf<K>> {
  return (resolvers[request.type as K] as Resolvers[K]).resolve(request, ctx);
}

/** Whether `locked` (of any kind) satisfies `request`: false when the kinds differ. */
export function isSatisfied(
  request: DepRequestOf<DepKind>,
  locked: LockedDepOf<DepKind>,
  resolvers: Resolvers = RESOLVERS,
): boolean {
  if (request.type !== locked.type) return false;
  const resolver = resolvers[request.type] as Resolvers[DepKind];
  return (resolver.isSatisfiedBy as (r: unknown, l: unknown) => boolean)(request, locked);
}
