/**
 * Naming the dependency an error is in. Nix reports a dependency's file by its store path
 * (`/nix/store/…-source/src/Greet.nix:3:5`); when an error is blamed on one, eka asks Nix once
 * (a second, cheap evaluation: the atoms are fetched already) for the store path of every atom
 * of the graph and rewrites the place as `lib@0.1.0:src/Greet.nix:3:5`. Only on the error path.
 */
import { execFile } from "node:child_process";
import { EkaError } from "../core/index.ts";
import type { CachedGraph } from "../fetch/index.ts";
import { atomRef } from "../git/index.ts";
import { nixEnv } from "./run-nix.ts";

const STORE_FILE = /^(\/nix\/store\/[0-9a-z]{32}-[^/]+)\/(.+)$/;

/** A Nix string literal for `text` (JSON's escapes, plus `$` so `${` stays literal). */
function nixString(text: string): string {
  return JSON.stringify(text).replaceAll("$", "\\$");
}

function storePaths(graph: CachedGraph, env: NodeJS.ProcessEnv): Promise<string[] | null> {
  const items = graph.atoms.map(
    ({ atom }) =>
      `(builtins.fetchGit { url = ${nixString(graph.url)}; rev = ${nixString(atom.rev)}; ref = ${nixString(atomRef(atom.label, atom.version))}; }).outPath`,
  );
  const expr = `builtins.toJSON [ ${items.join(" ")} ]`;
  const args = [
    "--eval",
    "--option",
    "restrict-eval",
    "true",
    "--option",
    "allowed-uris",
    graph.url,
    "--option",
    "nix-path",
    "",
    "-E",
    expr,
  ];
  return new Promise((done) => {
    execFile("nix-instantiate", args, { env: nixEnv(env), encoding: "utf8" }, (error, stdout) => {
      if (error !== null) return done(null);
      try {
        const paths = JSON.parse(JSON.parse(stdout) as string) as unknown;
        done(Array.isArray(paths) ? paths.map(String) : null);
      } catch {
        done(null);
      }
    });
  });
}

/** The same error with its place named `label@version:path` when it is in a dependency. */
export async function nameDependency(
  error: unknown,
  graph: CachedGraph,
  env: NodeJS.ProcessEnv,
): Promise<unknown> {
  if (!(error instanceof EkaError) || error.where === undefined) return error;
  const m = STORE_FILE.exec(error.where);
  if (m === null || graph.atoms.length === 0) return error;
  const paths = await storePaths(graph, env);
  const index = paths?.indexOf(m[1]!) ?? -1;
  const found = graph.atoms[index];
  if (found === undefined) return error;
  const { label, version } = found.atom;
  return new EkaError(error.code, error.message, {
    where: `${label}@${version}:${m[2]}`,
    ...(error.hint === undefined ? {} : { hint: error.hint }),
    data: { ...error.data, storePath: error.where },
    cause: error,
  });
}
