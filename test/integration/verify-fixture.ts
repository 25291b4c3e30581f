/**
 * Fixtures for the verification tests: sets published by eka's own library (init, publish) to
 * bare repositories served over file://, locks written with `formatLock` from what the remote
 * holds (read with git plumbing), and helpers that tamper with a remote the way a malicious
 * mirror would. Every tamper is made with real git, so the tests exercise what a fetch delivers.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  atomId,
  encodeBase32Hex,
  formatAtomCommit,
  formatLock,
  type GitOid,
  type Label,
  type LockedAtom,
  type LockedNixDep,
  type LockedSet,
  parseLabel,
  parseTag,
  parseVersion,
  type SetId,
  silentReport,
} from "../../src/core/index.ts";
import { publishAtoms } from "../../src/publish/index.ts";
import { type VerifyResult, verifyLockFile } from "../../src/verify/index.ts";
import { initRepository } from "../../src/workspace/index.ts";
import { atomToml, commitAll, type FileSpec, refMap, writeFiles } from "../helpers/atoms.ts";
import { independentB3Digest } from "../helpers/b3-tree.ts";
import {
  type CleanupContext,
  git,
  gitBytes,
  gitTestEnv,
  tempDir,
  tempRepo,
} from "../helpers/git.ts";

// The library runs git with this process's environment: keep the machine's config out of it.
Object.assign(process.env, {
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_AUTHOR_NAME: gitTestEnv["GIT_AUTHOR_NAME"],
  GIT_AUTHOR_EMAIL: gitTestEnv["GIT_AUTHOR_EMAIL"],
  GIT_COMMITTER_NAME: gitTestEnv["GIT_COMMITTER_NAME"],
  GIT_COMMITTER_EMAIL: gitTestEnv["GIT_COMMITTER_EMAIL"],
});

export interface AtomDef {
  readonly label: string;
  readonly version: string;
  /** Default `pkgs/<label>`. */
  readonly path?: string;
  /** Extra files in the atom directory (default: a `lib.nix` naming the atom). */
  readonly files?: Readonly<Record<string, FileSpec>>;
  /** The atom's own `atom.lock`, committed in its directory. */
  readonly lock?: string;
}

export interface PublishedAtom extends LockedAtom {
  readonly path: string;
  /** The source commit (`refs/ekala/origins/L/V`). */
  readonly origin: GitOid;
}

export interface SetFixture {
  readonly source: string;
  /** The bare remote (a path); `url` is its file:// URL. */
  readonly remote: string;
  readonly url: string;
  readonly setId: SetId;
  readonly atoms: readonly PublishedAtom[];
}

/** Source repository + bare remote; `eka init`, then the atoms committed and published. */
export async function publishSet(t: CleanupContext, defs: readonly AtomDef[]): Promise<SetFixture> {
  const source = await tempRepo(t, { initialCommit: true });
  const remote = await tempRepo(t, { bare: true });
  const url = `file://${remote}`;
  const init = await initRepository({ dir: source, remote: url, report: silentReport });
  const paths = defs.map((d) => d.path ?? `pkgs/${d.label}`);
  writeFileSync(
    join(source, "ekala.toml"),
    `[set]\npackages = [${paths.map((p) => JSON.stringify(p)).join(", ")}]\n`,
  );
  for (const [i, def] of defs.entries()) {
    const dir = join(source, paths[i]!);
    writeFiles(dir, {
      "atom.toml": atomToml(def.label, def.version),
      ...(def.files ?? { "lib.nix": `{ name = "${def.label}-${def.version}"; }\n` }),
      ...(def.lock === undefined ? {} : { "atom.lock": def.lock }),
    });
  }
  const origin = commitAll(source, "atoms") as GitOid;
  await publishAtoms({ cwd: source, remote: url, report: silentReport });
  const refs = refMap(remote);
  const atoms = defs.map((def, i): PublishedAtom => {
    const label = parseLabel(def.label);
    const version = parseVersion(def.version);
    const rev = refs.get(`refs/ekala/atoms/${label}/${version}`) as GitOid;
    assert.ok(rev !== undefined, `${label}@${version} was published`);
    const content = [...refs.keys()]
      .find((r) => r.startsWith(`refs/ekala/content/${label}/${version}/`))!
      .split("/")
      .pop() as LockedAtom["content"];
    return {
      type: "atom",
      label,
      version,
      set: init.setId,
      rev,
      id: atomId(init.setId, label),
      content,
      path: paths[i]!,
      origin,
    };
  });
  return { source, remote, url, setId: init.setId, atoms };
}

export interface LockPart {
  readonly set: SetFixture;
  readonly name: string;
  /** Default `[set.url]`. */
  readonly mirrors?: readonly string[];
  /** Labels to lock (default all); atoms can be edited before they are written. */
  readonly atoms?: readonly LockedAtom[];
}

