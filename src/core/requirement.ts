/**
 * Version requirements (protocol.md §6) with Cargo's semantics:
 *
 * - a requirement is `*` alone, or comparators separated by commas (`>=1.2, <1.5`), all of which
 *   must match;
 * - a comparator is an operator (`^` when none is written, `~`, `=`, `>`, `>=`, `<`, `<=`) and a
 *   version of one, two or three numbers, or a wildcard `1.*` / `1.2.*` (`x` and `X` too);
 * - partial versions widen (`=1.2` is `>=1.2.0, <1.3.0`; `>1.2` is `>=1.3.0`; `<=1` is `<2.0.0`);
 * - the caret allows what is right of the first non-zero number to grow (`^1.2.3` is
 *   `>=1.2.3, <2.0.0`, `^0.2.3` is `>=0.2.3, <0.3.0`, `^0.0.3` is `=0.0.3`, `^0.0` is `<0.1.0`,
 *   `^0` is `<1.0.0`); the tilde allows the patch to grow (`~1.2.3` is `>=1.2.3, <1.3.0`);
 * - a pre-release version (`1.3.0-beta.1`) only matches when some comparator names a
 *   pre-release of the same MAJOR.MINOR.PATCH, so `*` and `^1` never pick a pre-release;
 * - build metadata is ignored: accepted in a comparator and dropped, as Cargo does.
 *
 * This is deliberately not node-semver's range language (where `1.2` means `1.2.x` and the
 * pre-release rule differs).
 */
import { EkaError } from "./errors.ts";
import { showText } from "./show-text.ts";
import type { Version } from "./types.ts";
import { compareVersions } from "./version.ts";

export type RequirementOp = "^" | "~" | "=" | ">" | ">=" | "<" | "<=" | "*";

/**
 * One comparator. `minor`/`patch` are null when not written (or written as a wildcard); a
 * wildcard comparator (`op: "*"`) has at least `patch` null, and only a comparator with all three
 * numbers has a pre-release (`pre`: dot-separated identifiers, "" for none).
 */
export interface Comparator {
  readonly op: RequirementOp;
  readonly major: number;
  readonly minor: number | null;
  readonly patch: number | null;
  readonly pre: string;
}

/** All comparators must match; none at all is `*` (any release). */
export interface Requirement {
  readonly comparators: readonly Comparator[];
}

/** `*`: any version that is not a pre-release. */
export const ANY_VERSION: Requirement = { comparators: [] };

export const REQUIREMENT_HINT =
  'a requirement is "*" or comma-separated comparators, as in Cargo: "1.2" (same as "^1.2"), ' +
  '"^1.2.3", "~1.2", "=1.2.3", ">=1.2, <1.5", ">1", "<=2.0", "1.*", "1.2.*"; ' +
  'a pre-release is only picked when named, e.g. ">=2.0.0-beta.1"';

const OPS: readonly RequirementOp[] = [">=", "<=", "^", "~", "=", ">", "<"];
const WILDCARDS = "*xX";

class Cursor {
  readonly text: string;
  at = 0;
  constructor(text: string) {
    this.text = text;
  }
  get done(): boolean {
    return this.at >= this.text.length;
  }
  peek(): string {
    return this.text[this.at] ?? "";
  }
  skipSpaces(): void {
    while (this.text[this.at] === " ") this.at++;
  }
  eat(token: string): boolean {
    if (!this.text.startsWith(token, this.at)) return false;
    this.at += token.length;
    return true;
  }
  /** What is at the cursor, for messages. */
  found(): string {
    if (this.done) return "the end";
    return showText(Array.from(this.text.slice(this.at))[0] ?? "");
  }
}

class RequirementSyntaxError extends Error {}

function fail(message: string): never {
  throw new RequirementSyntaxError(message);
}

function number(c: Cursor, what: string): number {
  const start = c.at;
  while (/[0-9]/.test(c.peek())) c.at++;
  const digits = c.text.slice(start, c.at);
  if (digits === "") {
    const extra = c.peek() === "v" || c.peek() === "V" ? ' (write the bare version, no "v")' : "";
    fail(`expected the ${what} version number, found ${c.found()}${extra}`);
  }
  if (digits.length > 1 && digits.startsWith("0")) {
    fail(`the ${what} version number ${digits} has a leading zero`);
  }
  const value = Number(digits);
  if (!Number.isSafeInteger(value)) fail(`the ${what} version number ${digits} is too large`);
  return value;
}

function wildcard(c: Cursor): boolean {
  const ch = c.peek();
  if (ch === "" || !WILDCARDS.includes(ch)) return false;
  c.at++;
  return true;
}

