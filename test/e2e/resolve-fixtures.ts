/**
 * Fixtures for dependency tests: sets published with the real `eka publish` to bare remotes
 * (file:// URLs), and consumer atoms in their own repositories.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import { atomToml, commitAll, ekaInit, ekalaToml, writeFiles } from "../helpers/atoms.ts";
import { runEka } from "../helpers/eka.ts";
import { type CleanupContext, git, gitTestEnv, tempRepo } from "../helpers/git.ts";

export interface PublishedSet {
  /** The source repository. */
  readonly repo: string;
  /** The bare remote it publishes to. */
  readonly remote: string;
  /** `file://` URL of the remote. */
  readonly url: string;
  /** The set id. */
  readonly id: string;
}

/**
 * A set with one atom per label at `pkgs/<label>`, each version in `versions[label]` published
 * in order (one commit and one `eka publish` per round).
 */
export async function publishedSet(
  t: CleanupContext,
  versions: Readonly<Record<string, readonly string[]>>,
): Promise<PublishedSet> {
  const repo = await tempRepo(t);
  const remote = await tempRepo(t, { bare: true });
  const labels = Object.keys(versions);
  writeFiles(repo, { "ekala.toml": ekalaToml(labels.map((l) => `pkgs/${l}`)) });
  commitAll(repo, "set");
  const id = await ekaInit(repo, remote);
  const rounds = Math.max(...labels.map((l) => versions[l]!.length));
  for (let i = 0; i < rounds; i++) {
    const paths: string[] = [];
    for (const label of labels) {
      const version = versions[label]![i];
      if (version === undefined) continue;
      writeFiles(repo, {
        [`pkgs/${label}/atom.toml`]: atomToml(label, version),
        [`pkgs/${label}/src.txt`]: `${label} ${version}\n`,
      });
      paths.push(`pkgs/${label}`);
    }
    commitAll(repo, `round ${i}`);
    await publish(repo, remote, paths);
  }
  return { repo, remote, url: `file://${remote}`, id };
}

export async function publish(repo: string, remote: string, paths: readonly string[] = []) {
  const run = await runEka(repo, ["publish", "--remote", remote, ...paths]);
  assert.equal(run.code, 0, run.stderr);
}

/** Publishes `label@version` (a new commit) from the set's source repository. */
export async function publishVersion(set: PublishedSet, label: string, version: string) {
  writeFiles(set.repo, {
    [`pkgs/${label}/atom.toml`]: atomToml(label, version),
    [`pkgs/${label}/src.txt`]: `${label} ${version}\n`,
  });
  commitAll(set.repo, `${label} ${version}`);
  await publish(set.repo, set.remote, [`pkgs/${label}`]);
}

/** The atom commit a remote holds for label@version. */
export function atomCommit(remote: string, label: string, version: string): string {
  return git(remote, "rev-parse", `refs/ekala/atoms/${label}/${version}`).trim();
}

/** A consumer atom `app` alone in a new repository; returns its directory. */
export async function consumer(t: CleanupContext, body = ""): Promise<string> {
  const repo = await tempRepo(t);
  writeFiles(repo, { "atom.toml": atomToml("app", "0.1.0", body) });
  return repo;
}

export function read(dir: string, file: string): string {
  return readFileSync(join(dir, file), "utf8");
}

export function write(dir: string, file: string, text: string): void {
  writeFileSync(join(dir, file), text);
}

/** mtime, ctime and inode of each file: what a command that touches nothing leaves alone. */
export function stamps(dir: string, files: readonly string[]): string[] {
  return files.map((f) => {
    const s = statSync(join(dir, f), { bigint: true });
    return `${f} ino=${s.ino} mtime=${s.mtimeNs} ctime=${s.ctimeNs}`;
  });
}

/**
 * A loopback smart-HTTP server: each request runs `git http-backend` (CGI) over the
 * repositories under `root`, protocol v2 included (the Git-Protocol header is passed on).
 * Returns the base URL (`http://127.0.0.1:<port>/`); stopped when the test ends.
 */
export async function gitHttpServer(t: CleanupContext, root: string): Promise<string> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const child = spawn("git", ["http-backend"], {
      env: {
        ...gitTestEnv,
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: "1",
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.slice(1),
        REQUEST_METHOD: req.method ?? "GET",
        CONTENT_TYPE: req.headers["content-type"] ?? "",
        REMOTE_ADDR: "127.0.0.1",
        ...(typeof req.headers["git-protocol"] === "string"
          ? { GIT_PROTOCOL: req.headers["git-protocol"] }
          : {}),
      },
      stdio: ["pipe", "pipe", "ignore"],
    });
    req.pipe(child.stdin);
    const chunks: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.on("close", () => {
      const out = Buffer.concat(chunks);
      const end = out.indexOf("\r\n\r\n");
      const head = out.subarray(0, Math.max(end, 0)).toString("latin1").split("\r\n");
      let status = 200;
      for (const line of head) {
        const colon = line.indexOf(":");
        if (colon < 0) continue;
        const name = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (name.toLowerCase() === "status") status = Number.parseInt(value, 10);
        else res.setHeader(name, value);
      }
      res.writeHead(status);
      res.end(end < 0 ? out : out.subarray(end + 4));
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  t.after(() => new Promise<void>((done) => server.close(() => done())));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return `http://127.0.0.1:${address.port}/`;
}
