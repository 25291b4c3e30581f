/**
 * Nix's error output turned into an `EkaError`: the message Nix gave, the place in the atom's
 * own files it is about (the first `at file:line:col` of the trace inside the atom, else inside
 * any atom of the graph, else the first one at all), and a hint that says what to do.
 */
import { relative } from "node:path";
import { EkaError, type ErrorCode } from "../core/index.ts";

export interface NixLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export interface NixErrorContext {
  /** The atom directory being evaluated (absolute). */
  readonly atomDir: string;
  /** eka's own Nix code (atom-nix, the lock fetcher): never the place to blame. */
  readonly nixDir: string;
  /** Where paths are shown relative to (the command's directory). */
  readonly cwd: string;
}

const LOCATION = /^\s*at (\/[^\n]*?):(\d+):(\d+):?\s*$/gm;

/** Every `at file:line:col` of a Nix error trace, in order. */
export function nixLocations(stderr: string): NixLocation[] {
  const out: NixLocation[] = [];
  for (const m of stderr.matchAll(LOCATION)) {
    out.push({ file: m[1]!, line: Number(m[2]), column: Number(m[3]) });
  }
  return out;
}

/** The first paragraph after a line starting `error:` (Nix's own message), on one line. */
export function nixMessage(stderr: string): string {
  // `warning: error: …` lines (a substituter that cannot be reached) are not the error.
  const start = /^error: /m.exec(stderr)?.index;
  if (start === undefined) return stderr.trim().split("\n").slice(-5).join(" ").trim();
  const body = stderr.slice(start + "error: ".length);
  const paragraph = body.split(/\n\s*\n/)[0] ?? body;
  return paragraph
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "")
    .join(" ");
}

function inside(file: string, dir: string): boolean {
  return file === dir || file.startsWith(`${dir}/`);
}

/**
 * The innermost frame in an atom's own code: this atom's files or a fetched dependency's
 * (`/nix/store/…-source/…`); else the innermost frame outside eka's own Nix code.
 */
function blame(locations: readonly NixLocation[], ctx: NixErrorContext): NixLocation | undefined {
  const atomCode = locations.find(
    (l) => inside(l.file, ctx.atomDir) || /^\/nix\/store\/[0-9a-z]{32}-source\//.test(l.file),
  );
  return atomCode ?? locations.find((l) => !inside(l.file, ctx.nixDir));
}

function hintFor(message: string): string {
  if (message.startsWith("eka: ")) {
    return "atom modules see only mod, pre, atom, std, cfg and deps (see README, Writing atoms)";
  }
  if (/forbidden in restricted mode/.test(message)) {
    return "an evaluation reads only the atom's own files and its locked sources: declare other sources in [deps.direct.nix] of atom.toml and run `eka resolve`";
  }
  if (/attribute '.*' missing|attribute '.*' in selection path/.test(message)) {
    return "only members whose names start with a capital letter are public, exposed with that letter lower-cased (Greeting.nix is atom.greeting); lower-case names are private to their module and its sub-modules";
  }
  if (/undefined variable/.test(message)) {
    return "a module file sees mod, pre, atom, std, cfg and deps: members are mod.<name>, the parent pre.<name>, other atoms deps.<set>.<label>";
  }
  if (/^builder for '.*' failed/.test(message)) {
    return "the build itself failed: read the builder's log lines in the message (nix log <drv> shows all of it)";
  }
  if (/unable to download|Couldn't resolve host|hash mismatch/.test(message)) {
    return "a locked source could not be fetched or no longer has its locked hash: check its URL is reachable (run `eka resolve` to re-lock a source that changed on purpose)";
  }
  if (/cannot convert a function to JSON/.test(message)) {
    return "eka eval prints values as JSON: select a value with -A (functions have no JSON form)";
  }
  return "fix the Nix code at the place shown (run with EKA_DEBUG=1 to see Nix's whole trace)";
}

/** An `EkaError` for a failed `nix-instantiate` or `nix-build`. */
export function nixError(code: ErrorCode, stderr: string, ctx: NixErrorContext): EkaError {
  const message = nixMessage(stderr);
  const place = blame(nixLocations(stderr), ctx);
  const show = (file: string) =>
    inside(file, ctx.atomDir) ? relative(ctx.cwd, file) || file : file;
  // atom-nix names the file in errors Nix gives no position for (a value that throws).
  const named = /\(in (\/[^)]+\.nix)\)$/.exec(message)?.[1];
  const where =
    place !== undefined && (named === undefined || place.file === named)
      ? `${show(place.file)}:${place.line}:${place.column}`
      : named !== undefined
        ? show(named)
        : undefined;
  // atom-nix's own errors start with `eka: ` (to be told apart here); the CLI says eka already.
  const text = message.startsWith("eka: ") ? message.slice("eka: ".length) : message;
  return new EkaError(code, text, {
    ...(where === undefined ? {} : { where }),
    hint: hintFor(message),
    data: { nix: stderr.length > 20000 ? `${stderr.slice(0, 20000)}…` : stderr },
  });
}