/** Dot-separated identifiers of `[0-9A-Za-z-]`; numeric ones without leading zeros (semver). */
function identifiers(c: Cursor, what: "pre-release" | "build metadata"): string {
  const start = c.at;
  while (/[0-9A-Za-z.-]/.test(c.peek())) c.at++;
  const text = c.text.slice(start, c.at);
  for (const id of text.split(".")) {
    if (id === "") fail(`the ${what} ${showText(text)} has an empty identifier`);
    if (what === "pre-release" && /^0[0-9]+$/.test(id)) {
      fail(`the pre-release identifier ${id} has a leading zero`);
    }
  }
  return text;
}

function comparator(c: Cursor): Comparator {
  let op: RequirementOp = "^";
  let explicit = false;
  for (const candidate of OPS) {
    if (c.eat(candidate)) {
      op = candidate;
      explicit = true;
      break;
    }
  }
  c.skipSpaces();
  if (WILDCARDS.includes(c.peek()) && c.peek() !== "") {
    if (explicit) fail(`a wildcard cannot follow the operator ${op}`);
    fail('a wildcard stands alone ("*", the only comparator) or after numbers ("1.*", "1.2.*")');
  }
  const major = number(c, "major");
  let minor: number | null = null;
  let patch: number | null = null;
  let pre = "";
  let wild = false;
  if (c.eat(".")) {
    if (wildcard(c)) wild = true;
    else minor = number(c, "minor");
    if (c.eat(".")) {
      if (wildcard(c)) wild = true;
      else if (wild) fail("a number cannot follow a wildcard; write e.g. 1.* or 1.2.*");
      else patch = number(c, "patch");
    }
  }
  if (c.peek() === "-" || c.peek() === "+") {
    if (patch === null) {
      fail(
        `a ${c.peek() === "-" ? "pre-release" : "build metadata"} needs all three version numbers, e.g. 1.2.3-beta.1`,
      );
    }
    if (c.eat("-")) pre = identifiers(c, "pre-release");
    if (c.eat("+")) identifiers(c, "build metadata");
  }
  if (wild && !explicit) op = "*";
  return { op, major, minor, patch, pre };
}

function parseText(text: string): Requirement {
  const c = new Cursor(text);
  c.skipSpaces();
  if (c.done) fail("it is empty");
  const start = c.at;
  if (wildcard(c)) {
    c.skipSpaces();
    if (c.done) return ANY_VERSION;
    if (c.peek() === ",") fail('"*" must be the only comparator of a requirement');
    c.at = start;
  }
  const comparators: Comparator[] = [];
  for (;;) {
    comparators.push(comparator(c));
    c.skipSpaces();
    if (c.done) return { comparators };
    if (!c.eat(",")) {
      const hint = /[<>=^~0-9]/.test(c.peek()) ? "; separate comparators with commas" : "";
      fail(`expected a comma or the end, found ${c.found()}${hint}`);
    }
    c.skipSpaces();
    if (c.done) fail("a comparator must follow the last comma");
  }
}

/** Parses a requirement; throws EKA_REQUIREMENT_INVALID saying what is wrong and where. */
export function parseRequirement(text: string, where?: string): Requirement {
  try {
    return parseText(text);
  } catch (error) {
    if (!(error instanceof RequirementSyntaxError)) throw error;
    throw new EkaError(
      "EKA_REQUIREMENT_INVALID",
      `invalid version requirement ${showText(text)}: ${error.message}`,
      {
        ...(where === undefined ? {} : { where }),
        hint: REQUIREMENT_HINT,
        data: { requirement: text, reason: error.message },
      },
    );
  }
}

export function isRequirement(text: string): boolean {
  try {
    parseText(text);
    return true;
  } catch (error) {
    if (error instanceof RequirementSyntaxError) return false;
    throw error;
  }
}

function formatComparator(c: Comparator): string {
  if (c.op === "*") return c.minor === null ? `${c.major}.*` : `${c.major}.${c.minor}.*`;
  let out = `${c.op}${c.major}`;
  if (c.minor !== null) out += `.${c.minor}`;
  if (c.patch !== null) out += `.${c.patch}`;
  if (c.pre !== "") out += `-${c.pre}`;
  return out;
}

/**
 * The canonical text of a requirement: `*`, or comparators joined by `, ` with the operator
 * always written (`^1.2`, never the bare `1.2`) and wildcards as `*`.
 */
export function formatRequirement(req: Requirement): string {
  if (req.comparators.length === 0) return "*";
  return req.comparators.map(formatComparator).join(", ");
}

interface Parts {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  readonly pre: string;
}

