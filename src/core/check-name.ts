/**
 * The rules shared by labels and tags (protocol.md §3), applied to an NFKC-normalised name:
 * at most 128 bytes of UTF-8, first character `XID_Start`, the others `XID_Continue` or `-`
 * (tags also allow `.` and `:`, but never `..`). Returns what is wrong, in words.
 */
import { describeChar, describeChars } from "./show-text.ts";

export const MAX_NAME_BYTES = 128;

const START = /^\p{XID_Start}$/u;
const LABEL_CHAR = /^[\p{XID_Continue}-]$/u;
const TAG_CHAR = /^[\p{XID_Continue}\-.:]$/u;

export type NameKind = "label" | "tag";

export function nameProblems(name: string, kind: NameKind): string[] {
  if (name === "") return ["it is empty"];
  const problems: string[] = [];
  const bytes = new TextEncoder().encode(name).length;
  if (bytes > MAX_NAME_BYTES) {
    problems.push(`it is ${bytes} bytes long in UTF-8, more than the limit of ${MAX_NAME_BYTES}`);
  }
  const chars = Array.from(name);
  const first = chars[0] ?? "";
  if (!START.test(first)) problems.push(`it cannot start with ${describeChar(first)}`);
  const allowed = kind === "label" ? LABEL_CHAR : TAG_CHAR;
  const bad = chars.slice(1).filter((ch) => !allowed.test(ch));
  if (bad.length > 0) {
    const count = new Set(bad).size;
    problems.push(
      `it contains ${describeChars(bad)}, which ${count === 1 ? "is" : "are"} not allowed in a ${kind}`,
    );
  }
  if (kind === "tag" && name.includes("..")) problems.push('it contains ".."');
  return problems;
}
