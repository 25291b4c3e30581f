/**
 * `nix+tar` (protocol.md §8): `{ tar = URL }`: the NAR sha256 of the unpacked archive (`nix-prefetch-url --unpack URL`),
 * computed by eka's fetch layer (downloads cached; `file://` read in place). A locked entry
 * stays while its URL match.
 */
import type { Resolver } from "../../types.ts";
import { fetchLayer } from "../fetch-context.ts";

export const nixTarResolver: Resolver<"nix+tar"> = {
  kind: "nix+tar",

  async resolve(request, ctx) {
    const { fetch, context, options } = await fetchLayer(ctx);
    const { hash } = await fetch.lockTar(request.url, context, options);
    return { type: "nix+tar", name: request.name, url: request.url, hash };
  },

  isSatisfiedBy(request, locked) {
    return locked.name === request.name && locked.url === request.url;
  },
};
