/**
 * Getting what verification reads into the cache repository. Online: every mirror of a set is
 * listed once, concurrently, restricted to the set's init ref and the refs of the labels needed;
 * then each mirror that serves the set's identity gets ONE `git fetch` of exactly the refs it
 * listed for the needed versions (plus its init ref), full history, never `--depth`, into its own
 * namespace of the cache (see cache-refs.ts). Offline: the views are read back from those
 * namespaces. Nothing a mirror says is trusted: the views only tell the checks where to look.
 *
 * No `H4` atom cache existed when this was written; `fetchSetForVerify` is also what `eka fetch`
 * uses to fill the cache for offline work.
 */
import {
  EkaError,
  type GitOid,
  type Label,
  LOCAL_MIRROR,
  oidOfSetId,
  type Report,
  type SetId,
  type Version,
} from "../core/index.ts";
import {
  atomsPrefix,
  contentPrefix,
  type GitBackend,
  INIT_REF,
  type MirrorLister,
  manifestsPrefix,
  originsPrefix,
  parseEkalaRef,
  type RefUpdate,
  redactUrl,
} from "../git/index.ts";
import { cacheRefFor, mirrorNamespace, mirrorRefOf } from "./cache-refs.ts";
import { type CheckResult, fail, pass } from "./check.ts";
import { type MirrorView, readMirrorView, versionKey } from "./mirror-view.ts";

export interface SetRequest {
  readonly id: SetId;
  /** The mirrors the lock names for the set, in its order. */
  readonly mirrors: readonly string[];
  readonly atoms: readonly { readonly label: Label; readonly version: Version }[];
}

export interface SetViews {
  /** One view per mirror that answered (whatever identity it serves). */
  readonly views: readonly MirrorView[];
  /** Set-level results: `mirror-reachable`, `history`. */
  readonly results: readonly CheckResult[];
}

/** How the checks name a set. */
export function setSubject(id: SetId): string {
  return `set ${id}`;
}

/** The listing prefixes for a set's labels: the init ref and four prefixes per label. */
export function listingPrefixes(labels: Iterable<Label>): string[] {
  const prefixes = [INIT_REF];
  for (const label of new Set(labels)) {
    prefixes.push(
      atomsPrefix(label),
      contentPrefix(label),
      manifestsPrefix(label),
      originsPrefix(label),
    );
  }
  return prefixes;
}

/** The mirrors of a set verification can reach (`"::"`, this repository, is not one). */
function remoteMirrors(set: SetRequest, report: Report): string[] {
  const mirrors = set.mirrors.filter((m) => m !== LOCAL_MIRROR);
  if (mirrors.length < set.mirrors.length) {
    report.warn(
      "EKA_VERIFY_LOCAL_SET",
      `${setSubject(set.id)} is also served by "::" (this repository); verify checks its other mirrors`,
    );
  }
  return mirrors;
}

/** Is `ref` (a mirror's name) one of the refs of the wanted versions, or the init ref? */
function isWanted(ref: string, wanted: ReadonlySet<string>): boolean {
  const parsed = parseEkalaRef(ref);
  if (parsed.kind === "init") return true;
  if (parsed.kind === "unknown") return false;
  return wanted.has(versionKey(parsed.label, parsed.version));
}

/** Lists every mirror, fetches from each that serves the set, and returns their views. */
export async function fetchSetForVerify(
  repo: GitBackend,
  lister: MirrorLister,
  set: SetRequest,
  report: Report,
): Promise<SetViews> {
  const subject = setSubject(set.id);
  const mirrors = remoteMirrors(set, report);
  const prefixes = listingPrefixes(set.atoms.map((a) => a.label));
  const wanted = new Set(set.atoms.map((a) => versionKey(a.label, a.version)));
  const answers = await Promise.all(
    mirrors.map(async (mirror) => {
      try {
        const remote = await lister.resolve(mirror);
        const refs = await lister.list(remote, prefixes);
        return { mirror, remote, refs };
      } catch (error) {
        if (!(error instanceof EkaError)) throw error;
        report.warn(
          "EKA_REMOTE_UNREACHABLE",
          `${redactUrl(mirror)} did not answer for ${subject}: ${error.message}`,
        );
        return null;
      }
    }),
  );
  const results: CheckResult[] = [];
  const views: MirrorView[] = [];
  await Promise.all(
    answers.map(async (answer) => {
      if (answer === null) return;
      const display = redactUrl(answer.mirror);
      const refs = answer.refs.filter((r) => r.peeled === null && isWanted(r.ref, wanted));
      const view = readMirrorView(display, refs);
      if (view.init !== oidOfSetId(set.id)) {
        views.push(view); // fails mirror-identity; nothing is fetched from another identity
        return;
      }
      const specs = refs.map((r) => ({ src: r.ref, dst: cacheRefFor(answer.mirror, r.ref) }));
      try {
        await repo.fetch(
          answer.remote,
          specs.map((s) => `+${s.src}:${s.dst}`),
        );
      } catch (error) {
        if (!(error instanceof EkaError)) throw error;
        report.warn("EKA_REMOTE_UNREACHABLE", `cannot fetch from ${display}: ${error.message}`);
        return;
      }
      views.push(view);
      results.push(...(await checkDelivered(repo, answer.mirror, display, refs, wanted, subject)));
    }),
  );
  const order = mirrors.map(redactUrl);
  views.sort((a, b) => order.indexOf(a.mirror) - order.indexOf(b.mirror));
  results.push(reachable(subject, mirrors, views.length));
  return { views, results };
}

