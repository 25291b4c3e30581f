/**
 * `nix+build` (protocol.md §8). Locking it needs the content's hash computed the way Nix does
 * (NAR serialisation), which eka does not do yet: resolving one is a clear error, and a lock
 * entry that eka did not write is kept while its URL, unpack and exec still match.
 */
import { EkaError } from "../../../core/errors.ts";
import type { Resolver } from "../../types.ts";

export const nixBuildResolver: Resolver<"nix+build"> = {
  kind: "nix+build",

  async resolve(request) {
    throw new EkaError(
      "EKA_NOT_SUPPORTED",
      `cannot lock ${request.name}: nix+build dependencies are not supported yet`,
      {
        where: `deps.direct.nix.${request.name}`,
        hint: "lock it with a git dependency ({ git = URL, ref = … }) for now",
        data: { name: request.name, url: request.url },
      },
    );
  },

  isSatisfiedBy(request, locked) {
    return (
      locked.name === request.name &&
      locked.url === request.url &&
      locked.unpack === request.unpack &&
      locked.exec === request.exec
    );
  },
};
