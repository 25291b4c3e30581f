/**
 * Fixtures for comparing `eka resolve` with other package managers (bench/cases/resolve-peers.ts):
 * repositories that each publish one package 1,000 times, in a form every tool reads.
 *
 * Repository `d<i>` holds:
 * - for eka: a real set identity (`eka init`'s init commit) and one atom `d<i>` with versions
 *   1.0.0 … 1.999.0: for each, the reproducible atom commit `eka publish` would write (same
 *   bytes, hashed and written in one batch) with its atom and content refs;
 * - for the others: a history of 1,000 release commits, tagged `v1.0.0` … `v1.999.0`, each
 *   holding a package.json (npm), a Cargo.toml with src/lib.rs (cargo), a go.mod (Go modules) and
 *   a flake.nix (Nix), all made by one `git fast-import` per repository.
 *
 * Also a loopback smart-HTTP server (`git http-backend` as CGI, protocol v2 passed on) over the
 * directory holding the repositories.
 */
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Label, parseVersion } from "../src/core/index.ts";
import { publishVersions } from "./atom-versions.ts";
import { benchGitEnv } from "./random-atom.ts";

/** Versions published in each repository: 1.0.0 … 1.(VERSIONS-1).0. */
export const VERSIONS = 1000;
/** The highest version, the one every tool must pick. */
export const HIGHEST = `1.${VERSIONS - 1}.0`;
/** The host Go module paths use (Go needs a dotted first path element). */
export const GO_HOST = "example.test";

/** Runs git to its end (asynchronously, so several repositories are built at once). */
function git(dir: string, args: readonly string[], input = ""): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", args, { cwd: dir, env: benchGitEnv });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve(Buffer.concat(out).toString("utf8"));
      else reject(new Error(`git ${args.join(" ")} failed: ${Buffer.concat(err)}`));
    });
    child.stdin.on("error", () => {}); // a git that reads no input may exit first
    if (input === "") child.stdin.end();
    else child.stdin.end(input);
  });
}

/** The name of repository `i`, also its package, crate, atom label and Go module's last element. */
export const depName = (i: number) => `d${i}`;

/** Go module path of repository `i` (a `.git` path: Go resolves it with git, no meta tags). */
export const goModule = (i: number) => `${GO_HOST}/${depName(i)}.git`;

/** A `git fast-import` stream: 1,000 release commits on refs/heads/releases, each tagged. */
function releaseStream(i: number): string {
  const name = depName(i);
  const out: string[] = [];
  const data = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  const blob = (mark: number, text: string) => out.push(`blob\nmark :${mark}\n${data(text)}`);
  // Files every release shares: marks 1-3.
  blob(1, `module ${goModule(i)}\n\ngo 1.19\n`);
  blob(2, `{\n  description = "${name}";\n  outputs = _: { };\n}\n`);
  blob(3, `pub fn id() -> u32 {\n    ${i}\n}\n`);
  for (let n = 0; n < VERSIONS; n++) {
    const version = `1.${n}.0`;
    const base = 10 + n * 3;
    blob(base, `${JSON.stringify({ name, version, license: "MIT" }, null, 2)}\n`);
    blob(
      base + 1,
      `[package]\nname = "${name}"\nversion = "${version}"\nedition = "2021"\n\n[lib]\npath = "src/lib.rs"\n`,
    );
    out.push(
      `commit refs/heads/releases\nmark :${base + 2}\n` +
        `committer Bench <bench@example.com> ${1_700_000_000 + n * 60} +0000\n` +
        data(`release ${version}`) +
        (n === 0 ? "" : `from :${base - 1}\n`) +
        "deleteall\n" +
        `M 100644 :${base + 1} Cargo.toml\n` +
        `M 100644 :2 flake.nix\n` +
        `M 100644 :1 go.mod\n` +
        `M 100644 :${base} package.json\n` +
        `M 100644 :3 src/lib.rs\n\n`,
    );
    out.push(`reset refs/tags/v${version}\nfrom :${base + 2}\n\n`);
  }
  out.push("done\n");
  return out.join("");
}

/** Makes repositories `d0` … `d<count-1>` under `root`, `jobs` at a time; returns their directories. */
export async function makePeerRepos(root: string, count: number, jobs = 2): Promise<string[]> {
  const dirs: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      dirs[i] = await makePeerRepo(root, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, count) }, worker));
  return dirs;
}

/** Makes repository `d<i>` under `root`; returns its directory. */
export async function makePeerRepo(root: string, i: number): Promise<string> {
  const name = depName(i);
  const dir = join(root, name);
  mkdirSync(join(dir, "pkgs", name), { recursive: true });
  await git(dir, ["init", "--quiet", "--initial-branch=main"]);
  writeFileSync(join(dir, "ekala.toml"), `[set]\npackages = ["pkgs/${name}"]\n`);
  writeFileSync(
    join(dir, "pkgs", name, "atom.toml"),
    `[package]\nlabel = "${name}"\nversion = "0.0.0"\n`,
  );
  writeFileSync(join(dir, "pkgs", name, `${name}.nix`), `{ }: ${i}\n`);
  await git(dir, ["add", "--all"]);
  await git(dir, ["commit", "--quiet", "-m", name]);
  const versions = Array.from({ length: VERSIONS }, (_, n) => parseVersion(`1.${n}.0`));
  await publishVersions(dir, `pkgs/${name}`, name as Label, versions);
  await git(dir, ["fast-import", "--quiet", "--done"], releaseStream(i));
  // As a served repository usually is: refs packed, objects in one pack.
  await git(dir, ["pack-refs", "--all"]);
  await git(dir, ["repack", "-a", "-d", "-q"]);
  return dir;
}
