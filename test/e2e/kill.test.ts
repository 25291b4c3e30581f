/**
 * `eka add` killed with SIGKILL at random moments (≥ 100 runs) never leaves an atom.toml and
 * atom.lock that disagree: after the next eka command (which repairs an interrupted update),
 * the pair is exactly the old one or exactly the new one, and that command works.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { EKA, runEka } from "../helpers/eka.ts";
import { consumer, publishedSet, read, write } from "./resolve-fixtures.ts";

const RUNS = 100;

function resetTo(dir: string, manifest: string, lock: string): void {
  for (const name of readdirSync(dir)) {
    if (name !== ".git") rmSync(join(dir, name), { recursive: true, force: true });
  }
  write(dir, "atom.toml", manifest);
  write(dir, "atom.lock", lock);
}

/** Runs eka and SIGKILLs it after `delayMs` (if it is still running); resolves when it exits. */
function runAndKill(cwd: string, args: readonly string[], delayMs: number): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(EKA, [...args], {
      cwd,
      stdio: "ignore",
      env: { ...process.env, NO_COLOR: "1" },
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), delayMs);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      resolve(signal ?? `exit ${code}`);
    });
  });
}

test(`eka add killed at ${RUNS} random moments leaves the old pair or the new pair`, {
  timeout: 600_000,
}, async (t) => {
  const core = await publishedSet(t, { auth: ["1.0.0", "1.1.0"], log: ["0.2.0"] });
  const app = await consumer(t);
  const first = await runEka(app, ["add", `${core.url}::log`, "--set", "core"]);
  assert.equal(first.code, 0, first.stderr);
  const old = { manifest: read(app, "atom.toml"), lock: read(app, "atom.lock") };
  const args = ["add", "auth@^1", "--set", "core"];

  const started = Date.now();
  const full = await runAndKill(app, args, 60_000);
  const duration = Date.now() - started;
  assert.equal(full, "exit 0");
  const next = { manifest: read(app, "atom.toml"), lock: read(app, "atom.lock") };
  assert.notEqual(next.manifest, old.manifest);
  assert.notEqual(next.lock, old.lock);

  const outcomes = { old: 0, new: 0, journalLeft: 0, killed: 0, killedAfterWrite: 0 };
  // Half the moments anywhere in a run (up to a fifth past its length: a loaded machine runs
  // slower than the first run); half around the moment the files are written, learnt as the
  // runs go: between the latest kill that left the old pair and the earliest that left the new
  // one. Runs go on past RUNS (up to twice) until a kill has landed in or after the write, so
  // the test never passes without exercising the write it is about.
  let lastOld = 0;
  let firstNew = duration;
  let runs = 0;
  while (runs < RUNS || (outcomes.killedAfterWrite === 0 && runs < 2 * RUNS)) {
    const i = runs++;
    resetTo(app, old.manifest, old.lock);
    const around = lastOld < firstNew ? (lastOld + firstNew) / 2 : lastOld * 1.2 + 5;
    const delay =
      i % 2 === 0
        ? Math.random() * duration * 1.2
        : Math.max(0, around + (Math.random() - 0.5) * 60);
    const how = await runAndKill(app, args, delay);
    const killed = how === "SIGKILL";
    if (killed) outcomes.killed++;
    const journal = existsSync(join(app, ".eka-txn"));
    if (journal) outcomes.journalLeft++;
    const after = await runEka(app, ["resolve", "--locked"]);
    assert.equal(after.code, 0, `run ${i} (killed after ${delay.toFixed(0)} ms): ${after.stderr}`);
    const pair = { manifest: read(app, "atom.toml"), lock: read(app, "atom.lock") };
    if (pair.manifest === old.manifest && pair.lock === old.lock) {
      outcomes.old++;
      if (killed) lastOld = Math.max(lastOld, delay);
      if (killed && journal) outcomes.killedAfterWrite++;
    } else if (pair.manifest === next.manifest && pair.lock === next.lock) {
      outcomes.new++;
      firstNew = Math.min(firstNew, delay);
      if (killed) outcomes.killedAfterWrite++;
    } else
      assert.fail(
        `run ${i} (killed after ${delay.toFixed(0)} ms) left a mixed pair:\n${pair.manifest}\n${pair.lock}`,
      );
  }
  t.diagnostic(
    `${runs} runs; full run ${duration} ms; files written between ${lastOld.toFixed(0)} and ${firstNew.toFixed(0)} ms; outcomes ${JSON.stringify(outcomes)}`,
  );
  assert.equal(outcomes.old + outcomes.new, runs);
  assert.ok(outcomes.killed >= RUNS / 4, `too few runs were killed: ${JSON.stringify(outcomes)}`);
  assert.ok(
    outcomes.killedAfterWrite > 0,
    `no kill landed in or after the write: ${JSON.stringify(outcomes)}`,
  );
});