function reachable(subject: string, mirrors: readonly string[], answered: number): CheckResult {
  const at = { subject };
  if (mirrors.length === 0) {
    return fail(
      "mirror-reachable",
      at,
      'the set has no mirror but "::" (this repository): there is nothing to verify against',
      "a mirror URL",
      "none",
    );
  }
  return answered > 0
    ? pass("mirror-reachable", at, `${answered} of ${mirrors.length} mirrors answered`)
    : fail(
        "mirror-reachable",
        at,
        "no mirror of the set answered",
        `one of ${mirrors.map(redactUrl).join(", ")}`,
        "none answered",
      );
}

/**
 * After a fetch: every listed ref must now be in the mirror's namespace with the listed value.
 * git keeps the objects but refuses a ref whose history ends in shallow roots (a mirror that is
 * a shallow clone): that is a `history` failure, as is a ref that did not come at all. Refs of
 * the wanted versions that the mirror no longer lists are removed from its namespace, so that an
 * offline verification sees what the mirror said last.
 */
async function checkDelivered(
  repo: GitBackend,
  mirror: string,
  display: string,
  refs: readonly { readonly ref: string; readonly oid: GitOid }[],
  wanted: ReadonlySet<string>,
  subject: string,
): Promise<CheckResult[]> {
  const present = new Map(
    (await repo.listRefs([mirrorNamespace(mirror)])).map((r) => [r.ref, r.oid] as const),
  );
  const results: CheckResult[] = [];
  const listed = new Set<string>();
  for (const { ref, oid } of refs) {
    const local = cacheRefFor(mirror, ref);
    listed.add(local);
    if (present.get(local) === oid) continue;
    const at = { subject, mirror: display };
    if (await repo.hasObject(oid)) {
      results.push(
        fail(
          "history",
          at,
          `git refused ${ref}: its history ends in shallow roots (the mirror is a shallow clone, which cannot prove provenance)`,
          `${oid} with its full history`,
          "a shallow history",
        ),
      );
    } else {
      results.push(fail("history", at, `${ref} was listed but not delivered`, oid, "absent"));
    }
  }
  const stale: RefUpdate[] = [];
  for (const [local, oid] of present) {
    const name = mirrorRefOf(mirror, local);
    if (name !== null && !listed.has(local) && isWanted(name, wanted)) {
      stale.push({ kind: "delete", ref: local, old: oid });
    }
  }
  await repo.updateRefs(stale, "eka verify: the mirror no longer lists these refs");
  if (results.length === 0) {
    results.push(pass("history", { subject, mirror: display }, `${refs.length} refs fetched`));
  }
  return results;
}

/** The views an earlier fetch left in the cache, for offline verification. */
export async function readCachedSet(
  repo: GitBackend,
  set: SetRequest,
  report: Report,
): Promise<SetViews> {
  const mirrors = remoteMirrors(set, report);
  const views: MirrorView[] = [];
  for (const mirror of mirrors) {
    const local = await repo.listRefs([mirrorNamespace(mirror)]);
    if (local.length === 0) continue;
    const refs = local.flatMap((r) => {
      const ref = mirrorRefOf(mirror, r.ref);
      return ref === null ? [] : [{ ref, oid: r.oid }];
    });
    views.push(readMirrorView(redactUrl(mirror), refs));
  }
  const result = reachable(setSubject(set.id), mirrors, views.length);
  return {
    views,
    results: [
      result.status === "pass"
        ? { ...result, message: `${views.length} of ${mirrors.length} mirrors are in the cache` }
        : {
            ...result,
            message: "no mirror of the set is in the cache (offline): run `eka fetch` first",
          },
    ],
  };
}
