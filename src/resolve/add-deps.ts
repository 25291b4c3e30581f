/**
 * `eka add <uri>… [--set NAME]`: resolve first, then write the manifest (the set declared with
 * its expanded mirror when new, each dependency added or changed) and the lock, together.
 * Nothing is written when anything fails. Without `@requirement`, the newest release is locked
 * and `^<version>` written, as `cargo add` does.
 *
 * `eka add --nix NAME URL …` adds one `[deps.direct.nix]` entry the same way (nix-pin-entry.ts
 * says how the command line becomes the entry).
 */
import {
  ATOM_MANIFEST_FILE,
  addSet,
  EkaError,
  formatRequirement,
  type Label,
  LOCAL_MIRROR,
  LOCK_FILE,
  type LockedDep,
  NEWEST_RELEASE,
  parseAtomSpec,
  parseAtomUri,
  parseTag,
  type Report,
  resolveMirrorUrl,
  setDependency,
  type Tag,
} from "../core/index.ts";
import { type MirrorLister, openMirrorLister } from "../git/index.ts";
import { addNixDependency, refuseDuplicateNixName } from "./add-nix-dependency.ts";
import { recordIfUpToDate } from "./lock-status.ts";
import {
  entryFields,
  type NixPinInput,
  type NixPinKind,
  nixPinEntry,
  withDefaultBranch,
} from "./nix-pin-entry.ts";
import { type PairFile, writePair } from "./pair-transaction.ts";
import { openProject } from "./project.ts";
import { readProjectTexts } from "./project-texts.ts";
import { refuseDirectDepsSet } from "./refuse-direct-deps-set.ts";
import { type DepChange, describeLocked, MIRROR_TIMEOUT_MS, syncLock } from "./sync-lock.ts";
import type { FetchSettings } from "./types.ts";

export interface AddOptions {
  readonly cwd: string;
  readonly uris: readonly string[];
  /** The set to add to (or to declare, for a URI with a mirror). */
  readonly set?: string;
  /** The whole alias table (built-ins and the user's). */
  readonly aliases: ReadonlyMap<string, string>;
  readonly report: Report;
  readonly lister?: () => Promise<MirrorLister>;
  /** For downloaded pins (`nix+url`, `nix+tar`, `nix+build`). */
  readonly fetch?: FetchSettings;
  /** Where the no-op stamp is recorded (`stampDir`); none when undefined. */
  readonly stampRoot?: string;
  /** `--nix NAME URL …`: one direct dependency (then `uris` is empty and `set` absent). */
  readonly nix?: NixPinInput;
}

export interface AddedDep {
  readonly set: string;
  readonly label: string;
  /** As written to atom.toml. */
  readonly requirement: string;
  /** The locked version. */
  readonly version: string;
}

export interface AddedPin {
  readonly name: string;
  readonly kind: NixPinKind;
  /** The `[deps.direct.nix]` entry as written. */
  readonly entry: Readonly<Record<string, string | boolean>>;
  /** Its lock entry. */
  readonly locked: LockedDep;
  /** The lock entry in short (`main@1a2b3c4d5e6f`, `1.2.0`, `sha256-…`). */
  readonly lockedAs: string;
}

export interface AddOutcome {
  readonly dir: string;
  readonly added: readonly AddedDep[];
  /** Direct dependencies added (`--nix`). */
  readonly pins: readonly AddedPin[];
  /** Sets declared by this command, with their expanded mirrors. */
  readonly sets: readonly { readonly name: string; readonly mirrors: readonly string[] }[];
  readonly changes: readonly DepChange[];
  readonly written: boolean;
}

interface Wanted {
  readonly set: Tag;
  readonly label: Label;
  /** null: the newest release. */
  readonly requirement: string | null;
}

/** A set name from a mirror URL: its last path component without `.git`. */
function nameFromUrl(url: string): string {
  if (url === LOCAL_MIRROR) return "local";
  const tail = url.replace(/\/+$/, "").split(/[/:]/).pop() ?? "";
  const base = tail.replace(/\.git$/, "");
  try {
    return parseTag(base, "set name");
  } catch {
    return "deps";
  }
}

