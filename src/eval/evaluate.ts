/**
 * `eka eval` and `eka build` as library calls: read the atom (its `atom.toml` and `atom.lock`),
 * build the configuration, make every locked atom of the graph present in eka's cache
 * repository, and run Nix once in the sandbox (run-nix.ts). An evaluation's identity is
 * (atom id, version, config digest).
 */
import { readFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import type { ConfigObject } from "../core/config-digest.ts";
import {
  ATOM_MANIFEST_FILE,
  type AtomManifest,
  atomId,
  buildConfig,
  type Config,
  type ConfigLayer,
  EkaError,
  LOCK_FILE,
  type Lock,
  parseAtomManifest,
  parseConfigAssignment,
  parseConfigFile,
  parseLock,
  parseSetId,
  type Report,
} from "../core/index.ts";
import { type CachedGraph, cacheLockedAtoms } from "../fetch/index.ts";
import { INIT_REF, openRepository } from "../git/index.ts";
import { nameDependency } from "./dep-locations.ts";
import { type NixInvocation, runNix } from "./run-nix.ts";

export interface EvalOptions {
  /** The command's directory. */
  readonly cwd: string;
  /** The atom directory (relative to cwd; default cwd). */
  readonly path?: string;
  /** An attribute path of the atom's public top (`-A`). */
  readonly attr?: string;
  /** `--config-file` paths, in order. */
  readonly configFiles?: readonly string[];
  /** `--config key=value`, in order. */
  readonly configs?: readonly string[];
  /** eka's cache directory. */
  readonly cacheDir: string;
  readonly report: Report;
  readonly env: NodeJS.ProcessEnv;
}

/** What identifies an evaluation, as printed and as `--json` gives it. */
export interface EvalIdentity {
  readonly label: string;
  readonly version: string;
  /** Null when the repository has no identity yet (`eka init`). */
  readonly id: string | null;
  readonly path: string;
  readonly config: { readonly digest: string; readonly json: string };
  readonly attr: string | null;
}

export interface EvalResult extends EvalIdentity {
  readonly value: unknown;
  readonly atoms: number;
  readonly fetched: number;
}

export interface BuildResult extends EvalIdentity {
  readonly dryRun: boolean;
  /** The derivations (always) and, unless a dry run, their output paths. */
  readonly derivations: readonly string[];
  readonly outputs: readonly string[];
  /** Derivations Nix built now; empty when every output was already in the store. */
  readonly built: readonly string[];
  readonly cached: boolean;
}

interface Prepared {
  readonly dir: string;
  readonly identity: EvalIdentity;
  readonly invocation: NixInvocation;
  readonly graph: CachedGraph;
}

async function readText(file: string, what: string): Promise<string | null> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return null;
    throw new EkaError("EKA_IO", `cannot read ${what} ${file}: ${String(error)}`, {
      where: file,
      cause: error,
    });
  }
}

/** Every dependency the manifest declares must be in the lock (else: run `eka resolve`). */
function checkLocked(manifest: AtomManifest, lock: Lock, lockFile: string): void {
  const sets = new Map(lock.sets.map((s) => [s.id as string, s.name as string]));
  const atoms = new Set(
    lock.deps.flatMap((d) => (d.type === "atom" ? [`${sets.get(d.set)}/${d.label}`] : [])),
  );
  const pins = new Set(lock.deps.flatMap((d) => (d.type === "atom" ? [] : [d.name as string])));
  const missing = [
    ...manifest.deps
      .filter((d) => !atoms.has(`${d.set}/${d.label}`))
      .map((d) => `${d.set}::${d.label}`),
    ...manifest.nixDeps.filter((d) => !pins.has(d.name)).map((d) => `nix ${d.name}`),
  ];
  if (missing.length > 0) {
    throw new EkaError(
      "EKA_LOCK_OUT_OF_DATE",
      `${lockFile} does not lock ${missing.join(", ")}, which ${manifest.file} declares`,
      { where: lockFile, hint: "run `eka resolve` to lock the dependencies, then evaluate again" },
    );
  }
}

async function readConfig(manifest: AtomManifest, options: EvalOptions): Promise<Config> {
  const layers: ConfigLayer[] = [
    {
      from: `[nix.config] of ${manifest.file}`,
      value: manifest.nix.config as unknown as ConfigObject,
    },
  ];
  for (const file of options.configFiles ?? []) {
    const path = resolve(options.cwd, file);
    const text = await readText(path, "the configuration file");
    if (text === null) {
      throw new EkaError("EKA_CONFIG_INVALID", `the configuration file ${file} does not exist`, {
        where: path,
        hint: "--config-file takes a JSON file holding one object",
      });
    }
    layers.push(parseConfigFile(text, file));
  }
  for (const assignment of options.configs ?? []) layers.push(parseConfigAssignment(assignment));
  return buildConfig(layers);
}

/** The atom id, when the atom's repository has an identity (refs/ekala/init). */
async function idOf(dir: string, manifest: AtomManifest, env: NodeJS.ProcessEnv) {
  let backend: Awaited<ReturnType<typeof openRepository>>;
  try {
    backend = await openRepository(dir, { env });
  } catch {
    return { id: null, gitDir: undefined };
  }
  try {
    const init = await backend.resolveRef(INIT_REF);
    return {
      id: init === null ? null : atomId(parseSetId(init), manifest.label),
      gitDir: backend.gitDir,
    };
  } finally {
    await backend.close();
  }
}

