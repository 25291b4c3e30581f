/**
 * Checks of the direct (legacy) Nix pins of a lock (protocol.md §8).
 *
 * - `nix+git`: the locked `rev` must exist at the URL. One listing of the URL: a ref (or a tag
 *   it peels to) at `rev` proves it. Otherwise (the branch moved on) `rev` itself is fetched into
 *   the cache by id, full history, which the server refuses when it does not have it. Offline: the
 *   commit must already be in the cache.
 * - `nix+url`, `nix+tar`, `nix+build`: the hash must recompute from the bytes at the URL. Not
 *   checked yet (reported as `skip`, never as a pass): recomputing needs the fetchers of
 *   `src/fetch/`, which were not there when verify was written.
 */
import { EkaError, type LockedNixDep } from "../core/index.ts";
import { type GitBackend, type MirrorLister, redactUrl } from "../git/index.ts";
import { type CheckResult, fail, pass, skip } from "./check.ts";
import { readOrNull } from "./verify-atom.ts";

const PIN_NAMESPACE = "refs/eka-pins/";

export function pinSubject(pin: LockedNixDep): string {
  return `nix:${pin.name}`;
}

export async function verifyPin(
  repo: GitBackend,
  lister: MirrorLister | null,
  pin: LockedNixDep,
): Promise<CheckResult> {
  if (pin.type !== "nix+git") {
    return skip(
      "pin-hash",
      { subject: pinSubject(pin), mirror: redactUrl(pin.url) },
      `${pin.type} hash ${pin.hash} not recomputed: no fetcher for ${pin.type} pins yet (TODO)`,
    );
  }
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
