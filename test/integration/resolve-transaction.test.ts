/**
 * `writePair`/`recoverPair`: every state a crash can leave (before the commit point, after it,
 * between the two renames, after both) recovers to the old pair or the new pair, never a mix.
 */
import assert from "node:assert/strict";
import {
  existsSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  watch,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { JOURNAL, recoverPair, writePair } from "../../src/resolve/index.ts";
import { tempDir } from "../helpers/git.ts";

const OLD = { "atom.toml": "old manifest\n", "atom.lock": "old lock\n" };
const NEW = { "atom.toml": "new manifest\n", "atom.lock": "new lock\n" };

function pair(dir: string): Record<string, string | null> {
  const read = (f: string) =>
    existsSync(join(dir, f)) ? readFileSync(join(dir, f), "utf8") : null;
  return { "atom.toml": read("atom.toml"), "atom.lock": read("atom.lock") };
}

function files(dir: string): string[] {
  return readdirSync(dir).sort();
}

async function start(t: Parameters<typeof tempDir>[0]): Promise<string> {
  const dir = await tempDir(t);
  for (const [name, text] of Object.entries(OLD)) writeFileSync(join(dir, name), text);
  return dir;
}

const journal = JSON.stringify({
  version: 1,
  files: [
    { target: "atom.toml", temp: ".atom.toml.eka-txn" },
    { target: "atom.lock", temp: ".atom.lock.eka-txn" },
  ],
});

test("writePair replaces both files and leaves nothing else behind", async (t) => {
  const dir = await start(t);
  await writePair(
    dir,
    Object.entries(NEW).map(([name, text]) => ({ name, text })),
  );
  assert.deepEqual(pair(dir), NEW);
  assert.deepEqual(files(dir), ["atom.lock", "atom.toml"]);
  assert.equal(await recoverPair(dir), "none");
});

test("every crash point recovers to the old pair (before the journal) or the new pair (after it)", async (t) => {
  // Each state is what the disk holds when the process dies at one step of writePair.
  const states: { name: string; setup: (dir: string) => void; expect: typeof OLD }[] = [
    { name: "nothing written yet", setup: () => {}, expect: OLD },
    {
      name: "one temporary file written",
      setup: (d) => writeFileSync(join(d, ".atom.toml.eka-txn"), NEW["atom.toml"]),
      expect: OLD,
    },
    {
      name: "a half-written temporary file",
      setup: (d) => {
        writeFileSync(join(d, ".atom.toml.eka-txn"), NEW["atom.toml"]);
        writeFileSync(join(d, ".atom.lock.eka-txn"), "new l");
      },
      expect: OLD,
    },
    {
      name: "both temporary files and an unrenamed journal",
      setup: (d) => {
        writeFileSync(join(d, ".atom.toml.eka-txn"), NEW["atom.toml"]);
        writeFileSync(join(d, ".atom.lock.eka-txn"), NEW["atom.lock"]);
        writeFileSync(join(d, `${JOURNAL}.tmp`), journal);
      },
      expect: OLD,
    },
    {
      name: "the journal committed, no rename done",
      setup: (d) => {
        writeFileSync(join(d, ".atom.toml.eka-txn"), NEW["atom.toml"]);
        writeFileSync(join(d, ".atom.lock.eka-txn"), NEW["atom.lock"]);
        writeFileSync(join(d, JOURNAL), journal);
      },
      expect: NEW,
    },
    {
      name: "between the two renames",
      setup: (d) => {
        writeFileSync(join(d, ".atom.lock.eka-txn"), NEW["atom.lock"]);
        renameSync(join(d, ".atom.lock.eka-txn"), join(d, "atom.lock"));
        writeFileSync(join(d, ".atom.toml.eka-txn"), NEW["atom.toml"]);
        writeFileSync(join(d, JOURNAL), journal);
      },
      expect: NEW,
    },
    {
      name: "both renamed, journal not yet removed",
      setup: (d) => {
        writeFileSync(join(d, "atom.toml"), NEW["atom.toml"]);
        writeFileSync(join(d, "atom.lock"), NEW["atom.lock"]);
        writeFileSync(join(d, JOURNAL), journal);
      },
      expect: NEW,
    },
  ];
  for (const state of states) {
    const dir = await start(t);
    state.setup(dir);
    await recoverPair(dir);
    assert.deepEqual(pair(dir), state.expect, state.name);
    assert.deepEqual(files(dir), ["atom.lock", "atom.toml"], state.name);
    assert.equal(await recoverPair(dir), "none", `${state.name}: recovery is idempotent`);
  }
});

test("one file alone is replaced by its own rename: the other is untouched, a crash before it rolls back", async (t) => {
  const dir = await start(t);
  const before = readFileSync(join(dir, "atom.toml"));
  // Every name the directory sees during the write: one file needs no journal.
  // A file written after the write marks the end: the directory's events come in order.
  const seen = new Set<string>();
  const END = "end-of-write";
  let ended: () => void = () => {};
  const end = new Promise<void>((done) => {
    ended = done;
  });
  const watcher = watch(dir, (_event, name) => {
    if (name === null) return;
    seen.add(name.toString());
    if (name.toString() === END) ended();
  });
  try {
    await writePair(dir, [{ name: "atom.lock", text: NEW["atom.lock"] }]);
    writeFileSync(join(dir, END), "");
    await end;
  } finally {
    watcher.close();
    rmSync(join(dir, END), { force: true });
  }
  assert.deepEqual(pair(dir), { ...OLD, "atom.lock": NEW["atom.lock"] });
  assert.ok(readFileSync(join(dir, "atom.toml")).equals(before));
  assert.deepEqual(files(dir), ["atom.lock", "atom.toml"]);
  assert.ok(seen.has(".atom.lock.eka-txn"), [...seen].join(", "));
  assert.ok(!seen.has(JOURNAL) && !seen.has(`${JOURNAL}.tmp`), [...seen].join(", "));

  // Killed after the temporary file was written, before its rename: the old lock stays.
  writeFileSync(join(dir, ".atom.lock.eka-txn"), "newer lock\n");
  assert.equal(await recoverPair(dir), "rolled-back");
  assert.deepEqual(pair(dir), { ...OLD, "atom.lock": NEW["atom.lock"] });
  assert.deepEqual(files(dir), ["atom.lock", "atom.toml"]);
});
