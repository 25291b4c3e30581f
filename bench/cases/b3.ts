/**
 * The b3 tree digest of a 200 MiB atom (20 random files of 10 MiB and 200 small ones), against
 * the physical floors measured in the same run on the same bytes:
 * - `b3sum` over the checked-out files (its default threads, and one thread);
 * - git's own floor: `git cat-file --batch` of the same blobs, to /dev/null;
 * - the same through a pipe into Node, read and dropped (the least any Node reader of git pays).
 * `EKA_BENCH_ATOM_MIB` changes the atom's size (default 200, in files of 10 MiB).
 */
import { openRepository } from "../../src/git/index.ts";
import { b3TreeDigest, blake3Implementation } from "../../src/hash/index.ts";
import type { BenchContext, BenchResult } from "../bench-result.ts";
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
    context.log(`b3: timing (${context.runs} runs each, after a warm-up)…`);

    const eka = await measure(
      `eka b3TreeDigest (${blake3Implementation()} BLAKE3)`,
      context.runs,
      async () => {
        const repo = await openRepository(atom.dir, { env: benchGitEnv });
        try {
          digests.add(await b3TreeDigest(repo, atom.tree));
        } finally {
          await repo.close();
        }
      },
      atom.bytes,
    );
    if (digests.size !== 1) throw new Error(`b3TreeDigest gave different digests: ${[...digests]}`);
    const b3sum = await measure(
      "b3sum (default threads)",
      context.runs,
      () => runCommand("b3sum", atom.files),
      atom.bytes,
    );
    const b3sum1 = await measure(
      "b3sum --num-threads 1",
      context.runs,
      () => runCommand("b3sum", ["--num-threads", "1", ...atom.files]),
      atom.bytes,
    );
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
        `small ones in nested directories (${atom.blobs.length} blobs, loose objects); ` +
        `digest ${[...digests][0]}`,
      figures: [eka, b3sum, b3sum1, gitFloor, pipeFloor],
      ratios: [
        { label: "eka / b3sum --num-threads 1", value: speedRatio(eka, b3sum1), target: TARGET },
        { label: "eka / b3sum (default threads)", value: speedRatio(eka, b3sum), target: TARGET },
        { label: "eka / git cat-file > /dev/null", value: speedRatio(eka, gitFloor) },
        { label: "eka / git cat-file | Node", value: speedRatio(eka, pipeFloor) },
        { label: "git cat-file > /dev/null / b3sum -t 1", value: speedRatio(gitFloor, b3sum1) },
      ],
    };
  } finally {
    atom.remove();
  }
}
