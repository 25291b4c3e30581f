/**
 * Bringing a lock in line with a manifest (protocol.md §7): lazily (entries that still satisfy
 * their request stay untouched, entries nothing asks for are pruned), resolving only what must
 * be, each set listed once per mirror with every label it needs, all sets and direct
 * dependencies at once. `locked` fails instead of changing the lock, `offline` resolves from the
 * lock alone; neither opens a connection. Writes nothing: the caller commits the result.
 */
import {
  type AtomManifest,
  EkaError,
  formatLock,
  type Label,
  LOCAL_MIRROR,
  type Lock,
  type LockedAtom,
  type LockedDep,
  type LockedSet,
  type Report,
  type SetId,
  type Tag,
} from "../core/index.ts";
// The listing and ref-name modules, not git/index.ts: the barrel also loads the object store
// (backends, object reader and writer, node:crypto), which a listing never needs (start-up).
import { type MirrorLister, openMirrorLister } from "../git/mirror-refs.ts";
import {
  assembleLock,
  atomVersions,
  type LockPlan,
  type PendingRequest,
  planSync,
  requestKey,
  withVersion,
} from "./plan-lock.ts";
import { resolveDep } from "./resolvers/index.ts";
import { listSet } from "./set-listing.ts";
import type { DepRequest, FetchSettings, ResolveContext, SetView } from "./types.ts";

/** Every mirror listing gets this long. */
export const MIRROR_TIMEOUT_MS = 60_000;

export interface SyncOptions {
  /** The atom directory: `"::"` is this repository, listings run git here. */
  readonly dir: string;
  readonly report: Report;
  /** Fail (EKA_LOCK_OUT_OF_DATE) rather than change the lock. */
  readonly locked?: boolean;
  /** Resolve from the lock alone (EKA_OFFLINE when something needs the network). */
  readonly offline?: boolean;
  /** Requests to resolve again even when the lock satisfies them. */
  readonly force?: (request: DepRequest) => boolean;
  /** The ref lister (default: git in `dir`); tests inject one. */
  readonly lister?: () => Promise<MirrorLister>;
  /** For downloaded pins (`nix+url`, `nix+tar`, `nix+build`). */
  readonly fetch?: FetchSettings;
  /** Name of the lock file in messages. */
  readonly lockFile?: string;
}

export interface DepChange {
  readonly kind: "added" | "changed" | "removed";
  /** The atom's label or the direct dependency's name. */
  readonly name: string;
  /** The set, for atoms. */
  readonly set?: string;
  readonly from: string | null;
  readonly to: string | null;
}

export interface SyncResult {
  readonly lock: Lock;
  readonly text: string;
  /** Whether `text` differs from the lock given. */
  readonly changed: boolean;
  readonly changes: readonly DepChange[];
}

/** How a locked entry reads in a change line. */
export function describeLocked(dep: LockedDep): string {
  switch (dep.type) {
    case "atom":
      return dep.version;
    case "nix+git":
      return dep.version ?? `${dep.ref ?? "HEAD"}@${dep.rev.slice(0, 12)}`;
    default:
      return dep.hash;
  }
}

function keyed(lock: Lock | null): Map<string, { dep: LockedDep; set?: string }> {
  const names = new Map<SetId, string>((lock?.sets ?? []).map((s) => [s.id, s.name]));
  const out = new Map<string, { dep: LockedDep; set?: string }>();
  for (const dep of lock?.deps ?? []) {
    if (dep.type === "atom") {
      const set = names.get(dep.set) ?? dep.set;
      out.set(`${set}/${dep.label}`, { dep, set });
    } else out.set(dep.name, { dep });
  }
  return out;
}