/** The atom directory: `start` or the nearest directory above it with an atom.toml. */
async function findAtom(start: string): Promise<{ dir: string; text: string }> {
  for (let dir = start; ; dir = dirname(dir)) {
    const text = await readText(join(dir, ATOM_MANIFEST_FILE), "the atom manifest");
    if (text !== null) return { dir, text };
    if (dirname(dir) === dir) break;
  }
  throw new EkaError("EKA_ATOM_MISSING", `no ${ATOM_MANIFEST_FILE} in ${start} or above it`, {
    where: start,
    hint: "run eka eval in an atom's directory, or give its path: eka eval pkgs/app",
  });
}

async function prepare(options: EvalOptions): Promise<Prepared> {
  const { dir, text } = await findAtom(resolve(options.cwd, options.path ?? "."));
  const manifestFile = join(dir, ATOM_MANIFEST_FILE);
  const shown = relative(options.cwd, manifestFile) || ATOM_MANIFEST_FILE;
  const manifest = parseAtomManifest(text, shown);
  const lockShown = relative(options.cwd, join(dir, LOCK_FILE)) || LOCK_FILE;
  const lockText = await readText(join(dir, LOCK_FILE), "the lock");
  const lock: Lock =
    lockText === null ? { version: 1, sets: [], deps: [] } : parseLock(lockText, lockShown);
  checkLocked(manifest, lock, lockShown);
  const config = await readConfig(manifest, options);
  const { id, gitDir } = await idOf(dir, manifest, options.env);
  const graph = await cacheLockedAtoms(lock, {
    cacheDir: options.cacheDir,
    report: options.report,
    env: options.env,
    ...(gitDir === undefined ? {} : { localRepo: gitDir }),
  });
  const pinUrls = graph.pins.filter((p) => p.type !== "nix+build").map((p) => p.url);
  const allowedUris = [...new Set([graph.url, ...pinUrls])];
  const attr = options.attr === undefined || options.attr === "" ? null : options.attr;
  const identity: EvalIdentity = {
    label: manifest.label,
    version: manifest.version,
    id,
    path: relative(options.cwd, dir) || ".",
    config: { digest: config.digest, json: config.canonical },
    attr,
  };
  const invocation: NixInvocation = {
    atomDir: dir,
    cwd: options.cwd,
    allowedUris,
    args: {
      src: dir,
      cacheUrl: graph.url,
      cfgJson: config.canonical,
      configDigest: config.digest,
      id: id ?? "",
      label: manifest.label,
      version: manifest.version,
    },
    ...(attr === null ? {} : { attr }),
    env: options.env,
  };
  return { dir, identity, invocation, graph };
}

/** `runNix`, with an error in a dependency's file named by the dependency. */
async function nixIn(
  graph: CachedGraph,
  ...[program, extra, invocation, failure]: Parameters<typeof runNix>
): ReturnType<typeof runNix> {
  try {
    return await runNix(program, extra, invocation, failure);
  } catch (error) {
    throw await nameDependency(error, graph, invocation.env);
  }
}

/** Evaluates the atom (or `attr` of it) to a JSON value. */
export async function evaluateAtom(options: EvalOptions): Promise<EvalResult> {
  const { identity, invocation, graph } = await prepare(options);
  const out = await nixIn(
    graph,
    "nix-instantiate",
    ["--eval", "--strict", "--json"],
    invocation,
    "EKA_EVAL_FAILED",
  );
  let value: unknown;
  try {
    value = JSON.parse(out.stdout);
  } catch (error) {
    throw new EkaError(
      "EKA_INTERNAL",
      `nix-instantiate printed no JSON: ${out.stdout.slice(0, 200)}`,
      {
        cause: error,
      },
    );
  }
  return { ...identity, value, atoms: graph.atoms.length, fetched: graph.fetched };
}

const lines = (text: string) =>
  text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "");

/** Nix's "these N derivations will be built:" list (empty when nothing is built). */
export function derivationsToBuild(stderr: string): string[] {
  const out: string[] = [];
  const blocks = stderr.split(/^(?=\S)/m);
  for (const block of blocks) {
    if (!/^(these \d+ derivations|this derivation) will be built:/.test(block)) continue;
    for (const l of lines(block).slice(1)) if (l.endsWith(".drv")) out.push(l);
  }
  return out;
}

/** Builds the atom's derivations (or `attr`), or with `dryRun` only instantiates them. */
export async function buildAtom(
  options: EvalOptions & { readonly dryRun?: boolean },
): Promise<BuildResult> {
  const { identity, invocation, graph } = await prepare(options);
  const instantiated = await nixIn(graph, "nix-instantiate", [], invocation, "EKA_EVAL_FAILED");
  const derivations = lines(instantiated.stdout);
  if (options.dryRun === true) {
    return { ...identity, dryRun: true, derivations, outputs: [], built: [], cached: false };
  }
  const out = await nixIn(graph, "nix-build", ["--no-out-link"], invocation, "EKA_BUILD_FAILED");
  const built = derivationsToBuild(out.stderr);
  return {
    ...identity,
    dryRun: false,
    derivations,
    outputs: lines(out.stdout),
    built,
    cached: built.length === 0,
  };
}
