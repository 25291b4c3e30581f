import assert from "node:assert/strict";
import {
  chmodSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { atomId, formatLock, type Label, type Lock, type SetId } from "../core/index.ts";
import { recordIfUpToDate } from "./lock-status.ts";
import { readProjectTexts } from "./project-texts.ts";
import { stampDir, stampedDeps, writeStamp } from "./up-to-date-stamp.ts";

const SET = "a".repeat(40) as SetId;
const MANIFEST =
  '[package]\nlabel = "app"\nversion = "0.1.0"\n\n[package.sets]\na = "https://a.example/atoms"\n\n[deps.from.a]\nx = "^1.0"\n';
const LOCK = formatLock({
  version: 1,
  sets: [{ id: SET, name: "a", mirrors: ["https://a.example/atoms"] }],
  deps: [
    {
      type: "atom",
      label: "x",
      version: "1.2.0",
      set: SET,
      rev: "c".repeat(40),
      id: atomId(SET, "x" as Label),
      content: "0".repeat(52),
    },
  ],
} as unknown as Lock);

function root(t: { after: (f: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), "eka-stamp-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test("a stamp answers for exactly the bytes and the directory it was written for", (t) => {
  const r = root(t);
  assert.equal(stampedDeps(r, "/p/app", MANIFEST, LOCK), null);
  writeStamp(r, "/p/app", MANIFEST, LOCK, 1);
  assert.equal(stampedDeps(r, "/p/app", MANIFEST, LOCK), 1);
  assert.equal(stampedDeps(r, "/p/app", `${MANIFEST} `, LOCK), null);
  assert.equal(stampedDeps(r, "/p/app", MANIFEST, LOCK.replace("1.2.0", "1.2.1")), null);
  assert.equal(stampedDeps(r, "/p/app2", MANIFEST, LOCK), null);
  assert.equal(stampedDeps(r, "/p/app", LOCK, MANIFEST), null);
  // A stamp of another format, version or install, or a broken one, answers nothing.
  const [file] = readdirSync(r);
  const path = join(r, file!);
  const stamp = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  for (const [key, value] of Object.entries({
    format: "eka-up-to-date 0",
    version: "0.0.1",
    install: "file:///elsewhere/up-to-date-stamp.ts",
    deps: "1",
  })) {
    writeFileSync(path, JSON.stringify({ ...stamp, [key]: value }));
    assert.equal(stampedDeps(r, "/p/app", MANIFEST, LOCK), null, key);
  }
  writeFileSync(path, "{");
  assert.equal(stampedDeps(r, "/p/app", MANIFEST, LOCK), null);
  // One that others may write answers nothing either.
  writeFileSync(path, JSON.stringify(stamp));
  chmodSync(path, 0o622);
  assert.equal(stampedDeps(r, "/p/app", MANIFEST, LOCK), null);
  chmodSync(path, 0o600);
  writeFileSync(path, JSON.stringify(stamp));
  assert.equal(stampedDeps(r, "/p/app", MANIFEST, LOCK), 1);
});

test("only a pair the full check accepts is recorded", (t) => {
  const r = root(t);
  const record = (dir: string, m: string, l: string) =>
    recordIfUpToDate(r, readProjectTexts(dir, m, l));
  record("/p/app", MANIFEST, LOCK);
  assert.equal(stampedDeps(r, "/p/app", MANIFEST, LOCK), 1);
  const refused: [string, string][] = [
    [MANIFEST.replace('"^1.0"', '"^2.0"'), LOCK], // the locked version no longer satisfies
    [`${MANIFEST}y = "1"\n`, LOCK], // a dependency to resolve
    [MANIFEST.replace('x = "^1.0"\n', ""), LOCK], // an entry to prune
    [MANIFEST.replace("a.example", "b.example"), LOCK], // the set's mirrors changed
    [MANIFEST, `${LOCK}\n`], // not canonical
  ];
  for (const [i, [m, l]] of refused.entries()) {
    const other = `/p/refused-${i}`;
    record(other, m, l);
    assert.equal(stampedDeps(r, other, m, l), null, `case ${i}`);
  }
  recordIfUpToDate(undefined, readProjectTexts("/p/none", MANIFEST, LOCK));
  recordIfUpToDate(r, readProjectTexts("/p/nolock", MANIFEST, null));
  assert.equal(stampedDeps(r, "/p/nolock", MANIFEST, ""), null);
  assert.deepEqual(readdirSync(r).length, 1);
});

test("stamps live in XDG_CACHE_HOME, else HOME/.cache, as bin/eka's compile cache", () => {
  assert.equal(stampDir({ XDG_CACHE_HOME: "/x", HOME: "/h" }), "/x/eka/up-to-date");
  assert.equal(stampDir({ XDG_CACHE_HOME: "", HOME: "/h" }), "/h/.cache/eka/up-to-date");
  assert.equal(stampDir({}), "/tmp/.cache/eka/up-to-date");
  const launcher = readFileSync(new URL("../../bin/eka", import.meta.url), "utf8");
  assert.match(launcher, /\$\{XDG_CACHE_HOME:-\$\{HOME:-\/tmp\}\/\.cache\}\/eka\//);
});

test("a stamp is never written through a planted link, nor into a directory others may write", (t) => {
  const r = root(t);
  writeStamp(r, "/p/app", MANIFEST, LOCK, 1);
  const [name] = readdirSync(r);
  rmSync(join(r, name!));
  const victim = join(root(t), "victim");
  writeFileSync(victim, "precious");
  symlinkSync(victim, join(r, `${name!}.${process.pid}.tmp`));
  writeStamp(r, "/p/app", MANIFEST, LOCK, 1);
  assert.equal(readFileSync(victim, "utf8"), "precious");
  assert.equal(stampedDeps(r, "/p/app", MANIFEST, LOCK), null);

  const shared = root(t);
  chmodSync(shared, 0o777);
  writeStamp(shared, "/p/app", MANIFEST, LOCK, 1);
  assert.deepEqual(readdirSync(shared), []);
});
