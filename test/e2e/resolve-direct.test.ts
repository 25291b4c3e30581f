/**
 * Direct downloaded dependencies (protocol.md §8): `{ url = … }` and `{ tar = … }` lock the hash
 * Nix computes (nix-prefetch-url, the oracle), through eka's own hashing; a locked entry stays
 * while its URL is unchanged.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { runEka } from "../helpers/eka.ts";
import { tempDir } from "../helpers/git.ts";
import { consumer, publishedSet, read, stamps, write } from "./resolve-fixtures.ts";

function nixSri(url: string, unpack: boolean): string {
  const base32 = execFileSync("nix-prefetch-url", [...(unpack ? ["--unpack"] : []), url], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  }).trim();
  const hex = execFileSync("nix-hash", ["--type", "sha256", "--to-base16", base32], {
    encoding: "utf8",
  }).trim();
  return `sha256-${Buffer.from(hex, "hex").toString("base64")}`;
}

test("url and tar pins lock the hashes nix-prefetch-url computes", async (t) => {
  const dir = await tempDir(t);
  writeFileSync(join(dir, "data.txt"), "some data\n");
  mkdirSync(join(dir, "src/pkg/bin"), { recursive: true });
  writeFileSync(join(dir, "src/pkg/readme"), "hello\n");
  writeFileSync(join(dir, "src/pkg/bin/run"), "#!/bin/sh\necho hi\n", { mode: 0o755 });
  execFileSync("tar", ["-czf", join(dir, "pkg.tar.gz"), "-C", join(dir, "src"), "pkg"]);
  const fileUrl = `file://${dir}/data.txt`;
  const tarUrl = `file://${dir}/pkg.tar.gz`;
  const app = await consumer(
    t,
    `\n[deps.direct.nix]\ndata = { url = "${fileUrl}" }\npkg = { tar = "${tarUrl}" }\n`,
  );
  const env = { XDG_CACHE_HOME: await tempDir(t, "eka-cache-") };
  const run = await runEka(app, ["resolve"], env);
  assert.equal(run.code, 0, run.stderr);
  const lock = read(app, "atom.lock");
  assert.match(
    lock,
    new RegExp(
      `type = "nix\\+url"\\nname = "data"\\nurl = "${fileUrl}"\\nhash = "${nixSri(fileUrl, false).replace(/[+/]/g, "\\$&")}"`,
    ),
  );
  assert.match(
    lock,
    new RegExp(
      `type = "nix\\+tar"\\nname = "pkg"\\nurl = "${tarUrl}"\\nhash = "${nixSri(tarUrl, true).replace(/[+/]/g, "\\$&")}"`,
    ),
  );

  // Lazy: the file changes, the lock does not (until `eka update data`).
  writeFileSync(join(dir, "data.txt"), "other data\n");
  const before = stamps(app, ["atom.toml", "atom.lock"]);
  assert.equal((await runEka(app, ["resolve"], env)).code, 0);
  assert.deepEqual(stamps(app, ["atom.toml", "atom.lock"]), before);
  const update = await runEka(app, ["update", "data"], env);
  assert.equal(update.code, 0, update.stderr);
  assert.match(read(app, "atom.lock"), new RegExp(nixSri(fileUrl, false).replace(/[+/]/g, "\\$&")));
});

test("{version} in a download URL takes the resolved atom's version, and follows it", async (t) => {
  const core = await publishedSet(t, { auth: ["1.0.0", "1.1.0"] });
  const dir = await tempDir(t);
  for (const v of ["1.0.0", "1.1.0"]) writeFileSync(join(dir, `auth-${v}.txt`), `docs ${v}\n`);
  const template = `file://${dir}/auth-{version}.txt`;
  const app = await consumer(
    t,
    `\n[package.sets]\ncore = "${core.url}"\n\n[deps.from.core]\nauth = "^1"\n\n[deps.direct.nix]\ndocs = { url = "${template}", version = "from.core.auth" }\n`,
  );
  const env = { XDG_CACHE_HOME: await tempDir(t, "eka-cache-") };
  const run = await runEka(app, ["resolve"], env);
  assert.equal(run.code, 0, run.stderr);
  const url = (v: string) => `file://${dir}/auth-${v}.txt`;
  const hash = (v: string) => nixSri(url(v), false).replace(/[+/]/g, "\\$&");
  assert.match(
    read(app, "atom.lock"),
    new RegExp(`url = "${url("1.1.0")}"\\nhash = "${hash("1.1.0")}"`),
  );
  assert.equal((await runEka(app, ["resolve", "--locked"], env)).code, 0);
  write(app, "atom.toml", read(app, "atom.toml").replace('auth = "^1"', 'auth = "=1.0.0"'));
  const moved = await runEka(app, ["resolve"], env);
  assert.equal(moved.code, 0, moved.stderr);
  assert.match(
    read(app, "atom.lock"),
    new RegExp(`url = "${url("1.0.0")}"\\nhash = "${hash("1.0.0")}"`),
  );
});
