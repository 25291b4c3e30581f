/**
 * One verification check and its outcome. Every check `eka verify` runs is a named result: what
 * was checked (`check`), about which atom or pin (`subject`, `label@version` or a pin's name),
 * against which mirror (null when no mirror is involved), and for a failure both values: what
 * the lock or the protocol says it must be (`expected`) and what the objects or the mirror hold
 * (`actual`).
 */

/** The checks, by stable name (they appear in `--json` output and in tests). */
export const CHECK_NAMES = [
  /** The atom id recomputed from the set id and the label equals the lock's `id`. */
  "atom-id",
  /** The locked `rev` is a commit object whose bytes hash to `rev`. */
  "commit-oid",
  /** The atom commit's bytes are exactly `formatAtomCommit` of its own fields (§4). */
  "commit-format",
  /** The atom commit's message names the locked label and version. */
  "commit-atom",
  /** The tree's b3 digest, recomputed, equals the commit's `content` header. */
  "content-header",
  /** The tree's b3 digest equals the lock's `content`. */
  "content-lock",
  /** The tree's b3 digest equals the digest in the mirror's `content` ref. */
  "content-ref",
  /** The mirror's `atoms/L/V` ref holds the locked `rev` (a version never moves). */
  "atom-ref",
  /** The mirror's `manifests/L/V` blob is the atom tree's `atom.toml`. */
  "manifest-blob",
  /** The manifest parses and declares the label and version of its ref path. */
  "manifest-fields",
  /** The origin commit descends from the set's init commit (history walked by eka). */
  "origin-ancestry",
  /** The origin commit holds the atom's tree at the atom commit's `path`. */
  "origin-tree",
  /** The set id names a valid init commit (`ekala v1`, `entropy`) that hashes to it. */
  "init-commit",
  /** The mirror's `refs/ekala/init` is the locked set id (not a fork or another identity). */
  "mirror-identity",
  /** Every mirror that answers serves the same commits for the version. */
  "mirror-agreement",
  /** At least one mirror of the set answered. */
  "mirror-reachable",
  /** The history is complete: the cache is not shallow and every listed ref was delivered. */
  "history",
  /** A `nix+git` pin's `rev` exists at its URL. */
  "pin-git",
  /** A `nix+url`, `nix+tar` or `nix+build` pin's hash recomputes from the bytes at its URL. */
  "pin-hash",
  /** An `atom.lock` inside an atom reads as a lock. */
  "nested-lock",
] as const;

export type CheckName = (typeof CHECK_NAMES)[number];

/** `skip`: the check could not run here (said why in `message`); never counted as a pass. */
export type CheckStatus = "pass" | "fail" | "skip";

export interface CheckResult {
  readonly check: CheckName;
  readonly status: CheckStatus;
  /** `label@version` of the atom, or `nix:<name>` of a pin. */
  readonly subject: string;
  /** The mirror (URL, credentials redacted) the values came from; null when none. */
  readonly mirror: string | null;
  /** What it must be; absent for checks without a single value (a pass, a skip). */
  readonly expected?: string;
  /** What was found. */
  readonly actual?: string;
  /** One line for humans. */
  readonly message: string;
}

export interface CheckInput {
  readonly subject: string;
  readonly mirror?: string | null;
}

export function pass(check: CheckName, at: CheckInput, message: string): CheckResult {
  return { check, status: "pass", subject: at.subject, mirror: at.mirror ?? null, message };
}

export function fail(
  check: CheckName,
  at: CheckInput,
  message: string,
  expected: string,
  actual: string,
): CheckResult {
  return {
    check,
    status: "fail",
    subject: at.subject,
    mirror: at.mirror ?? null,
    expected,
    actual,
    message,
  };
}

export function skip(check: CheckName, at: CheckInput, message: string): CheckResult {
  return { check, status: "skip", subject: at.subject, mirror: at.mirror ?? null, message };
}

/** `pass` when `expected === actual`, else `fail` with both values. */
export function compare(
  check: CheckName,
  at: CheckInput,
  what: string,
  expected: string,
  actual: string,
): CheckResult {
  return expected === actual
    ? pass(check, at, `${what}: ${actual}`)
    : fail(check, at, `${what} differs`, expected, actual);
}

/** One line for a failed (or skipped) check, as the CLI prints it. */
export function describeCheck(result: CheckResult): string {
  const where = result.mirror === null ? "" : ` on ${result.mirror}`;
  const head = `${result.status === "fail" ? "FAIL" : result.status === "skip" ? "skip" : "ok"} ${result.check}: ${result.subject}${where}: ${result.message}`;
  if (result.status !== "fail") return head;
  return `${head}\n    expected ${result.expected}\n    actual   ${result.actual}`;
}
