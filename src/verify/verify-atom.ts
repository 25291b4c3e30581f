/**
 * Every check of one locked atom against the objects in a repository (the cache) and what each
 * mirror said (its view). Reads go through the backend's one `cat-file` process; the history
 * walk is shared by all atoms of a set (`AncestryWalker`).
 */
import {
  type B3Digest,
  EkaError,
  type GitOid,
  type LockedAtom,
  oidOfSetId,
} from "../core/index.ts";
import type { GitBackend, GitObject } from "../git/index.ts";
import { b3TreeDigest } from "../hash/index.ts";
import type { AncestryWalker } from "./ancestry.ts";
import {
  checkAtomCommit,
  checkAtomId,
  checkAtomRef,
  checkContent,
  checkContentRef,
  checkManifestBlob,
  checkManifestFields,
  checkOriginTree,
  subjectOf,
} from "./atom-checks.ts";
import { type CheckResult, compare, fail, pass, skip } from "./check.ts";
import { type MirrorView, refsOf, servesNothing } from "./mirror-view.ts";

export interface AtomVerification {
  readonly results: CheckResult[];
  /** The text of the atom's own `atom.lock`, when its tree has one (for the graph walk). */
  readonly nestedLock: string | null;
  /** The atom directory (`path` header), for naming the nested lock. */
  readonly path: string | null;
}

const decoder = new TextDecoder("utf-8", { fatal: false });

/** An object, or null when the repository does not have it. */
export async function readOrNull(repo: GitBackend, oid: GitOid): Promise<GitObject | null> {
  try {
    return await repo.readObject(oid);
  } catch (error) {
    if (error instanceof EkaError && error.code === "EKA_OBJECT_MISSING") return null;
    throw error;
  }
}

async function blobText(repo: GitBackend, oid: GitOid): Promise<string | null> {
  const object = await readOrNull(repo, oid);
  return object === null || object.type !== "blob" ? null : decoder.decode(object.data);
}

/**
 * All checks of `atom`. With `thorough` false (what `eka fetch` runs on every call) the costly
 * ones are left out: the tree's b3 digest is not recomputed (the commit's `content` header and
 * the content refs are compared with the lock instead) and no history is walked.
 */
export async function verifyAtom(
  repo: GitBackend,
  atom: LockedAtom,
  views: readonly MirrorView[],
  walker: AncestryWalker,
  thorough = true,
): Promise<AtomVerification> {
  const subject = subjectOf(atom);
  const results: CheckResult[] = [checkAtomId(atom)];
  const commit = checkAtomCommit(atom, await readOrNull(repo, atom.rev), repo.objectFormat);
  results.push(...commit.results);
  const fields = commit.fields;
  let digest: B3Digest | null = null;
  let treeManifest: GitOid | null = null;
  let nestedLock: string | null = null;
  if (fields !== null) {
    try {
      if (thorough) {
        digest = await b3TreeDigest(repo, fields.tree);
        results.push(...checkContent(atom, fields, digest));
      } else {
        digest = atom.content;
        results.push(
          compare(
            "content-lock",
            { subject },
            "content header vs the lock",
            atom.content,
            fields.content,
          ),
        );
      }
    } catch (error) {
      if (!(error instanceof EkaError)) throw error;
      results.push(
        fail(
          "content-header",
          { subject },
          `the tree's b3 digest cannot be computed: ${error.message}`,
          fields.content,
          error.code,
        ),
      );
    }
    if (digest !== null) {
      const manifest = await repo.readPath(fields.tree, "atom.toml");
      treeManifest = manifest?.type === "blob" ? manifest.oid : null;
      const text = treeManifest === null ? null : await blobText(repo, treeManifest);
      results.push(
        text === null
          ? fail(
              "manifest-fields",
              { subject },
              "the atom tree has no atom.toml",
              subject,
              "absent",
            )
          : checkManifestFields(
              { subject },
              atom.label,
              atom.version,
              text,
              `${fields.path}/atom.toml`,
            ),
      );
      const lock = await repo.readPath(fields.tree, "atom.lock");
      if (lock?.type === "blob") nestedLock = await blobText(repo, lock.oid);
    }
  }
  const originTrees = new Map<GitOid, GitOid | null>();
  const ours = views.filter((v) => v.init === oidOfSetId(atom.set));
  const serving = ours.filter((v) => !servesNothing(refsOf(v, atom))).length;
  for (const view of ours) {
    const mirror = view.mirror;
    const at = { subject, mirror };
    const refs = refsOf(view, atom);
    if (serving > 0 && servesNothing(refs)) {
      // Behind (or withholding): a warning while another mirror serves the version (§7).
      results.push(skip("atom-ref", at, "the mirror does not serve this version (behind?)"));
      continue;
    }
    results.push(checkAtomRef(atom, mirror, refs.atom));
    if (digest !== null) results.push(checkContentRef(atom, mirror, refs.content, digest));
    if (fields === null) continue;
    results.push(checkManifestBlob(atom, mirror, refs.manifest, treeManifest));
    if (refs.manifest !== null && refs.manifest !== treeManifest) {
      const text = await blobText(repo, refs.manifest);
      results.push(
        text === null
          ? fail("manifest-fields", at, "the manifest ref is not a blob here", "a blob", "absent")
          : checkManifestFields(at, atom.label, atom.version, text, `manifest ref of ${subject}`),
      );
    }
    if (refs.origin === null) {
      results.push(
        fail("origin-ancestry", at, "the mirror has no origin ref", "an origin commit", "absent"),
      );
      continue;
    }
    if (thorough) results.push(await checkAncestry(walker, atom, mirror, refs.origin));
    let atPath = originTrees.get(refs.origin);
    if (atPath === undefined) {
      const entry = await repo.readPath(refs.origin, fields.path).catch((error: unknown) => {
        if (error instanceof EkaError) return null;
        throw error;
      });
      atPath = entry?.type === "tree" ? entry.oid : null;
      originTrees.set(refs.origin, atPath);
    }
    results.push(checkOriginTree(atom, mirror, fields.path, fields.tree, atPath));
  }
  return { results, nestedLock, path: fields?.path ?? null };
}

async function checkAncestry(
  walker: AncestryWalker,
  atom: LockedAtom,
  mirror: string,
  origin: GitOid,
): Promise<CheckResult> {
  const at = { subject: subjectOf(atom), mirror };
  const expected = `a descendant of init commit ${atom.set}`;
  const ancestry = await walker.descendsFrom(origin);
  switch (ancestry.kind) {
    case "descends":
      return pass("origin-ancestry", at, `origin ${origin} descends from ${atom.set}`);
    case "unrelated":
      return fail(
        "origin-ancestry",
        at,
        `origin ${origin} does not descend from the set's init commit (${ancestry.commits} commits walked)`,
        expected,
        `origin ${origin}`,
      );
    case "incomplete":
      return fail(
        "origin-ancestry",
        at,
        `the history of origin ${origin} is incomplete: parent ${ancestry.missing} of ${ancestry.child} is missing (shallow?)`,
        expected,
        `history cut at ${ancestry.missing}`,
      );
    case "not-commit":
      return fail(
        "origin-ancestry",
        at,
        `${ancestry.oid} in the history of origin ${origin} is a ${ancestry.type}`,
        expected,
        `${ancestry.type} ${ancestry.oid}`,
      );
  }
}
