/**
 * `nix+build` (protocol.md §8): `{ build = URL, unpack, exec }`: what `<nix/fetchurl.nix>` checks at build time,
 * computed by eka's fetch layer (downloads cached; `file://` read in place). A locked entry
 * stays while its URL, unpack and exec match.
 */
import type { Resolver } from "../../types.ts";
import { fetchLayer } from "../fetch-context.ts";

export const nixBuildResolver: Resolver<"nix+build"> = {
  kind: "nix+build",

  async resolve(request, ctx) {
    const { fetch, context, options } = await fetchLayer(ctx);
    const { hash } = await fetch.lockBuild(
      request.url,
      { unpack: request.unpack, exec: request.exec },
      context,
      options,
    );
    return {
      type: "nix+build",
      name: request.name,
      url: request.url,
      hash,
      unpack: request.unpack,
      exec: request.exec,
    };
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
