/**
 * `eka add --nix NAME URL [--git [REF|REQ]] [--tar] [--build [--unpack] [--exec]]`: the
 * command line turned into the `[deps.direct.nix]` entry it asks for (protocol.md §8), before
 * anything is resolved or written.
 *
 * The URL is a legacy URL (`parseLegacyUrl`: aliases expanded, scheme inferred, `^^ref`). The
 * kind is the flag given, else inferred from the URL:
 * - git: a `^^ref`, a git:// or ssh (scp-like) URL, a URL through an alias (`gh:owner/repo`:
 *   aliases stand for git mirrors), a path ending in `.git`, or a local directory;
 * - tar: a path ending in a known archive extension (`.tar.gz`, `.tgz`, `.tar.xz`, `.zip`, …);
 * - url: anything else (a file, hashed flat).
 * For git, `--git X` is a `version` when X parses as a requirement (`^1.2`, `1.2`, `*`), else a
 * `ref`; `^^ref` is always a ref; neither: the remote's default branch, found when locking and
 * written as its name.
 */
import { statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  EkaError,
  type Label,
  type LegacyUrl,
  parseLabel,
  parseLegacyUrl,
  parseRequirement,
  refNameProblem,
  resolveMirrorUrl,
  showText,
} from "../core/index.ts";
import type { MirrorLister } from "../git/index.ts";

/** What the command line says (flags as given). */
export interface NixPinInput {
  readonly name: string;
  /** As typed: a URL, an alias form, a path; `^^ref` allowed. */
  readonly url: string;
  /** `--git` alone: true; `--git X`: X. */
  readonly git?: string | true;
  readonly tar?: boolean;
  readonly build?: boolean;
  readonly unpack?: boolean;
  readonly exec?: boolean;
}

export type NixPinKind = "git" | "url" | "tar" | "build";

/** The entry to write; a git entry with neither `ref` nor `version` waits for `withDefaultBranch`. */
export interface NixPinEntry {
  readonly name: Label;
  readonly kind: NixPinKind;
  /** Expanded (no alias, a path made a `file://` URL): what atom.toml holds. */
  readonly url: string;
  readonly ref?: string;
  readonly version?: string;
  readonly unpack?: boolean;
  readonly exec?: boolean;
}

export const ARCHIVE_EXTENSIONS: readonly string[] = [
  ".tar",
  ".tar.gz",
  ".tgz",
  ".tar.xz",
  ".txz",
  ".tar.bz2",
  ".tbz",
  ".tbz2",
  ".tar.zst",
  ".tzst",
  ".zip",
];

const USAGE = "eka add --nix NAME URL [--git [REF|REQ]] [--tar] [--build [--unpack] [--exec]]";

function usage(message: string, hint = `usage: ${USAGE}`): EkaError {
  return new EkaError("EKA_USAGE", message, { hint });
}