export async function addDeps(options: AddOptions): Promise<AddOutcome> {
  if (options.nix !== undefined && (options.uris.length > 0 || options.set !== undefined)) {
    throw new EkaError(
      "EKA_USAGE",
      "--nix adds one direct dependency, without atom URIs or --set",
      {
        hint: "run eka add --nix NAME URL and eka add <uri>… separately",
      },
    );
  }
  const project = await openProject(options.cwd);
  let text = project.manifestText;
  let listerOpen: Promise<MirrorLister> | undefined;
  const lister = () => {
    listerOpen ??=
      options.lister?.() ?? openMirrorLister(project.dir, { timeoutMs: MIRROR_TIMEOUT_MS });
    return listerOpen;
  };
  let pin: { name: string; kind: NixPinKind; fields: [string, string | boolean][] } | null = null;
  if (options.nix !== undefined) {
    const first = nixPinEntry(options.nix, options.aliases, options.cwd);
    // A duplicate is refused before the network is asked for a default branch.
    refuseDuplicateNixName(project.manifest, first.name);
    const entry = await withDefaultBranch(first, lister);
    const fields = entryFields(entry);
    text = addNixDependency(text, entry.name, fields);
    pin = { name: entry.name, kind: entry.kind, fields };
  }
  const declared = () => readProjectTexts(project.dir, text, null).manifest.sets;
  const newSets: { name: string; mirrors: string[] }[] = [];
  const wanted: Wanted[] = [];
  for (const arg of options.uris) {
    if (!arg.includes("::") && options.set !== undefined) {
      const spec = parseAtomSpec(arg);
      const set = parseTag(options.set, "set name");
      refuseDirectDepsSet(project.dir, set, spec.label, "flag");
      const known = declared().map((s) => s.name);
      if (!known.includes(set)) {
        throw new EkaError(
          "EKA_SET_UNKNOWN",
          `set ${set} is not declared in ${ATOM_MANIFEST_FILE}`,
          {
            where: `${project.dir}/${ATOM_MANIFEST_FILE}`,
            hint:
              known.length === 0
                ? `${ATOM_MANIFEST_FILE} declares no sets: name a mirror, e.g. eka add gh:owner/repo::${spec.label} --set ${set}`
                : `the sets are ${known.join(", ")}; or name a mirror: eka add <mirror>::${spec.label} --set ${set}`,
            data: { set, known },
          },
        );
      }
      const requirement =
        spec.requirement === NEWEST_RELEASE ? null : formatRequirement(spec.requirement);
      wanted.push({ set, label: spec.label, requirement });
      continue;
    }
    const uri = parseAtomUri(arg, options.aliases);
    const url = resolveMirrorUrl(uri.mirror, options.cwd);
    const sets = declared();
    const serving = sets.find((s) => s.mirrors.includes(url));
    let set: Tag;
    if (options.set !== undefined) set = parseTag(options.set, "set name");
    else if (serving !== undefined) set = serving.name;
    else set = parseTag(nameFromUrl(url), "set name");
    const existing = sets.find((s) => s.name === set);
    refuseDirectDepsSet(
      project.dir,
      set,
      uri.label,
      options.set !== undefined ? "flag" : serving !== undefined ? "declared" : "url",
      existing,
    );
    if (existing === undefined || !existing.mirrors.includes(url)) {
      if (existing !== undefined && options.set === undefined) {
        throw new EkaError(
          "EKA_SET_CONFLICT",
          `set ${set} is already declared with other mirrors (${existing.mirrors.join(", ")}), and ${url} is not one of them`,
          {
            where: `${project.dir}/${ATOM_MANIFEST_FILE}`,
            hint: `name a new set for ${url} with --set NAME`,
            data: { set, mirrors: existing.mirrors, url },
          },
        );
      }
      text = addSet(text, set, [url]);
      newSets.push({ name: set, mirrors: [url] });
    }
    const requirement =
      uri.requirement === NEWEST_RELEASE ? null : formatRequirement(uri.requirement);
    wanted.push({ set, label: uri.label, requirement });
  }
  for (const w of wanted) text = setDependency(text, w.set, w.label, w.requirement ?? "*");

  const staged = readProjectTexts(project.dir, text, project.lockText);
  const keys = new Set(wanted.map((w) => `${w.set}/${w.label}`));
  const result = await syncLock(staged.manifest, staged.requests, project.lock, project.lockText, {
    dir: project.dir,
    report: options.report,
    force: (r) =>
      r.type === "atom" ? keys.has(`${r.set}/${r.label}`) : pin !== null && r.name === pin.name,
    lister,
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  });
  const ids = new Map(result.lock.sets.map((s) => [s.name, s.id]));
  const added: AddedDep[] = [];
  for (const w of wanted) {
    const locked = result.lock.deps.find(
      (d) => d.type === "atom" && d.label === w.label && d.set === ids.get(w.set),
    );
    if (locked?.type !== "atom") throw new EkaError("EKA_INTERNAL", `${w.label} was not locked`);
    const requirement = w.requirement ?? `^${locked.version}`;
    if (w.requirement === null) text = setDependency(text, w.set, w.label, requirement);
    added.push({ set: w.set, label: w.label, requirement, version: locked.version });
  }
  const pins: AddedPin[] = [];
  if (pin !== null) {
    const locked = result.lock.deps.find((d) => d.type !== "atom" && d.name === pin.name);
    if (locked === undefined) throw new EkaError("EKA_INTERNAL", `${pin.name} was not locked`);
    pins.push({
      name: pin.name,
      kind: pin.kind,
      entry: Object.fromEntries(pin.fields),
      locked,
      lockedAs: describeLocked(locked),
    });
  }
  // The lock must satisfy the manifest as written: checked before anything is written.
  const final = readProjectTexts(project.dir, text, result.text);
  await syncLock(final.manifest, final.requests, final.lock, result.text, {
    dir: project.dir,
    report: options.report,
    locked: true,
  });
  const files: PairFile[] = [];
  if (text !== project.manifestText) files.push({ name: ATOM_MANIFEST_FILE, text });
  if (result.changed) files.push({ name: LOCK_FILE, text: result.text });
  await writePair(project.dir, files);
  recordIfUpToDate(options.stampRoot, final);
  return {
    dir: project.dir,
    added,
    pins,
    sets: newSets,
    changes: result.changes,
    written: files.length > 0,
  };
}