/** What moved between two locks, by set and label (atoms) or name (direct dependencies). */
export function diffLocks(before: Lock | null, after: Lock): DepChange[] {
  const old = keyed(before);
  const now = keyed(after);
  const changes: DepChange[] = [];
  for (const [key, { dep, set }] of now) {
    const was = old.get(key);
    const name = dep.type === "atom" ? dep.label : dep.name;
    const extra = set === undefined ? {} : { set };
    if (was === undefined) {
      changes.push({ kind: "added", name, ...extra, from: null, to: describeLocked(dep) });
    } else if (JSON.stringify(was.dep) !== JSON.stringify(dep)) {
      changes.push({
        kind: "changed",
        name,
        ...extra,
        from: describeLocked(was.dep),
        to: describeLocked(dep),
      });
    }
  }
  for (const [key, { dep, set }] of old) {
    if (now.has(key)) continue;
    const name = dep.type === "atom" ? dep.label : dep.name;
    changes.push({
      kind: "removed",
      name,
      ...(set === undefined ? {} : { set }),
      from: describeLocked(dep),
      to: null,
    });
  }
  return changes;
}

function pendingNames(plan: LockPlan): string {
  return plan.pending.map((p) => requestKey(p.request)).join(", ");
}

export async function syncLock(
  manifest: AtomManifest,
  requests: readonly DepRequest[],
  oldLock: Lock | null,
  oldText: string | null,
  options: SyncOptions,
): Promise<SyncResult> {
  const lockFile = options.lockFile ?? "atom.lock";
  const plan = planSync(manifest, requests, oldLock, options.force);
  const ids = new Map<Tag, SetId>();
  for (const [name, set] of plan.lockedSets) ids.set(name, set.id);

  if (plan.pending.length > 0 && options.locked === true) {
    throw new EkaError(
      "EKA_LOCK_OUT_OF_DATE",
      `${lockFile} is out of date: ${pendingNames(plan)} ${plan.pending.length === 1 ? "needs" : "need"} resolving`,
      {
        where: lockFile,
        hint: "run `eka resolve` and commit the new lock (--locked never changes it)",
        data: { pending: plan.pending.map((p) => requestKey(p.request)) },
      },
    );
  }
  if (plan.pending.length > 0 && options.offline === true) {
    throw new EkaError(
      "EKA_OFFLINE",
      `${pendingNames(plan)} ${plan.pending.length === 1 ? "is" : "are"} not in ${lockFile}, and --offline resolves from the lock only`,
      {
        where: lockFile,
        hint: "run `eka resolve` without --offline once the mirrors can be reached",
      },
    );
  }

  let resolved: LockedDep[] = [];
  if (plan.pending.length > 0) {
    resolved = await resolvePending(manifest, requests, oldLock, plan, ids, options);
  }
  refuseSharedIds(manifest, requests, ids, lockFile);
  const lock = assembleLock(manifest, [...plan.kept, ...resolved], ids);
  const text = formatLock(lock);
  const changed = text !== oldText;
  const changes = diffLocks(oldLock, lock);
  if (changed && options.locked === true) {
    const what = changes.map((c) => `${c.name} ${c.from ?? "(none)"} → ${c.to ?? "(removed)"}`);
    throw new EkaError(
      "EKA_LOCK_OUT_OF_DATE",
      `${lockFile} is out of date${what.length === 0 ? "" : `: ${what.join(", ")}`}`,
      {
        where: lockFile,
        hint: "run `eka resolve` and commit the new lock (--locked never changes it)",
        data: { changes },
      },
    );
  }
  return { lock, text, changed, changes };
}

/**
 * Two set names of the manifest that turn out to be one set (the same id: `"::"` and a mirror
 * of this repository, or two URLs of one set declared apart) cannot both be locked: the lock
 * names each set id once (protocol.md §7). A user error naming both, before anything is written.
 */
