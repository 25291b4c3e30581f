/**
 * Versions (protocol.md §6): semver 2.0.0, strictly: exactly `MAJOR.MINOR.PATCH[-pre][+build]`,
 * no leading `v` or `=`, no surrounding spaces, no leading zeros. A version is also a git ref
 * component (`refs/ekala/atoms/L/V`), so one ending in `.lock` is refused.
 */
import { createRequire } from "node:module";
import type SemVer from "semver/classes/semver.js";
import { EkaError } from "./errors.ts";
import { showText } from "./show-text.ts";
import type { Version } from "./types.ts";

export const VERSION_HINT =
  'versions are semver 2.0.0: MAJOR.MINOR.PATCH with an optional -prerelease and +build, e.g. "1.0.0" or "2.1.0-beta.1"';

interface SemverParts {
  readonly SemVer: typeof SemVer;
  readonly compareBuild: (a: SemVer, b: SemVer) => number;
  readonly parse: (text: string, options: { loose: false }) => SemVer | null;
}

let semverParts: SemverParts | undefined;

/**
 * semver's class and two functions, loaded on first use: plain `M.m.p` versions, nearly all
 * that a listing or a lock holds, are read and ordered without it, and loading it (its
 * regular expressions are built at load) is start-up time for every command. The functions
 * alone: the package's entry point loads all of it (dozens of modules).
 */
function semver(): SemverParts {
  if (semverParts === undefined) {
    const require = createRequire(import.meta.url);
    semverParts = {
      SemVer: require("semver/classes/semver.js"),
      compareBuild: require("semver/functions/compare-build.js"),
      parse: require("semver/functions/parse.js"),
    };
  }
  return semverParts;
}

function versionProblem(text: string): string | null {
  if (text.endsWith(".lock")) return 'it ends with ".lock", which git refuses in a ref name';
  const parsed = semver().parse(text, { loose: false });
  if (parsed !== null) {
    const build = parsed.build.length > 0 ? `+${parsed.build.join(".")}` : "";
    if (parsed.version + build === text) return null;
  }
  if (/^\s|\s$/.test(text)) return "it has spaces around it";
  if (/^[vV=]/.test(text)) return `it starts with "${text[0]}"; write the bare version`;
  if (/^\d+(?:\.\d+)?$/.test(text)) return "it needs all three numbers: MAJOR.MINOR.PATCH";
  if (/(?:^|[.-])0\d/.test(text.split("+")[0] ?? "")) return "numbers cannot have leading zeros";
  return "it is not a semver 2.0.0 version";
}

/**
 * Verdicts and parsed forms, memoized: a resolve checks and sorts the same few thousand version
 * strings from ref listings over and over (sorting alone compares each one ~log n times).
 */
const problems = new Map<string, string | null>();
const parsed = new Map<string, SemVer>();

function cachedProblem(text: string): string | null {
  let problem = problems.get(text);
  if (problem === undefined) {
    problem = versionProblem(text);
    if (problems.size > 100_000) problems.clear();
    problems.set(text, problem);
  }
  return problem;
}

function semverOf(version: Version): SemVer {
  let value = parsed.get(version);
  if (value === undefined) {
    value = new (semver().SemVer)(version);
    if (parsed.size > 100_000) parsed.clear();
    parsed.set(version, value);
  }
  return value;
}

/**
 * True for `M.m.p` in digits, no leading zeros, at most 15 digits each (safe integers): a
 * valid version, known without semver's parser or the memo. A listing of other sets' atoms is
 * thousands of distinct versions, nearly all of this form. False says nothing.
 */
function isPlainRelease(text: string): boolean {
  let dots = 0;
  let digits = 0;
  let leadingZero = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (leadingZero || ++digits > 15) return false;
      if (digits === 1 && c === 48) leadingZero = true;
    } else if (c === 46 && digits > 0 && dots < 2) {
      dots++;
      digits = 0;
      leadingZero = false;
    } else return false;
  }
  return dots === 2 && digits > 0;
}

