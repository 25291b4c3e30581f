/**
 * `nix+url` (protocol.md §8): `{ url = URL }`: the flat sha256 of the file (`nix-prefetch-url URL`),
 * computed by eka's fetch layer (downloads cached; `file://` read in place). A locked entry
 * stays while its URL match.
 */
import type { Resolver } from "../../types.ts";
import { fetchLayer } from "../fetch-context.ts";

export const nixUrlResolver: Resolver<"nix+url"> = {
  kind: "nix+url",

  async resolve(request, ctx) {
    const { fetch, context, options } = await fetchLayer(ctx);
    const { hash } = await fetch.lockUrl(request.url, context, options);
    return { type: "nix+url", name: request.name, url: request.url, hash };
  },

  isSatisfiedBy(request, locked) {
    return locked.name === request.name && locked.url === request.url;
  },
};
