/**
 * The b3 tree digest of a 200 MiB atom (20 random files of 10 MiB and 200 small ones), both ways
 * eka computes it: from the checked-out files git vouches for (`WorktreeFiles`, as `eka publish`
 * does from a clean checkout; the figure includes the git processes that vouch for them) and from
 * git objects alone (as for any other commit). Against the physical floors measured in the same
 * run on the same bytes:
 * - `b3sum` over the checked-out files (its default threads, and one thread);
 * - git's own floor: `git cat-file --batch` of the same blobs, to /dev/null;
 * - the same through a pipe into Node, read and dropped (the least any Node reader of git pays).
 * `EKA_BENCH_ATOM_MIB` changes the atom's size (default 200, in files of 10 MiB).
 */
import { execFileSync } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import type { GitOid } from "../../src/core/index.ts";
import { openRepository } from "../../src/git/index.ts";
import {
  type B3Progress,
  b3TreeDigest,
  blake3Implementation,
  WorktreeFiles,
} from "../../src/hash/index.ts";
import type { BenchContext, BenchResult, Figure } from "../bench-result.ts";
import { measure, speedRatio } from "../measure.ts";
import { benchGitEnv, makeRandomAtom } from "../random-atom.ts";
import { runCommand } from "../run-command.ts";

const MIB = 1024 * 1024;
const BIG_FILE = 10 * MIB;
/** The aim: eka's digest at least half as fast as b3sum on the same bytes. */
const TARGET = 0.5;

export async function run(context: BenchContext): Promise<BenchResult> {
  const mebibytes = Number(process.env["EKA_BENCH_ATOM_MIB"] ?? 200);
  const bigFiles = Math.max(1, Math.round((mebibytes * MIB) / BIG_FILE));
  context.log(`b3: building a repository with a ${bigFiles} × 10 MiB atom…`);
  const atom = makeRandomAtom({ bigFiles, bigFileBytes: BIG_FILE, smallFiles: 200 });
  try {
    const digests = new Set<string>();
    const blobList = `${atom.blobs.join("\n")}\n`;
    const git = { cwd: atom.dir, env: benchGitEnv, input: blobList };
    // Files changed less than 2 s before they are looked at are read from objects.
    await sleep(2100);
    context.log(`b3: timing (${context.runs} rounds, after a warm-up round)…`);

    const head = execFileSync("git", ["rev-parse", "HEAD"], { cwd: atom.dir, env: benchGitEnv })
      .toString("utf8")
      .trim() as GitOid;
    let fromWorktree = -1;
    const fromFiles = async () => {
      const repo = await openRepository(atom.dir, { env: benchGitEnv });
      try {
        const files = await WorktreeFiles.open(repo, head, [atom.path]);
        let last: B3Progress | null = null;
        const digest = await b3TreeDigest(repo, atom.tree, {
          worktree: { files, path: atom.path },
          onProgress: (p) => {
            last = p;
          },
        });
        digests.add(digest);
        fromWorktree = (last as B3Progress | null)?.fromWorktree ?? 0;
      } finally {
        await repo.close();
      }
    };
    const fromObjects = async () => {
      const repo = await openRepository(atom.dir, { env: benchGitEnv });
      try {
        digests.add(await b3TreeDigest(repo, atom.tree));
      } finally {
        await repo.close();
      }
    };
    // The four compared figures take turns within each round, so that a change in the shared
    // machine's load falls on all of them alike rather than on whichever ran then.
    const turns = await measureInTurns(context.runs, atom.bytes, [
      [
        `eka b3TreeDigest from the checked-out files (${blake3Implementation()} BLAKE3, with the git checks)`,
        fromFiles,
      ],
      [`eka b3TreeDigest from git objects (${blake3Implementation()} BLAKE3)`, fromObjects],
      ["b3sum (default threads)", () => runCommand("b3sum", atom.files)],
      ["b3sum --num-threads 1", () => runCommand("b3sum", ["--num-threads", "1", ...atom.files])],
    ]);
    const [worktree, eka, b3sum, b3sum1] = turns as [Figure, Figure, Figure, Figure];
    // The 10 MiB files come from disk; the small ones (under 64 KiB) from objects.
    if (fromWorktree !== bigFiles) {
      throw new Error(`${fromWorktree} blobs were read from disk, not the ${bigFiles} large ones`);
    }
    if (digests.size !== 1) throw new Error(`b3TreeDigest gave different digests: ${[...digests]}`);
    const gitFloor = await measure(
      "git cat-file --batch > /dev/null",
      context.runs,
      () => runCommand("git", ["cat-file", "--batch"], git),
      atom.bytes,
    );
    const pipeFloor = await measure(
      "git cat-file --batch | Node (read, drop)",
      context.runs,
      () => runCommand("git", ["cat-file", "--batch"], { ...git, stdout: "pipe" }),
      atom.bytes,
    );
    return {
      title: "b3: content digest of an atom tree",
      setup:
        `${(atom.bytes / 1e6).toFixed(0)} MB atom: ${bigFiles} random files of 10 MiB and 200 ` +
        `small ones in nested directories (${atom.blobs.length} blobs, loose objects; from the ` +
        `checked-out files: the ${bigFiles} large ones, the small ones from objects); ` +
        `digest ${[...digests][0]}`,
      figures: [worktree, eka, b3sum, b3sum1, gitFloor, pipeFloor],
      ratios: [
        {
          label: "eka (checked-out files) / b3sum (default threads)",
          value: speedRatio(worktree, b3sum),
          target: TARGET,
        },
        {
          label: "eka (checked-out files) / b3sum --num-threads 1",
          value: speedRatio(worktree, b3sum1),
          target: TARGET,
        },
        { label: "eka (objects) / b3sum (default threads)", value: speedRatio(eka, b3sum) },
        { label: "eka (objects) / b3sum --num-threads 1", value: speedRatio(eka, b3sum1) },
        { label: "eka (objects) / git cat-file > /dev/null", value: speedRatio(eka, gitFloor) },
        { label: "eka (objects) / git cat-file | Node", value: speedRatio(eka, pipeFloor) },
        { label: "git cat-file > /dev/null / b3sum -t 1", value: speedRatio(gitFloor, b3sum1) },
      ],
    };
  } finally {
    atom.remove();
  }
}

/** Like `measure` for several things at once: a warm-up round, then `runs` rounds, each in turn. */
async function measureInTurns(
  runs: number,
  bytes: number,
  things: readonly (readonly [string, () => Promise<unknown>])[],
): Promise<Figure[]> {
  const times = things.map(() => [] as number[]);
  for (let round = 0; round <= runs; round++) {
    for (const [i, [, fn]] of things.entries()) {
      const start = performance.now();
      await fn();
      if (round > 0) times[i]!.push(performance.now() - start);
    }
  }
  return things.map(([label], i) => ({ label, timesMs: times[i]!, bytes }));
}