export function isVersion(text: string): boolean {
  return isPlainRelease(text) || cachedProblem(text) === null;
}

/** Validates a version; throws EKA_VERSION_INVALID saying what is wrong. */
export function parseVersion(text: string, where?: string): Version {
  if (isPlainRelease(text)) return text as Version;
  const problem = cachedProblem(text);
  if (problem === null) return text as Version;
  throw new EkaError("EKA_VERSION_INVALID", `invalid version ${showText(text)}: ${problem}`, {
    ...(where === undefined ? {} : { where }),
    hint: VERSION_HINT,
    data: { version: text },
  });
}

/**
 * Orders versions by semver precedence, then by build metadata, then by text, so that the order
 * is total: 0 only for identical versions. Ready for `Array.prototype.sort`.
 */
export function compareVersions(a: Version, b: Version): number {
  const byPrecedence = semver().compareBuild(semverOf(a), semverOf(b));
  if (byPrecedence !== 0) return byPrecedence;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * `M.m.p` with no pre-release or build, as two exact numbers for `sortNewestFirst`: `M` and
 * `m·10⁶ + p` (m, p < 10⁶, M < 2⁵³); false for anything else.
 */
function plainKey(version: string, high: Float64Array, low: Float64Array, i: number): boolean {
  let part = 0;
  let n = 0;
  let digits = 0;
  let major = 0;
  let minor = 0;
  for (let k = 0; k < version.length; k++) {
    const c = version.charCodeAt(k);
    if (c >= 48 && c <= 57) {
      if (++digits > 15) return false;
      n = n * 10 + (c - 48);
    } else if (c === 46 && digits > 0 && part < 2) {
      if (part === 0) major = n;
      else minor = n;
      part++;
      n = 0;
      digits = 0;
    } else return false;
  }
  if (part !== 2 || digits === 0 || minor >= 1e6 || n >= 1e6) return false;
  high[i] = major;
  low[i] = minor * 1e6 + n;
  return true;
}

/**
 * `items` in a new array, newest version first: the order of `compareVersions`, reversed. Plain
 * `M.m.p` versions (a ref listing's usual thousands) compare as numbers, read once each;
 * others through `compareVersions`.
 */
export function sortNewestFirst<T extends { readonly version: Version }>(items: readonly T[]): T[] {
  const count = items.length;
  const high = new Float64Array(count);
  const low = new Float64Array(count);
  const plain = new Uint8Array(count);
  const order: number[] = new Array(count);
  let allPlain = true;
  let maxHigh = 0;
  for (let i = 0; i < count; i++) {
    order[i] = i;
    if (plainKey(items[i]!.version, high, low, i)) {
      plain[i] = 1;
      if (high[i]! > maxHigh) maxHigh = high[i]!;
    } else allPlain = false;
  }
  if (allPlain && maxHigh < 9007) {
    // One exact number per version (M·10¹² + m·10⁶ + p < 2⁵³), sorted natively; distinct
    // versions have distinct numbers, so each number finds its item.
    const keys = new Float64Array(count);
    const byKey = new Map<number, T>();
    for (let i = 0; i < count; i++) {
      keys[i] = high[i]! * 1e12 + low[i]!;
      byKey.set(keys[i]!, items[i]!);
    }
    if (byKey.size === count) {
      keys.sort();
      const out: T[] = new Array(count);
      for (let i = 0; i < count; i++) out[i] = byKey.get(keys[count - 1 - i]!)!;
      return out;
    }
  }
  order.sort((a, b) => {
    if (plain[a] === 1 && plain[b] === 1) return high[b]! - high[a]! || low[b]! - low[a]!;
    return compareVersions(items[b]!.version, items[a]!.version);
  });
  const out: T[] = new Array(count);
  for (let i = 0; i < count; i++) out[i] = items[order[i]!]!;
  return out;
}