/** The URL's path without query or fragment, lowercased (for extension checks). */
function pathOf(url: string): string {
  return url
    .replace(/[?#].*$/, "")
    .replace(/\/+$/, "")
    .toLowerCase();
}

function isDirectory(url: string): boolean {
  if (!url.startsWith("file://")) return false;
  try {
    return statSync(fileURLToPath(url)).isDirectory();
  } catch {
    return false;
  }
}

/** The kind a URL without a kind flag is locked as (see the file comment). */
export function inferKind(parsed: LegacyUrl, url: string): NixPinKind {
  const path = pathOf(url);
  if (parsed.ref !== undefined) return "git";
  if (parsed.scheme === "git" || parsed.scheme === "ssh") return "git";
  if (ARCHIVE_EXTENSIONS.some((ext) => path.endsWith(ext))) return "tar";
  if (parsed.alias !== undefined || path.endsWith(".git") || isDirectory(url)) return "git";
  return "url";
}

/** Checks the flags and the URL; resolves nothing. Throws EKA_USAGE (or the URL's error). */
export function nixPinEntry(
  input: NixPinInput,
  aliases: ReadonlyMap<string, string>,
  cwd: string,
): NixPinEntry {
  const name = parseLabel(input.name, "--nix NAME");
  const kinds = [
    input.git === undefined ? null : "--git",
    input.tar === true ? "--tar" : null,
    input.build === true ? "--build" : null,
  ].filter((k) => k !== null);
  if (kinds.length > 1) {
    throw usage(
      `${kinds.join(" and ")} cannot go together: a dependency is one of git, tar, build or url`,
    );
  }
  if (input.build !== true) {
    const extra = [input.unpack ? "--unpack" : null, input.exec ? "--exec" : null].filter(
      (f) => f !== null,
    );
    if (extra.length > 0) {
      throw usage(
        `${extra.join(" and ")} ${extra.length === 1 ? "goes" : "go"} only with --build`,
        `e.g. eka add --nix ${name} URL --build ${extra.join(" ")}`,
      );
    }
  }
  const parsed = parseLegacyUrl(input.url, aliases);
  const url = resolveMirrorUrl(parsed, cwd);
  if (url.includes("{version}")) {
    throw usage(
      `the URL ${showText(url)} holds {version}, which eka add cannot fill`,
      'write the entry in atom.toml with version = "from.<set>.<label>", then run eka resolve',
    );
  }
  const kind: NixPinKind =
    input.git !== undefined
      ? "git"
      : input.tar === true
        ? "tar"
        : input.build === true
          ? "build"
          : inferKind(parsed, url);
  if (kind !== "git") {
    if (parsed.ref !== undefined) {
      throw usage(
        `^^${parsed.ref} names a git ref, but --${kind} downloads a file`,
        `drop ^^${parsed.ref} to download ${parsed.raw}, or drop --${kind} for a git dependency`,
      );
    }
    if (parsed.scheme !== "http" && parsed.scheme !== "https" && parsed.scheme !== "file") {
      throw usage(
        `a ${kind} dependency is downloaded, but ${showText(url)} is not an http(s) or file URL`,
        "give an http://, https:// or file:// URL (or a path), or use --git for a repository",
      );
    }
    if (kind === "build") {
      return { name, kind, url, unpack: input.unpack === true, exec: input.exec === true };
    }
    return { name, kind, url };
  }
  if (typeof input.git === "string") {
    if (parsed.ref !== undefined) {
      throw usage(
        `the ref is given twice: ^^${parsed.ref} and --git ${input.git}`,
        "keep one of them",
      );
    }
    return { name, kind, url, ...gitTarget(input.git) };
  }
  return { name, kind, url, ...(parsed.ref === undefined ? {} : { ref: parsed.ref }) };
}

/** `--git X`: a requirement when X parses as one, else a ref name. */
function gitTarget(text: string): { version: string } | { ref: string } {
  try {
    parseRequirement(text);
    return { version: text };
  } catch {
    const problem = refNameProblem(text);
    if (problem === null) return { ref: text };
    throw usage(
      `--git ${showText(text)} is neither a version requirement nor a git ref: ${problem}`,
      'a ref is a branch, a tag or a full ref name ("main", "v1.2.0", "refs/heads/main"); a requirement is e.g. "^1.2" or ">=1.2, <2"',
    );
  }
}

const HEADS = "refs/heads/";

/**
 * A git entry without `ref` or `version` given the remote's default branch by name: the branch
 * its `HEAD` points at, as the server says (ls-refs `symrefs`, `git ls-remote --symref`), from one
 * listing of `HEAD` and `refs/heads/`. Other entries are returned as they are.
 */
export async function withDefaultBranch(
  entry: NixPinEntry,
  lister: () => Promise<MirrorLister>,
): Promise<NixPinEntry> {
  if (entry.kind !== "git" || entry.ref !== undefined || entry.version !== undefined) return entry;
  const git = await lister();
  const remote = await git.resolve(entry.url);
  const refs = await git.list(remote, ["HEAD", HEADS], { symrefs: true });
  const head = refs.find((r) => r.ref === "HEAD");
  const where = `${entry.name} (${remote.display})`;
  const nameOne = `name a branch or tag: eka add --nix ${entry.name} URL --git REF (or URL^^REF)`;
  if (head === undefined) {
    throw new EkaError(
      "EKA_NO_MATCHING_VERSION",
      `${remote.display} has no HEAD (an empty repository?)`,
      {
        where,
        hint: nameOne,
        data: { name: entry.name, url: remote.display },
      },
    );
  }
  if (head.symref !== undefined) return { ...entry, ref: refName(head.symref) };
  // Only for a server that does not say where HEAD points (an old one without the v0 `symref`
  // capability): HEAD's branch inferred from its commit, the one branch at it, or main/master
  // among several.
  const branches = refs
    .filter((r) => r.ref.startsWith(HEADS) && r.oid === head.oid)
    .map((r) => r.ref.slice(HEADS.length));
  const branch =
    branches.length === 1 ? branches[0] : ["main", "master"].find((b) => branches.includes(b));
  if (branch === undefined) {
    throw new EkaError(
      "EKA_NO_MATCHING_VERSION",
      branches.length === 0
        ? `the HEAD of ${remote.display} is on no branch`
        : `the HEAD of ${remote.display} is at the commit of several branches (${branches.join(", ")})`,
      { where, hint: nameOne, data: { name: entry.name, url: remote.display, branches } },
    );
  }
  return { ...entry, ref: branch };
}

/**
 * How an entry names `target`, a full ref name: a branch by its short name (the resolver looks
 * it up under refs/heads/ first), unless that name would read as a full one; else in full.
 */
function refName(target: string): string {
  const short = target.startsWith(HEADS) ? target.slice(HEADS.length) : null;
  return short === null || short.startsWith("refs/") ? target : short;
}

/** The entry's keys and values, in the order written (protocol.md §8). */
export function entryFields(entry: NixPinEntry): [string, string | boolean][] {
  const fields: [string, string | boolean][] = [[entry.kind, entry.url]];
  if (entry.ref !== undefined) fields.push(["ref", entry.ref]);
  if (entry.version !== undefined) fields.push(["version", entry.version]);
  if (entry.kind === "build") {
    fields.push(["unpack", entry.unpack === true], ["exec", entry.exec === true]);
  }
  return fields;
}