/** The text of an atom.lock locking the given atoms, written with `formatLock`. */
export function lockText(parts: readonly LockPart[], pins: readonly LockedNixDep[] = []): string {
  const sets: LockedSet[] = parts.map((p) => ({
    id: p.set.setId,
    name: parseTag(p.name),
    mirrors: p.mirrors ?? [p.set.url],
  }));
  const deps = parts.flatMap((p) =>
    (p.atoms ?? p.set.atoms).map(
      (a): LockedAtom => ({
        type: "atom",
        label: a.label,
        version: a.version,
        set: a.set,
        rev: a.rev,
        id: a.id,
        content: a.content,
      }),
    ),
  );
  return formatLock({ version: 1, sets, deps: [...deps, ...pins] });
}

/** Writes `text` as atom.lock in a new directory and verifies it with a cache of its own. */
export async function verifyText(
  t: CleanupContext,
  text: string,
  options: { offline?: boolean; cacheDir?: string; thorough?: boolean } = {},
): Promise<VerifyResult & { dir: string; cacheDir: string }> {
  const dir = await tempDir(t, "eka-verify-");
  writeFileSync(join(dir, "atom.lock"), text);
  const cacheDir = options.cacheDir ?? (await tempDir(t, "eka-cache-"));
  const result = await verifyLockFile({
    cwd: dir,
    offline: options.offline === true,
    cacheDir,
    report: silentReport,
    ...(options.thorough === undefined ? {} : { thorough: options.thorough }),
  });
  return { ...result, dir, cacheDir };
}

/** The failed checks, in a shape easy to assert on. */
export function failures(result: VerifyResult) {
  return result.checks
    .filter((c) => c.status === "fail")
    .map((c) => ({
      check: c.check,
      subject: c.subject,
      mirror: c.mirror,
      expected: c.expected,
      actual: c.actual,
    }));
}

/** Asserts that `result` has a failure matching `expected` (every given field equal). */
export function assertFailure(
  result: VerifyResult,
  expected: {
    check: string;
    subject?: string;
    mirror?: string | null;
    expected?: string;
    actual?: string;
  },
): void {
  const list = failures(result);
  const found = list.some((f) =>
    Object.entries(expected).every(([k, v]) => (f as Record<string, unknown>)[k] === v),
  );
  assert.ok(
    found,
    `no failure ${JSON.stringify(expected)} among:\n${JSON.stringify(list, null, 2)}`,
  );
}

/** The tree oid of `path` at `commit` in `repo`. */
export function treeAt(repo: string, commit: string, path: string): GitOid {
  return git(repo, "rev-parse", `${commit}:${path}`).trim() as GitOid;
}

/** The b3 digest (text) of a tree, computed without eka (git plumbing + b3sum). */
export function b3Text(repo: string, tree: string): LockedAtom["content"] {
  return encodeBase32Hex(independentB3Digest(repo, tree)) as LockedAtom["content"];
}

/** Writes an atom commit (byte-exact, any `content` header) into `repo`; returns its oid. */
export function writeAtomCommit(
  repo: string,
  fields: { tree: GitOid; path: string; content: string; label: string; version: string },
): GitOid {
  const bytes = formatAtomCommit(fields as Parameters<typeof formatAtomCommit>[0]);
  return gitBytes(repo, bytes, "hash-object", "-t", "commit", "-w", "--stdin")
    .toString()
    .trim() as GitOid;
}

/** Force-pushes `oid` from `repo` to `ref` on `remote` (a mirror rewriting its refs). */
export function forcePush(repo: string, remote: string, oid: string, ref: string): void {
  git(repo, "push", "--quiet", "--force", `file://${remote}`, `${oid}:${ref}`);
}

/** Deletes refs on a bare remote directly (a mirror dropping refs). */
export function deleteRefs(remote: string, refs: readonly string[]): void {
  for (const ref of refs) git(remote, "update-ref", "-d", ref);
}

/**
 * A graph of three levels and twenty atoms, each level a set of its own: `top` (a0…a3, each
 * locking two `mid` atoms, a0 also two `base` atoms), `mid` (b0…b5, each locking two `base`
 * atoms) and `base` (c0…c9). Returns the root lock's text (locking a0…a3) and the sets.
 */
export async function publishGraph(t: CleanupContext) {
  const c = await publishSet(
    t,
    Array.from({ length: 10 }, (_, i): AtomDef => ({ label: `c${i}`, version: `1.${i}.0` })),
  );
  const b = await publishSet(
    t,
    Array.from(
      { length: 6 },
      (_, i): AtomDef => ({
        label: `b${i}`,
        version: "2.0.0",
        lock: lockText([{ set: c, name: "base", atoms: [c.atoms[i]!, c.atoms[(i + 4) % 10]!] }]),
      }),
    ),
  );
  const a = await publishSet(
    t,
    Array.from(
      { length: 4 },
      (_, i): AtomDef => ({
        label: `a${i}`,
        version: "0.1.0",
        lock: lockText([
          { set: b, name: "mid", atoms: [b.atoms[i]!, b.atoms[(i + 2) % 6]!] },
          ...(i === 0 ? [{ set: c, name: "base", atoms: [c.atoms[8]!, c.atoms[9]!] }] : []),
        ]),
      }),
    ),
  );
  return { root: lockText([{ set: a, name: "top" }]), sets: [a, b, c] as const };
}

export const asLabel = (s: string): Label => parseLabel(s);
