/**
 * `atom.toml` and `atom.lock` change together or not at all (protocol.md §7). A crash, Ctrl-C
 * or SIGKILL at any instant leaves the old pair or the new pair, once the next eka command has
 * run `recoverPair`:
 *
 * 1. each new file is written in full beside its target (`.atom.toml.eka-txn`, …) and flushed;
 * 2. the journal `.eka-txn` naming them is written to a temporary name, flushed, and renamed
 *    into place: that rename is the commit point;
 * 3. each temporary file is renamed over its target, then the journal is removed.
 *
 * Recovery: a journal means the new pair was committed: every temporary file it names that is
 * still there is renamed over its target (rolled forward), then the journal goes. No journal
 * means nothing was committed: leftover temporary files are removed (rolled back).
 *
 * One file alone (`eka resolve` changes only the lock) needs no journal: its rename over the
 * target is the commit point, and a temporary file left by a crash before it is rolled back
 * like any other. Two flushes fewer, and three renames and removals fewer, on every such write.
 */
import { open, readdir, readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { EkaError } from "../core/errors.ts";

export const JOURNAL = ".eka-txn";
const SUFFIX = ".eka-txn";

export interface PairFile {
  /** File name inside the directory (`atom.toml`, `atom.lock`). */
  readonly name: string;
  readonly text: string;
}

interface Journal {
  readonly version: 1;
  readonly files: readonly { readonly target: string; readonly temp: string }[];
}

const tempOf = (name: string) => `.${name}${SUFFIX}`;

async function writeSynced(path: string, text: string): Promise<void> {
  const handle = await open(path, "w", 0o644);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function ioError(dir: string, error: unknown): EkaError {
  return new EkaError("EKA_IO", `cannot update the files in ${dir}: ${(error as Error).message}`, {
    where: dir,
    cause: error,
    hint: "check that the directory is writable; the next eka command repairs a half-done update",
  });
}

/** Replaces the files in `dir` together (see the module comment). */
export async function writePair(dir: string, files: readonly PairFile[]): Promise<void> {
  if (files.length === 0) return;
  try {
    if (files.length === 1) {
      const [file] = files as [PairFile];
      const temp = join(dir, tempOf(file.name));
      await writeSynced(temp, file.text);
      await rename(temp, join(dir, file.name));
      await syncDir(dir);
      return;
    }
    for (const file of files) await writeSynced(join(dir, tempOf(file.name)), file.text);
    const journal: Journal = {
      version: 1,
      files: files.map((f) => ({ target: f.name, temp: tempOf(f.name) })),
    };
    const pending = join(dir, `${JOURNAL}.tmp`);
    await writeSynced(pending, `${JSON.stringify(journal)}\n`);
    await rename(pending, join(dir, JOURNAL));
    await syncDir(dir);
    await rollForward(dir, journal);
  } catch (error) {
    throw error instanceof EkaError ? error : ioError(dir, error);
  }
}

async function rollForward(dir: string, journal: Journal): Promise<void> {
  for (const { target, temp } of journal.files) {
    try {
      await rename(join(dir, temp), join(dir, target));
    } catch (error) {
      // Already renamed by an earlier, interrupted run.
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }
  await syncDir(dir);
  await rm(join(dir, JOURNAL), { force: true });
  await syncDir(dir);
}

function readJournal(text: string): Journal | null {
  try {
    const value = JSON.parse(text) as Journal;
    const ok =
      value.version === 1 &&
      Array.isArray(value.files) &&
      value.files.every(
        (f) =>
          typeof f.target === "string" &&
          typeof f.temp === "string" &&
          !f.target.includes("/") &&
          f.temp === tempOf(f.target),
      );
    return ok ? value : null;
  } catch {
    return null;
  }
}

/**
 * Finishes or undoes an interrupted `writePair` in `dir`. Returns what it did: "none",
 * "rolled-forward" or "rolled-back".
 */
export async function recoverPair(dir: string): Promise<"none" | "rolled-forward" | "rolled-back"> {
  try {
    let text: string | null = null;
    try {
      text = await readFile(join(dir, JOURNAL), "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    const journal = text === null ? null : readJournal(text);
    if (journal !== null) {
      await rollForward(dir, journal);
      return "rolled-forward";
    }
    const leftovers = (await readdir(dir)).filter(
      (n) => (n.startsWith(".") && n.endsWith(SUFFIX)) || n === `${JOURNAL}.tmp` || n === JOURNAL,
    );
    for (const name of leftovers) await rm(join(dir, name), { force: true });
    if (leftovers.length === 0) return "none";
    await syncDir(dir);
    return "rolled-back";
  } catch (error) {
    throw error instanceof EkaError ? error : ioError(dir, error);
  }
}
