/**
 * The start path of `eka resolve` when the lock is already up to date: answered before the rest
 * of eka is loaded (git, listings, hashing, every other command), so that the most frequent
 * resolve — the one that changes nothing — costs little more than starting Node. It imports
 * `resolve/lock-status.ts` directly rather than through `resolve/index.ts` for that reason.
 * Anything it cannot answer (other flags, a lock to change, an invalid file) returns null, and
 * `main` runs as usual. It reads no settings: a no-op resolve uses none (so a broken user
 * configuration file is reported by the next command that needs it, not by this one).
 */
import { upToDateOutcome } from "../resolve/lock-status.ts";
import { renderOutcome } from "./commands/render-changes.ts";
import { CliReport, type OutputOptions, renderResult, type Sink } from "./render.ts";

const FLAGS = new Set(["--locked", "--offline", "--json", "--quiet", "-q"]);

/** The exit code when `argv` is a no-op `eka resolve` (answered on `sink`), else null. */
export function fastResolve(argv: readonly string[], cwd: string, sink: Sink): number | null {
  if (argv[0] !== "resolve" || !argv.slice(1).every((a) => FLAGS.has(a))) return null;
  const outcome = upToDateOutcome(cwd);
  if (outcome === null) return null;
  const options: OutputOptions = {
    json: argv.includes("--json"),
    quiet: argv.includes("--quiet") || argv.includes("-q"),
    color: false,
    tty: false,
    debug: false,
  };
  renderResult(renderOutcome(outcome), outcome, new CliReport(options, sink), options, sink);
  return 0;
}
