/**
 * Writes a file so that readers (and a crash, or Ctrl-C) see either the old content or the new,
 * never a partial file: write a temporary file beside the target, flush it, rename it over.
 */
import { randomBytes } from "node:crypto";
import { open, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { EkaError } from "../core/errors.ts";

export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  let mode = 0o644;
  try {
    mode = (await stat(path)).mode & 0o777;
  } catch {
    // a new file: default mode
  }
  try {
    const handle = await open(tmp, "wx", mode);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw new EkaError("EKA_IO", `cannot write ${path}: ${(error as Error).message}`, {
      cause: error,
      hint: "check that the directory exists and is writable",
    });
  }
}
