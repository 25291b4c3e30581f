/**
 * The set as a commit describes it (protocol.md §4 "Publishing", step 1): `ekala.toml` and every
 * listed `atom.toml` read from the source commit's objects, never from the working tree. All
 * reads go through the backend's batch reader (no process per atom). Every problem across all
 * files is collected and reported in one `EKA_MANIFEST_INVALID`.
 */
import {
  ATOM_MANIFEST_FILE,
  EKALA_MANIFEST_FILE,
  EkaError,
  type EkalaManifest,
  type GitOid,
  parseEkalaManifest,
} from "../core/index.ts";
import type { GitBackend, ObjectType } from "../git/index.ts";
import {
  type AssembledAtom,
  type AtomFile,
  assembleSet,
  throwSetProblems,
} from "../workspace/index.ts";

/** Where a source atom's objects are. */
export interface SourceObjects {
  /** The atom directory's tree. */
  readonly tree: GitOid;
  /** The `atom.toml` blob, exactly as in the source tree. */
  readonly manifestBlob: GitOid;
  /** Where the path is listed in `ekala.toml` (for messages about the atom as a whole). */
  readonly line: number;
  readonly column: number;
}

export type SourceAtom = AssembledAtom<SourceObjects>;

export interface SourceSet {
  readonly source: GitOid;
  readonly manifestText: string;
  readonly manifest: EkalaManifest;
  readonly atoms: readonly SourceAtom[];
}

const REGULAR = new Set(["100644", "100755"]);
const encoder = new TextEncoder();

interface PathEntry {
  readonly mode: string;
  readonly type: ObjectType;
  readonly oid: GitOid;
}

/**
 * Looks paths up in one commit's tree, reading each tree once: atoms that share parent
 * directories (`pkgs/a`, `pkgs/b`, … a thousand of them) cost one read of `pkgs`, not one each.
 */
class TreePaths {
  readonly #repo: GitBackend;
  readonly #root: GitOid;
  readonly #trees = new Map<GitOid, Promise<Map<string, PathEntry>>>();

  constructor(repo: GitBackend, root: GitOid) {
    this.#repo = repo;
    this.#root = root;
  }

  /** The entry at `path` (`/`-separated, normalised); null when absent. */
  async get(path: string): Promise<PathEntry | null> {
    let tree = this.#root;
    const parts = path.split("/");
    for (const [i, part] of parts.entries()) {
      const entry = (await this.#entries(tree)).get(part);
      if (entry === undefined) return null;
      if (i === parts.length - 1) return entry;
      if (entry.type !== "tree") return null;
      tree = entry.oid;
    }
    return null;
  }

  #entries(tree: GitOid): Promise<Map<string, PathEntry>> {
    let entries = this.#trees.get(tree);
    if (entries === undefined) {
      entries = this.#repo.readTree(tree).then((list) => {
        const byName = new Map<string, PathEntry>();
        for (const e of list) {
          // A name that is not valid UTF-8 cannot be written in ekala.toml: never matched.
          if (Buffer.from(encoder.encode(e.name)).equals(e.nameBytes)) {
            byName.set(e.name, { mode: e.mode, type: e.type, oid: e.oid });
          }
        }
        return byName;
      });
      this.#trees.set(tree, entries);
    }
    return entries;
  }
}
const utf8 = new TextDecoder("utf-8", { fatal: true });

async function readText(repo: GitBackend, oid: GitOid): Promise<string | null> {
  try {
    return utf8.decode((await repo.readObject(oid)).data);
  } catch (error) {
    if (error instanceof TypeError) return null; // not UTF-8
    throw error;
  }
}

/** Reads and validates the set at `source`; `rev` names it in messages. */
export async function readSourceSet(
  repo: GitBackend,
  source: GitOid,
  rev: string,
): Promise<SourceSet> {
  const at = `${rev} (${source.slice(0, 12)})`;
  const root = await repo.readPath(source, "");
  if (root === null) throw new EkaError("EKA_INTERNAL", `${source} has no tree`);
  const paths = new TreePaths(repo, root.oid);
  const entry = await paths.get(EKALA_MANIFEST_FILE);
  if (entry === null) {
    throw new EkaError("EKA_NOT_INITIALIZED", `${at} has no ${EKALA_MANIFEST_FILE}`, {
      where: EKALA_MANIFEST_FILE,
      hint: `commit ${EKALA_MANIFEST_FILE} (\`eka init\` writes it), or publish from a commit that has it with --rev`,
    });
  }
  const text =
    entry.type === "blob" && REGULAR.has(entry.mode) ? await readText(repo, entry.oid) : null;
  if (text === null) {
    throw new EkaError(
      "EKA_MANIFEST_INVALID",
      `${EKALA_MANIFEST_FILE} in ${at} is not a regular UTF-8 text file`,
      {
        where: EKALA_MANIFEST_FILE,
        hint: `make ${EKALA_MANIFEST_FILE} a plain file and commit it`,
      },
    );
  }
  const manifest = parseEkalaManifest(text, EKALA_MANIFEST_FILE);
  const { atoms, problems } = await assembleSet(
    manifest,
    async (listed): Promise<AtomFile<SourceObjects>> => {
      const file = `${listed.path}/${ATOM_MANIFEST_FILE}`;
      const [dir, atomToml] = await Promise.all([paths.get(listed.path), paths.get(file)]);
      if (dir === null) {
        return {
          kind: "invalid",
          message: `\`${listed.path}\` does not exist in ${at}`,
          hint: `commit the atom directory, or remove the path from ${EKALA_MANIFEST_FILE}`,
        };
      }
      if (dir.type !== "tree") {
        return {
          kind: "invalid",
          message: `\`${listed.path}\` is not a directory in ${at}`,
          hint: "an atom is a directory holding an atom.toml",
        };
      }
      if (atomToml === null) return { kind: "missing" };
      const manifestText =
        atomToml.type === "blob" && REGULAR.has(atomToml.mode)
          ? await readText(repo, atomToml.oid)
          : null;
      if (manifestText === null) {
        return {
          kind: "invalid",
          message: `\`${file}\` is not a regular UTF-8 text file in ${at}`,
          hint: `make ${file} a plain file (not a link or directory) and commit it`,
        };
      }
      return {
        kind: "file",
        text: manifestText,
        extra: {
          tree: dir.oid,
          manifestBlob: atomToml.oid,
          line: listed.line,
          column: listed.column,
        },
      };
    },
  );
  throwSetProblems(problems, `the set at ${at}`, at);
  return { source, manifestText: text, manifest, atoms };
}