/** The numbers and pre-release of a validated version; build metadata is dropped. */
function partsOf(version: Version): Parts {
  // In place (a resolve matches thousands of listed versions): `M.m.p` up to `-` or `+`.
  const plus = version.indexOf("+");
  const end = plus < 0 ? version.length : plus;
  const dash = version.indexOf("-");
  const numbers = dash < 0 || dash > end ? end : dash;
  const dot1 = version.indexOf(".");
  const dot2 = dot1 < 0 ? -1 : version.indexOf(".", dot1 + 1);
  const dot3 = dot2 < 0 ? -1 : version.indexOf(".", dot2 + 1);
  if (dot1 > 0 && dot2 > dot1 + 1 && dot2 + 1 < numbers && (dot3 < 0 || dot3 > numbers)) {
    return {
      major: Number(version.slice(0, dot1)),
      minor: Number(version.slice(dot1 + 1, dot2)),
      patch: Number(version.slice(dot2 + 1, numbers)),
      pre: numbers === end ? "" : version.slice(numbers + 1, end),
    };
  }
  return splitParts(version);
}

function splitParts(version: Version): Parts {
  const plus = version.indexOf("+");
  const core = plus < 0 ? version : version.slice(0, plus);
  const dash = core.indexOf("-");
  const [major = 0, minor = 0, patch = 0] = (dash < 0 ? core : core.slice(0, dash))
    .split(".")
    .map(Number);
  return { major, minor, patch, pre: dash < 0 ? "" : core.slice(dash + 1) };
}

function compareIdentifiers(a: string, b: string): number {
  const numA = /^[0-9]+$/.test(a);
  const numB = /^[0-9]+$/.test(b);
  if (numA && numB) {
    // No leading zeros: the longer number is the larger; equal lengths compare as text.
    if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  } else if (numA !== numB) {
    return numA ? -1 : 1;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Pre-release precedence (semver §11): none is the highest. */
function comparePre(a: string, b: string): number {
  if (a === b) return 0;
  if (a === "") return 1;
  if (b === "") return -1;
  const as = a.split(".");
  const bs = b.split(".");
  for (let i = 0; i < Math.min(as.length, bs.length); i++) {
    const order = compareIdentifiers(as[i]!, bs[i]!);
    if (order !== 0) return order;
  }
  return as.length - bs.length;
}

/** -1, 0 or 1: the version against the comparator's version, on the numbers it writes. */
function compareTo(c: Comparator, v: Parts): number {
  if (v.major !== c.major) return v.major < c.major ? -1 : 1;
  if (c.minor === null) return 0;
  if (v.minor !== c.minor) return v.minor < c.minor ? -1 : 1;
  if (c.patch === null) return 0;
  if (v.patch !== c.patch) return v.patch < c.patch ? -1 : 1;
  return Math.sign(comparePre(v.pre, c.pre));
}

/** Whether the version's numbers equal those the comparator writes (its pre-release too). */
function same(c: Comparator, v: Parts): boolean {
  return compareTo(c, v) === 0 && v.pre === c.pre;
}

function matchesComparator(c: Comparator, v: Parts): boolean {
  switch (c.op) {
    case "=":
    case "*":
      return same(c, v);
    case ">":
      return compareTo(c, v) > 0;
    case ">=":
      return same(c, v) || compareTo(c, v) > 0;
    case "<":
      return compareTo(c, v) < 0;
    case "<=":
      return same(c, v) || compareTo(c, v) < 0;
    case "~":
      if (v.major !== c.major || (c.minor !== null && v.minor !== c.minor)) return false;
      return c.patch === null || compareTo(c, v) >= 0;
    case "^":
      return matchesCaret(c, v);
  }
}

function matchesCaret(c: Comparator, v: Parts): boolean {
  if (v.major !== c.major) return false;
  if (c.minor === null) return true;
  if (c.patch === null) return c.major > 0 ? v.minor >= c.minor : v.minor === c.minor;
  if (c.major === 0 && v.minor !== c.minor) return false;
  if (c.major === 0 && c.minor === 0 && v.patch !== c.patch) return false;
  return compareTo(c, v) >= 0;
}

function allowsPreOf(c: Comparator, v: Parts): boolean {
  return c.pre !== "" && c.major === v.major && c.minor === v.minor && c.patch === v.patch;
}

function matchesParts(req: Requirement, v: Parts): boolean {
  if (!req.comparators.every((c) => matchesComparator(c, v))) return false;
  return v.pre === "" || req.comparators.some((c) => allowsPreOf(c, v));
}

/** Whether `version` satisfies `req` (Cargo's rules; build metadata ignored). */
export function matches(req: Requirement, version: Version): boolean {
  return matchesParts(req, partsOf(version));
}

/**
 * The highest of `versions` that satisfies `req` (by semver precedence, ties broken as
 * `compareVersions` does), or null when none does.
 */
export function highestMatch(req: Requirement, versions: Iterable<Version>): Version | null {
  let best: Version | null = null;
  for (const version of versions) {
    if ((best === null || compareVersions(version, best) > 0) && matches(req, version)) {
      best = version;
    }
  }
  return best;
}
