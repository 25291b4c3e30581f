/**
 * Shared by the resolvers of downloaded pins: the fetch context from the resolve context, and
 * the fetch layer's lock functions, loaded on first use (the layer is heavy: HTTP, archives,
 * xz) so that the resolvers' pure halves stay cheap to load for a no-op `eka resolve`.
 */
import type { FetchLimits } from "../../config/index.ts";
import { EkaError } from "../../core/errors.ts";
import type { Report } from "../../core/report.ts";
import type { SriHash } from "../../core/sri-hash.ts";
import type { ResolveContext } from "../types.ts";

interface FetchContext {
  readonly cacheDir: string;
  readonly report: Report;
  readonly limits?: FetchLimits;
}

interface LockOptions {
  readonly refresh?: boolean;
}

type Locked = Promise<{ readonly hash: SriHash }>;

/** What resolution uses of src/fetch (see its lock-hash.ts). */
interface FetchLocks {
  lockUrl(url: string, ctx: FetchContext, options?: LockOptions): Locked;
  lockTar(url: string, ctx: FetchContext, options?: LockOptions): Locked;
  lockBuild(
    url: string,
    flags: { readonly unpack: boolean; readonly exec: boolean },
    ctx: FetchContext,
    options?: LockOptions,
  ): Locked;
}

export async function fetchLayer(ctx: ResolveContext) {
  if (ctx.fetch === undefined) {
    throw new EkaError("EKA_INTERNAL", "locking a downloaded dependency needs fetch settings");
  }
  // Checked structurally: resolution needs only these three functions of the fetch layer.
  const fetch: FetchLocks = await import("../../fetch/index.ts");
  const context: FetchContext = {
    cacheDir: ctx.fetch.cacheDir,
    report: ctx.report,
    ...(ctx.fetch.limits === undefined ? {} : { limits: ctx.fetch.limits }),
  };
  const options: LockOptions = { refresh: ctx.fetch.refresh === true };
  return { fetch, context, options };
}
