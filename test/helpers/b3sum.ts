/**
 * The real `b3sum` program (BLAKE3's reference command line tool), to check eka's BLAKE3 use
 * against an independent implementation on the same bytes. Results are lowercase hex.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The program to run: `$B3SUM` when set, else `b3sum` from PATH. */
export const B3SUM_PROGRAM = process.env["B3SUM"] ?? "b3sum";

function run(args: readonly string[], stdin: Uint8Array): string {
  const out = execFileSync(B3SUM_PROGRAM, ["--no-names", ...args], {
    input: stdin,
    maxBuffer: 1 << 20,
  });
  const hex = out.toString("utf8").trim();
  if (!/^[0-9a-f]{64}$/.test(hex))
    throw new Error(`unexpected b3sum output: ${JSON.stringify(hex)}`);
  return hex;
}

/** `b3sum`: the plain BLAKE3 hash of `data`. */
export function b3sum(data: Uint8Array): string {
  return run([], data);
}

/** `b3sum --derive-key CONTEXT`: BLAKE3.derive_key(context, material). */
export function b3sumDeriveKey(context: string, material: Uint8Array): string {
  return run(["--derive-key", context], material);
}

/**
 * `b3sum --keyed`: BLAKE3.keyed_hash(key, data). The key goes on stdin, so the data goes
 * through a temporary file.
 */
export function b3sumKeyed(key: Uint8Array, data: Uint8Array): string {
  if (key.length !== 32) throw new Error(`a BLAKE3 key is 32 bytes, got ${key.length}`);
  const dir = mkdtempSync(join(tmpdir(), "eka-b3sum-"));
  try {
    const file = join(dir, "data");
    writeFileSync(file, data);
    return run(["--keyed", file], key);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