function refuseSharedIds(
  manifest: AtomManifest,
  requests: readonly DepRequest[],
  ids: ReadonlyMap<Tag, SetId>,
  lockFile: string,
): void {
  const used = [...new Set(requests.flatMap((r) => (r.type === "atom" ? [r.set] : [])))];
  const byId = new Map<SetId, Tag[]>();
  for (const name of used) {
    const id = ids.get(name);
    if (id !== undefined) byId.set(id, [...(byId.get(id) ?? []), name]);
  }
  for (const [id, names] of byId) {
    if (names.length < 2) continue;
    const mirrors = names.flatMap((n) => manifest.sets.find((s) => s.name === n)?.mirrors ?? []);
    const merged = [...new Set(mirrors)].sort((a, b) =>
      a === LOCAL_MIRROR ? -1 : b === LOCAL_MIRROR ? 1 : 0,
    );
    const listed = names.slice(0, -1).join(", ");
    throw new EkaError(
      "EKA_SET_CONFLICT",
      `sets ${listed} and ${names.at(-1)} are one set (id ${id}): ${lockFile} records each set once, under one name`,
      {
        where: "[package.sets]",
        hint: `declare it once with all its mirrors, e.g. ${names[0]} = [${merged.map((m) => JSON.stringify(m)).join(", ")}], and take its atoms from [deps.from.${names[0]}]`,
        data: { id, sets: names, mirrors: merged },
      },
    );
  }
}

/**
 * The cheap checks of a locked atom against its set's listing (the listing is made anyway; the
 * locked labels only add their refs to it): its version still holds the locked commit
 * (versions never move), and the content ref's digest is the lock's `content`. The names are
 * those of `eka verify`'s checks (`atom-ref`, `content-ref`), which also check the objects.
 */
export function checkLocked(
  view: SetView,
  locked: readonly LockedAtom[],
  report: Report,
  lockFile = "atom.lock",
): void {
  for (const atom of locked) {
    const subject = `${atom.label}@${atom.version}`;
    const served = view.versions(atom.label).find((c) => c.version === atom.version);
    if (served === undefined) {
      report.warn(
        "EKA_MIRROR_STALE",
        `${subject}, locked in ${lockFile}, is served by no mirror of set ${view.name} (${view.mirrors.join(", ")})`,
      );
      continue;
    }
    const mirrors = served.mirrors.join(", ");
    const failed = (check: string, what: string, expected: string, actual: string) =>
      new EkaError(
        "EKA_VERIFY_FAILED",
        `${subject} of set ${view.name}: ${lockFile} records ${what} ${expected}, but ${mirrors} ${served.mirrors.length === 1 ? "serves" : "serve"} ${actual}`,
        {
          where: subject,
          hint: "published versions never move: a mirror or the lock was tampered with. Run `eka verify`, check each mirror named above, and re-lock only when you trust the new values",
          data: { check, subject, set: view.name, mirrors: served.mirrors, expected, actual },
        },
      );
    if (served.commit !== atom.rev)
      throw failed("atom-ref", "atom commit", atom.rev, served.commit);
    if (served.content !== null && served.content !== atom.content) {
      throw failed("content-ref", "content", atom.content, served.content);
    }
  }
}

