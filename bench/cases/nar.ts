/**
 * The NAR hash of a ~100 MB unpacked tree (5 random files of 10 MiB and 4,000 small files of
 * about 12 KB in 40 directories), eka's `narHashPath` in-process against `nix-hash --type sha256
 * --base32` on the same tree (one process, its start included; the tree is warm in the page
 * cache for both), run in turn. `EKA_BENCH_NAR_MIB` scales the big files (default 50 MiB of them).
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { narHashPath, toNixBase32 } from "../../src/hash/index.ts";
import type { BenchContext, BenchResult, Figure } from "../bench-result.ts";
import { speedRatio } from "../measure.ts";
import { runCommand } from "../run-command.ts";

const MIB = 1024 * 1024;
/** The aim: eka at most 1.2× nix-hash's time, a speed ratio of at least 1/1.2. */
const TARGET = 1 / 1.2;

function makeTree(bigMib: number): { dir: string; bytes: number; files: number } {
  const dir = mkdtempSync(join(tmpdir(), "eka-bench-nar-"));
  let bytes = 0;
  let files = 0;
  const bigFiles = Math.max(1, Math.round(bigMib / 10));
  for (let i = 0; i < bigFiles; i++) {
    writeFileSync(join(dir, `big-${i}.bin`), randomBytes(10 * MIB));
    bytes += 10 * MIB;
    files++;
  }
  for (let d = 0; d < 40; d++) {
    const sub = join(dir, `dir-${d}`, "sub");
    mkdirSync(sub, { recursive: true });
    for (let f = 0; f < 100; f++) {
      const size = 12_000 + f * 10;
      writeFileSync(join(sub, `file-${f}.txt`), randomBytes(size));
      bytes += size;
      files++;
    }
  }
  return { dir, bytes, files };
}

export async function run(context: BenchContext): Promise<BenchResult> {
  const bigMib = Number(process.env["EKA_BENCH_NAR_MIB"] ?? 50);
  context.log(`nar: writing a tree with ${bigMib} MiB of big files and 4,000 small ones…`);
  const tree = makeTree(bigMib);
  try {
    const hashes = new Set<string>();
    context.log(`nar: timing (${context.runs} runs each, alternating, after a warm-up)…`);
    // The three run in turn, so that each meets the same disk and CPU weather (the machine is
    // shared: one after the other, a busy spell would land on one of them only).
    const contenders: [string, () => Promise<unknown>][] = [
      [
        "eka narHashPath (in-process)",
        async () => hashes.add(toNixBase32((await narHashPath(tree.dir)).digest)),
      ],
      [
        "nix-hash --type sha256 --base32",
        () => runCommand("nix-hash", ["--type", "sha256", "--base32", tree.dir]),
      ],
      [
        "cat of every file > /dev/null (read floor)",
        () =>
          runCommand("sh", ["-c", `find "$1" -type f -exec cat {} + > /dev/null`, "sh", tree.dir]),
      ],
    ];
    const times = contenders.map(() => [] as number[]);
    for (let i = 0; i <= context.runs; i++) {
      for (const [n, [, fn]] of contenders.entries()) {
        const start = performance.now();
        await fn();
        if (i > 0) times[n]!.push(performance.now() - start);
      }
    }
    const figure = (n: number): Figure => ({
      label: contenders[n]![0],
      timesMs: times[n]!,
      bytes: tree.bytes,
    });
    const [eka, nix, cat] = [figure(0), figure(1), figure(2)];
    if (hashes.size !== 1) throw new Error(`narHashPath gave different hashes: ${[...hashes]}`);
    const nixHash = execFileSync("nix-hash", ["--type", "sha256", "--base32", tree.dir], {
      encoding: "utf8",
    }).trim();
    if (!hashes.has(nixHash)) throw new Error(`eka ${[...hashes]} but nix-hash ${nixHash}`);
    return {
      title: "nar: NAR sha256 of an unpacked tree",
      setup:
        `${(tree.bytes / 1e6).toFixed(0)} MB in ${tree.files} files; ` +
        `hash ${[...hashes][0]} (nix base32)`,
      figures: [eka, nix, cat],
      ratios: [
        { label: "eka / nix-hash", value: speedRatio(eka, nix), target: TARGET },
        { label: "eka / read floor (find | cat)", value: speedRatio(eka, cat) },
      ],
    };
  } finally {
    rmSync(tree.dir, { recursive: true, force: true });
  }
}
