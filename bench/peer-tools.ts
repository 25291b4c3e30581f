/**
 * The package managers bench/cases/resolve-peers.ts compares with `eka resolve`, each set up to do
 * the same job on the repositories of bench/peer-repos.ts: resolve K git dependencies to their
 * highest 1.x release and write a lock, from empty caches (a fresh HOME and tool caches per run),
 * talking only to the repositories (file:// or a loopback http-backend).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { depName, GO_HOST, goModule, HIGHEST } from "./peer-repos.ts";

export type Transport = "file" | "http";

/** One resolution to run: K dependencies, d0 … d<K-1>, reached over one transport. */
export interface PeerJob {
  readonly k: number;
  readonly transport: Transport;
  /** The URL of repository `d<i>` over this transport (no trailing slash). */
  repoUrl(i: number): string;
  /** The directory every repository is under, as a URL prefix over this transport (ends in /). */
  readonly base: string;
  /** The commit tag `v${HIGHEST}` names in repository `d<i>`. */
  highestCommit(i: number): string;
}

/** A command to time, run in `cwd` with exactly `env`. */
export interface PeerCommand {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}

export interface PeerTool {
  readonly name: string;
  /** How this tool's job differs from eka's (printed with the results). */
  readonly note: string;
  /** The program's version, or why it cannot run here (`missing`). */
  probe(): { version: string } | { missing: string };
  /** Writes a fresh project and empty homes under `work` (an empty directory); the command to time. */
  prepare(work: string, job: PeerJob): PeerCommand;
  /** After a run: null when the lock holds the highest version of every dependency, else what is wrong. */
  check(work: string, job: PeerJob): string | null;
}

const ROOT = new URL("..", import.meta.url).pathname;
const NODE_DIR = dirname(process.execPath);
/** Where programs are looked up: this Node first (npm runs on it), then the system. */
const PATH = [NODE_DIR, "/usr/local/bin", "/usr/bin", "/bin"].join(":");

const range = (k: number) => Array.from({ length: k }, (_, i) => i);

/** A clean environment: nothing from the user's (no proxies, no config); git without system config. */
function baseEnv(work: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const home = join(work, "home");
  const tmp = join(work, "tmp");
  mkdirSync(home, { recursive: true });
  mkdirSync(tmp, { recursive: true });
  return {
    PATH,
    HOME: home,
    LANG: "C.UTF-8",
    TMPDIR: tmp,
    XDG_CACHE_HOME: join(work, "cache"),
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_TERMINAL_PROMPT: "0",
    ...extra,
  };
}

function versionOf(command: string, args: readonly string[], env = process.env) {
  const result = spawnSync(command, args, { encoding: "utf8", env });
  if (result.error !== undefined) return { missing: `${command}: ${result.error.message}` };
  if (result.status !== 0)
    return { missing: `${command} ${args.join(" ")} failed: ${result.stderr.trim()}` };
  return { version: result.stdout.trim().split("\n")[0]! };
}

function read(file: string): string | null {
  return existsSync(file) ? readFileSync(file, "utf8") : null;
}

/** null when `text` holds every `expected(i)`, else which dependencies it lacks. */
function holdsAll(
  file: string,
  k: number,
  expected: (i: number) => string,
  what: string,
): string | null {
  const text = read(file);
  if (text === null) return `no ${file}`;
  const lacking = range(k).filter((i) => !text.includes(expected(i)));
  return lacking.length === 0
    ? null
    : `${file} lacks ${what} for ${lacking.map(depName).slice(0, 5).join(", ")}${lacking.length > 5 ? ", …" : ""}`;
}

export const eka: PeerTool = {
  name: "eka",
  note: "`eka resolve`: atom.toml requires `^1.0.0` of each atom; ref listings only (no objects fetched)",
  probe: () => versionOf(join(ROOT, "bin/eka"), ["--version"]),
  prepare(work, job) {
    const app = join(work, "app");
    mkdirSync(app, { recursive: true });
    const lines = ['[package]\nlabel = "app"\nversion = "0.1.0"\n\n[package.sets]'];
    for (const i of range(job.k)) lines.push(`s${i} = "${job.repoUrl(i)}"`);
    for (const i of range(job.k)) lines.push(`\n[deps.from.s${i}]\n${depName(i)} = "^1.0.0"`);
    writeFileSync(join(app, "atom.toml"), `${lines.join("\n")}\n`);
    return {
      command: join(ROOT, "bin/eka"),
      args: ["resolve"],
      cwd: app,
      env: baseEnv(work),
    };
  },
  check(work, job) {
    const text = read(join(work, "app/atom.lock"));
    if (text === null) return "no atom.lock";
    const picked = text.split(`version = "${HIGHEST}"`).length - 1;
    return picked === job.k ? null : `atom.lock has ${picked} of ${job.k} deps at ${HIGHEST}`;
  },
};

