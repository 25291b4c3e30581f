import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { test } from "node:test";
import { GitPipe, MORE, type Parser } from "./git-pipe.ts";

const line: Parser<string> = (bytes) => {
  const nl = bytes.indexOf(0x0a);
  if (nl === -1) return MORE;
  const text = bytes.take(nl).toString();
  bytes.skip(1);
  return text;
};

/** A pipe over `sh -c script`, counting the processes it starts. */
function shellPipe(script: string) {
  const stats = { spawned: 0 };
  const pipe = new GitPipe(["sh-test"], () => {
    stats.spawned++;
    return spawn("sh", ["-c", script], { stdio: ["pipe", "pipe", "pipe"] });
  });
  return { pipe, stats };
}

test("answers pipelined requests in order through one process", async () => {
  const { pipe, stats } = shellPipe('while read -r x; do echo "got $x"; done');
  const answers = await Promise.all(
    Array.from({ length: 100 }, (_, i) => pipe.request(`${i}\n`, line)),
  );
  assert.deepEqual(
    answers,
    Array.from({ length: 100 }, (_, i) => `got ${i}`),
  );
  assert.equal(stats.spawned, 1);
  await pipe.close();
  await pipe.close();
  await assert.rejects(pipe.request("x\n", line), { code: "EKA_INTERNAL" });
});

test("when the process dies, the request it was answering fails and the rest are sent again", async () => {
  // Answers one request, then exits with a message: like git dying on a bad object.
  const { pipe, stats } = shellPipe('read -r x; echo "got $x"; echo "fatal: broken" >&2; exit 3');
  const results = await Promise.allSettled([
    pipe.request("a\n", line),
    pipe.request("b\n", line),
    pipe.request("c\n", line),
  ]);
  assert.deepEqual(results[0], { status: "fulfilled", value: "got a" });
  assert.equal(results[1]!.status, "rejected");
  const error = (results[1] as PromiseRejectedResult).reason as Error & { code: string };
  assert.equal(error.code, "EKA_GIT_FAILED");
  assert.match(error.message, /fatal: broken/);
  assert.deepEqual(results[2], { status: "fulfilled", value: "got c" });
  assert.equal(stats.spawned, 2);
  await pipe.close();
});

test("a parser that throws ends the process; later requests still get answers", async () => {
  const { pipe, stats } = shellPipe('while read -r x; do echo "got $x"; done');
  const strict: Parser<string> = (bytes) => {
    const text = line(bytes);
    if (text === "got bad") throw new Error("unexpected answer");
    return text;
  };
  const results = await Promise.allSettled([
    pipe.request("bad\n", strict),
    pipe.request("good\n", strict),
  ]);
  assert.equal(results[0]!.status, "rejected");
  assert.deepEqual(results[1], { status: "fulfilled", value: "got good" });
  assert.equal(stats.spawned, 2);
  await pipe.close();
});

test("output nobody asked for ends the process instead of shifting later answers", async () => {
  const { pipe, stats } = shellPipe(
    'read -r x; echo "got $x"; sleep 0.05; echo extra; cat >/dev/null',
  );
  assert.equal(await pipe.request("a\n", line), "got a");
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(await pipe.request("b\n", line), "got b");
  assert.equal(stats.spawned, 2);
  await pipe.close();
});

test("a command that cannot start fails every pending request", async () => {
  const pipe = new GitPipe(["missing"], () =>
    spawn("/nonexistent/eka-no-such-git", [], { stdio: ["pipe", "pipe", "pipe"] }),
  );
  await assert.rejects(pipe.request("x\n", line), { code: "EKA_GIT_FAILED" });
  await pipe.close();
});