async function resolvePending(
  manifest: AtomManifest,
  requests: readonly DepRequest[],
  oldLock: Lock | null,
  plan: LockPlan,
  ids: Map<Tag, SetId>,
  options: SyncOptions,
): Promise<LockedDep[]> {
  const { report } = options;
  const labels = new Map<Tag, Label[]>();
  for (const { request } of plan.pending) {
    if (request.type !== "atom") continue;
    labels.set(request.set, [...(labels.get(request.set) ?? []), request.label]);
  }
  // The locked atoms the manifest still asks for, of the sets listed anyway: checked against
  // the listing ("::" excepted: the working tree is not a published version).
  const checked = new Map<Tag, LockedAtom[]>();
  for (const request of requests) {
    if (request.type !== "atom" || !labels.has(request.set)) continue;
    const declared = manifest.sets.find((s) => s.name === request.set);
    if (declared === undefined || declared.mirrors[0] === LOCAL_MIRROR) continue;
    const id = plan.lockedSets.get(request.set)?.id;
    const locked = oldLock?.deps.find(
      (d): d is LockedAtom => d.type === "atom" && d.set === id && d.label === request.label,
    );
    if (locked === undefined) continue;
    checked.set(request.set, [...(checked.get(request.set) ?? []), locked]);
    if (!labels.get(request.set)!.includes(request.label))
      labels.get(request.set)!.push(request.label);
  }
  let listerOpen: Promise<MirrorLister> | undefined;
  const lister = () => {
    listerOpen ??=
      options.lister?.() ?? openMirrorLister(options.dir, { timeoutMs: MIRROR_TIMEOUT_MS });
    return listerOpen;
  };
  const views = new Map<Tag, Promise<SetView>>();
  const atomSet = (name: Tag): Promise<SetView> => {
    let view = views.get(name);
    if (view === undefined) {
      view = viewOf(manifest, name, labels.get(name) ?? [], plan, options, lister).then((v) => {
        checkLocked(v, checked.get(name) ?? [], report, options.lockFile);
        return v;
      });
      views.set(name, view);
    }
    return view;
  };
  const ctx: ResolveContext = {
    report,
    atomSet,
    lister,
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  };
  // Every set's mirrors are listed at once, before any resolver waits on one.
  for (const name of labels.keys()) atomSet(name).catch(() => {});

  let done = 0;
  const total = plan.pending.length;
  report.progress("resolving", 0, total);
  const resolveOne = async ({ request, prefer }: PendingRequest): Promise<LockedDep> => {
    try {
      if (prefer !== undefined && request.type === "atom") {
        const view = await atomSet(request.set);
        const same = view.versions(request.label).find((c) => c.version === prefer.version);
        if (same?.commit === prefer.rev) return prefer;
      }
      return await resolveDep(request, ctx);
    } finally {
      report.progress("resolving", ++done, total);
    }
  };
  // Downloads whose URL takes an atom's version wait for the atoms; everything else at once.
  const waits = (p: PendingRequest) =>
    p.request.type !== "atom" && p.request.type !== "nix+git" && p.request.from !== undefined;
  const first = plan.pending.filter((p) => !waits(p));
  // The first failure fails the resolution at once: it does not wait for the rest (a mirror
  // that accepts and never answers would hold it up to the listing limit, 60 s).
  const out = await Promise.all(first.map(resolveOne));
  const versions = atomVersions(plan.kept, oldLockSets(plan));
  for (const [i, p] of first.entries()) {
    const locked = out[i];
    if (p.request.type === "atom" && locked?.type === "atom") {
      versions.set(`${p.request.set}/${p.request.label}`, locked.version);
    }
  }
  const later = plan.pending.filter(waits).map((p) => {
    const request = withVersion(p.request, versions);
    if (request === null)
      throw new EkaError("EKA_INTERNAL", `no version for ${requestKey(p.request)}`);
    return { request };
  });
  out.push(...(await Promise.all(later.map(resolveOne))));
  for (const [name, view] of views) ids.set(name, (await view).id);
  return out;
}

function oldLockSets(plan: LockPlan): LockedSet[] {
  return [...plan.lockedSets.values()];
}

async function viewOf(
  manifest: AtomManifest,
  name: Tag,
  labels: readonly Label[],
  plan: LockPlan,
  options: SyncOptions,
  lister: () => Promise<MirrorLister>,
): Promise<SetView> {
  const declared = manifest.sets.find((s) => s.name === name);
  if (declared === undefined) {
    throw new EkaError("EKA_SET_UNKNOWN", `set ${name} is not declared in [package.sets]`, {
      hint: "declare it, e.g. with `eka add <mirror>::<label> --set NAME`",
    });
  }
  const lockedId = plan.lockedSets.get(name)?.id ?? null;
  if (declared.mirrors[0] === LOCAL_MIRROR) {
    // Loaded on use: reading a set from the working tree needs publishing's and hashing's code.
    const { localSetView } = await import("./local-set.ts");
    const view = await localSetView(options.dir, name, labels);
    if (lockedId !== null && view.id !== lockedId) {
      throw new EkaError(
        "EKA_SET_ID_CHANGED",
        `set ${name} changed identity: atom.lock records set id ${lockedId}, but this repository ("::") is ${view.id}`,
        {
          where: `set ${name}`,
          hint: `if the new identity is intended, remove set ${name} and its atoms from atom.lock (or delete it) and run \`eka resolve\``,
        },
      );
    }
    return view;
  }
  return listSet(
    { name, mirrors: declared.mirrors, lockedId },
    labels,
    await lister(),
    options.report,
  );
}