export const npm: PeerTool = {
  name: "npm",
  note: '`npm install --package-lock-only`: deps "git+<url>#semver:^1.0.0" (lists tags, clones the match)',
  probe: () => versionOf("npm", ["--version"], { ...process.env, PATH }),
  prepare(work, job) {
    const app = join(work, "app");
    mkdirSync(app, { recursive: true });
    const dependencies = Object.fromEntries(
      range(job.k).map((i) => [depName(i), `git+${job.repoUrl(i)}#semver:^1.0.0`]),
    );
    const manifest = { name: "app", version: "0.0.0", private: true, dependencies };
    writeFileSync(join(app, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
    return {
      command: "npm",
      args: [
        "install",
        "--package-lock-only",
        "--ignore-scripts",
        "--no-audit",
        "--no-fund",
        "--no-update-notifier",
        "--cache",
        join(work, "npm-cache"),
        // No registry is needed: make sure none is reached.
        "--registry",
        "http://127.0.0.1:9/",
      ],
      cwd: app,
      env: baseEnv(work),
    };
  },
  check: (work, job) =>
    holdsAll(
      join(work, "app/package-lock.json"),
      job.k,
      (i) => `#${job.highestCommit(i)}"`,
      `the v${HIGHEST} commit`,
    ),
};

/** The real cargo binary when cargo is a rustup proxy (rustup's own lookup costs a process). */
function cargoBinary(): string {
  const rustupHome = process.env["RUSTUP_HOME"] ?? join(process.env["HOME"] ?? "/root", ".rustup");
  for (const rustup of ["rustup", join(process.env["HOME"] ?? "/root", ".cargo/bin/rustup")]) {
    const result = spawnSync(rustup, ["which", "cargo"], {
      encoding: "utf8",
      env: { ...process.env, RUSTUP_HOME: rustupHome },
    });
    if (result.status === 0) return result.stdout.trim();
  }
  const onPath = spawnSync("sh", ["-c", "command -v cargo"], { encoding: "utf8" });
  if (onPath.status === 0) return onPath.stdout.trim();
  return join(process.env["HOME"] ?? "/root", ".cargo/bin/cargo");
}

let cargoPath: string | undefined;
const cargoCommand = () => {
  cargoPath ??= cargoBinary();
  return cargoPath;
};

export const cargo: PeerTool = {
  name: "cargo",
  note: '`cargo generate-lockfile`: deps { git = "<url>", tag = "v1.999.0" } (cargo has no semver range over git tags: the tag is named)',
  probe: () => versionOf(cargoCommand(), ["--version"]),
  prepare(work, job) {
    const app = join(work, "app");
    mkdirSync(join(app, "src"), { recursive: true });
    writeFileSync(join(app, "src/lib.rs"), "");
    const deps = range(job.k).map(
      (i) => `${depName(i)} = { git = "${job.repoUrl(i)}", tag = "v${HIGHEST}" }`,
    );
    writeFileSync(
      join(app, "Cargo.toml"),
      `[package]\nname = "app"\nversion = "0.0.0"\nedition = "2021"\n\n[dependencies]\n${deps.join("\n")}\n`,
    );
    return {
      command: cargoCommand(),
      args: ["generate-lockfile"],
      cwd: app,
      env: baseEnv(work, { CARGO_HOME: join(work, "cargo-home") }),
    };
  },
  check: (work, job) =>
    holdsAll(
      join(work, "app/Cargo.lock"),
      job.k,
      (i) => `#${job.highestCommit(i)}"`,
      `the v${HIGHEST} commit`,
    ),
};

export const go: PeerTool = {
  name: "go",
  note: `\`go get ${GO_HOST}/dN.git@v1\` for each dep (highest v1.x tag), GOPROXY=direct, GOSUMDB=off; ${GO_HOST}/ mapped to the repositories by git's url.insteadOf`,
  probe: () => versionOf("go", ["version"], { ...process.env, PATH }),
  prepare(work, job) {
    const app = join(work, "app");
    mkdirSync(app, { recursive: true });
    writeFileSync(join(app, "go.mod"), `module ${GO_HOST}/app\n\ngo 1.19\n`);
    const env = baseEnv(work, {
      GOPATH: join(work, "gopath"),
      GOMODCACHE: join(work, "gopath/pkg/mod"),
      GOCACHE: join(work, "gocache"),
      GOPROXY: "direct",
      GOSUMDB: "off",
      GOFLAGS: "-mod=mod",
      GOPRIVATE: "*",
      GOTOOLCHAIN: "local",
      GOENV: "off",
    });
    // Go asks git for https://example.test/dN (the path before `.git`); git rewrites it.
    writeFileSync(
      join(env["HOME"]!, ".gitconfig"),
      `[url "${job.base}"]\n\tinsteadOf = https://${GO_HOST}/\n[protocol "file"]\n\tallow = always\n`,
    );
    return {
      command: "go",
      args: ["get", ...range(job.k).map((i) => `${goModule(i)}@v1`)],
      cwd: app,
      env,
    };
  },
  check: (work, job) =>
    holdsAll(join(work, "app/go.mod"), job.k, (i) => `${goModule(i)} v${HIGHEST}`, `v${HIGHEST}`),
};

export const nix: PeerTool = {
  name: "nix",
  note: "`nix flake lock`: inputs git+<url>?ref=refs/tags/v1.999.0 (flakes have no semver range: the tag is named); a fresh store per run (--store <dir>)",
  probe: () => versionOf("nix", ["--version"], { ...process.env, PATH }),
  prepare(work, job) {
    const app = join(work, "app");
    mkdirSync(app, { recursive: true });
    const inputs = range(job.k).map(
      (i) => `  inputs.${depName(i)}.url = "git+${job.repoUrl(i)}?ref=refs/tags/v${HIGHEST}";`,
    );
    writeFileSync(join(app, "flake.nix"), `{\n${inputs.join("\n")}\n  outputs = _: { };\n}\n`);
    return {
      command: "nix",
      args: [
        "--extra-experimental-features",
        "nix-command flakes",
        "--store",
        join(work, "nix-store"),
        "--option",
        "flake-registry",
        "",
        "flake",
        "lock",
      ],
      cwd: app,
      env: baseEnv(work),
    };
  },
  check: (work, job) =>
    holdsAll(
      join(work, "app/flake.lock"),
      job.k,
      (i) => `"rev": "${job.highestCommit(i)}"`,
      `the v${HIGHEST} commit`,
    ),
};

/** Every tool, eka first (the others are compared with it). */
export const PEER_TOOLS: readonly PeerTool[] = [eka, npm, cargo, go, nix];
