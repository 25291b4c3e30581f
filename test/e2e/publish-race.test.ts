/**
 * Two `eka publish` processes racing to publish the same new version, with different content, to
 * one bare remote: exactly one wins, and the remote holds one coherent set of the four refs, all
 * pointing at the winner's objects. Run many times: a race shows itself only now and then.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import {
  assertPublished,
  atomToml,
  commitAll,
  ekaInit,
  ekalaToml,
  refMap,
  writeFiles,
} from "../helpers/atoms.ts";
import { runEkaJson } from "../helpers/eka.ts";
import { fsckStrict, git, tempDir, tempRepo } from "../helpers/git.ts";

const ITERATIONS = Number(process.env["EKA_RACE_ITERATIONS"] ?? 15);

test(`two publishers race for one version (${ITERATIONS} rounds): exactly one wins, the remote stays coherent`, async (t) => {
  const base = await tempDir(t, "eka-race-");
  git(base, "init", "--quiet", "--bare", "--initial-branch=main", "remote.git");
  const remote = join(base, "remote.git");
  const url = `file://${remote}`;

  // One set, two clones sharing its init commit.
  const origin = await tempRepo(t, { initialCommit: true });
  await ekaInit(origin, url);
  writeFiles(origin, {
    "ekala.toml": ekalaToml(["pkgs/widget"]),
    "pkgs/widget/atom.toml": atomToml("widget", "0.0.0"),
  });
  commitAll(origin, "widget");
  git(origin, "push", "--quiet", url, "main");
  const clones = await Promise.all(
    ["alice", "bob"].map(async (name) => {
      const dir = await tempDir(t, `eka-${name}-`);
      git(dir, "clone", "--quiet", url, "repo");
      const repo = join(dir, "repo");
      git(repo, "config", "user.name", name);
      git(repo, "config", "user.email", `${name}@example.com`);
      await ekaInit(repo, "origin"); // adopts the remote's identity: it is in the history
      return { name, repo };
    }),
  );

  const wins = { alice: 0, bob: 0 };
  const lost: Record<string, number> = {};
  for (let round = 1; round <= ITERATIONS; round++) {
    const version = `1.0.${round}`;
    const sources = clones.map(({ name, repo }) => {
      writeFiles(repo, {
        "pkgs/widget/atom.toml": atomToml("widget", version),
        "pkgs/widget/who": `${name} wrote round ${round}\n`,
      });
      return commitAll(repo, `${name}: widget ${version}`);
    });
    const runs = await Promise.all(clones.map(({ repo }) => runEkaJson(repo, ["publish"])));
    const winners = runs.flatMap((run, i) => (run.code === 0 ? [i] : []));
    assert.equal(winners.length, 1, `round ${round}: ${JSON.stringify(runs.map((r) => r.json))}`);
    const w = winners[0]!;
    const l = 1 - w;
    const loser = runs[l]!;
    assert.equal(loser.code, 4, JSON.stringify(loser.json));
    // The loser either lost the push (its leases failed) or planned after the winner had pushed.
    assert.ok(
      ["EKA_PUBLISH_CONFLICT", "EKA_VERSION_IMMUTABLE"].includes(loser.json.error.code),
      JSON.stringify(loser.json.error),
    );
    if (loser.json.error.code === "EKA_PUBLISH_CONFLICT") {
      assert.match(
        loser.json.error.message,
        new RegExp(
          `widget@${version.replaceAll(".", "\\.")} was published concurrently by someone else`,
        ),
      );
    }
    wins[clones[w]!.name as "alice" | "bob"]++;
    lost[loser.json.error.code] = (lost[loser.json.error.code] ?? 0) + 1;

    const spec = { label: "widget", version, path: "pkgs/widget" };
    const winnerCommit = runs[w]!.json.data.atoms[0].commit;
    assert.equal(assertPublished(remote, clones[w]!.repo, sources[w]!, spec), winnerCommit);
    const ofVersion = [...refMap(remote).keys()].filter((r) => r.includes(`/widget/${version}`));
    assert.equal(ofVersion.length, 4, `round ${round}: ${ofVersion.join(", ")}`);
    assert.equal(refMap(clones[w]!.repo).get(`refs/ekala/atoms/widget/${version}`), winnerCommit);
    assert.equal(
      refMap(clones[l]!.repo).has(`refs/ekala/atoms/widget/${version}`),
      false,
      "the loser wrote nothing locally",
    );
  }
  t.diagnostic(`wins: alice ${wins.alice}, bob ${wins.bob}; the loser got ${JSON.stringify(lost)}`);
  fsckStrict(remote);
  for (const { repo } of clones) fsckStrict(repo);
});
