/**
 * Checks of the direct (legacy) Nix pins of a lock (protocol.md §8).
 *
 * - `nix+git`: the locked `rev` must exist at the URL. One listing of the URL: a ref (or a tag
 *   it peels to) at `rev` proves it. Otherwise (the branch moved on) `rev` itself is fetched into
 *   the cache by id, full history, which the server refuses when it does not have it. Offline: the
 *   commit must already be in the cache.
 * - `nix+url`, `nix+tar`, `nix+build`: the hash must recompute from the bytes at the URL, with
 *   the same functions that locked it (`src/fetch`: flat sha256, NAR sha256 of the unpacked
 *   archive, or what `builtin:fetchurl` checks), revalidated with the server (a `file://` URL is
 *   read again every time). Offline they are not recomputed (a `skip`, never a pass).
 */
import { EkaError, type LockedNixDep, type Report } from "../core/index.ts";
import { type GitBackend, type MirrorLister, redactUrl } from "../git/index.ts";
import { type CheckResult, compare, fail, pass, skip } from "./check.ts";
import { readOrNull } from "./verify-atom.ts";

const PIN_NAMESPACE = "refs/eka-pins/";

export function pinSubject(pin: LockedNixDep): string {
  return `nix:${pin.name}`;
}

export interface PinContext {
  /** eka's cache directory (downloads are cached there); absent: hashes are not recomputed. */
  readonly cacheDir?: string;
  readonly report: Report;
}

export async function verifyPin(
  repo: GitBackend,
  lister: MirrorLister | null,
  pin: LockedNixDep,
  context: PinContext,
): Promise<CheckResult> {
  if (pin.type !== "nix+git") return verifyHashPin(pin, lister !== null, context);
  const at = { subject: pinSubject(pin), mirror: redactUrl(pin.url) };
  const expected = `commit ${pin.rev}`;
  if (lister === null) {
    const object = await readOrNull(repo, pin.rev);
    if (object?.type === "commit") return pass("pin-git", at, `${pin.rev} is in the cache`);
    return skip("pin-git", at, `${pin.rev} is not in the cache (offline): run \`eka fetch\``);
  }
  let remote: Awaited<ReturnType<MirrorLister["resolve"]>>;
  try {
    remote = await lister.resolve(pin.url);
    const refs = await lister.list(remote, []);
    const tips = refs.filter((r) => r.oid === pin.rev || r.peeled === pin.rev);
    const named =
      pin.ref === undefined ? [] : [`refs/heads/${pin.ref}`, `refs/tags/${pin.ref}`, pin.ref];
    const tip =
      tips.find((r) => named.includes(r.ref)) ?? tips.find((r) => r.ref !== "HEAD") ?? tips[0];
    if (tip !== undefined) return pass("pin-git", at, `${pin.rev} is ${tip.ref}`);
  } catch (error) {
    if (!(error instanceof EkaError)) throw error;
    return fail("pin-git", at, `cannot list ${at.mirror}: ${error.message}`, expected, "no answer");
  }
  try {
    await repo.fetch(remote, [`+${pin.rev}:${PIN_NAMESPACE}${pin.rev}`]);
  } catch (error) {
    if (!(error instanceof EkaError)) throw error;
    return fail("pin-git", at, `the URL does not serve ${pin.rev}`, expected, "absent");
  }
  const object = await readOrNull(repo, pin.rev);
  return object?.type === "commit"
    ? pass("pin-git", at, `${pin.rev} fetched from the URL`)
    : fail("pin-git", at, "the locked rev is not a commit", expected, object?.type ?? "absent");
}

type Locked = Promise<{ readonly hash: string }>;
interface FetchContext {
  readonly cacheDir: string;
  readonly report: Report;
}
interface FetchLocks {
  lockUrl(url: string, ctx: FetchContext, options?: { refresh?: boolean }): Locked;
  lockTar(url: string, ctx: FetchContext, options?: { refresh?: boolean }): Locked;
  lockBuild(
    url: string,
    flags: { readonly unpack: boolean; readonly exec: boolean },
    ctx: FetchContext,
    options?: { refresh?: boolean },
  ): Locked;
}

/** A downloaded pin: its hash recomputed from the bytes at its URL. */
async function verifyHashPin(
  pin: Exclude<LockedNixDep, { type: "nix+git" }>,
  online: boolean,
  context: PinContext,
): Promise<CheckResult> {
  const at = { subject: pinSubject(pin), mirror: redactUrl(pin.url) };
  if (!online || context.cacheDir === undefined) {
    return skip("pin-hash", at, `${pin.type} hash ${pin.hash} is recomputed online only`);
  }
  // Loaded on first use (the layer is heavy: HTTP, archives, xz), typed structurally: verify
  // needs only these three functions of src/fetch (see its lock-hash.ts).
  const fetch = (await import("../fetch/index.ts")) as unknown as FetchLocks;
  if (typeof fetch.lockUrl !== "function") {
    return skip("pin-hash", at, `${pin.type} hash ${pin.hash} not recomputed: no fetcher here`);
  }
  const ctx = { cacheDir: context.cacheDir, report: context.report };
  const options = { refresh: true };
  let hash: string;
  try {
    const locked =
      pin.type === "nix+url"
        ? await fetch.lockUrl(pin.url, ctx, options)
        : pin.type === "nix+tar"
          ? await fetch.lockTar(pin.url, ctx, options)
          : await fetch.lockBuild(pin.url, { unpack: pin.unpack, exec: pin.exec }, ctx, options);
    hash = locked.hash;
  } catch (error) {
    if (!(error instanceof EkaError)) throw error;
    return fail("pin-hash", at, `cannot recompute: ${error.message}`, pin.hash, error.code);
  }
  return compare("pin-hash", at, `${pin.type} hash of the bytes at the URL`, pin.hash, hash);
}
