/**
 * Atom labels (protocol.md §3). The NFKC-normalised form is what is stored, hashed and put in
 * ref names, so `e` + U+0301 and `é` are the same label.
 */
import { nameProblems } from "./check-name.ts";
import { EkaError } from "./errors.ts";
import { isRefComponent } from "./ref-component.ts";
import { showText } from "./show-text.ts";
import type { Label } from "./types.ts";

export const LABEL_HINT =
  'a label starts with a letter and goes on with letters, digits, "_" or "-" ' +
  '(Unicode XID_Start, XID_Continue), at most 128 bytes of UTF-8; e.g. "my-atom"';

function labelProblems(label: string): string[] {
  const problems = nameProblems(label, "label");
  if (problems.length === 0 && !isRefComponent(label)) {
    problems.push("it cannot be a component of a git ref name");
  }
  return problems;
}

export function isLabel(input: string): boolean {
  return labelProblems(input.normalize("NFKC")).length === 0;
}

/** Labels already found valid, by input: a ref listing repeats each label thousands of times. */
const valid = new Map<string, Label>();

/** Normalises (NFKC) and validates a label; throws EKA_LABEL_INVALID naming what is wrong. */
export function parseLabel(input: string, where?: string): Label {
  const known = valid.get(input);
  if (known !== undefined) return known;
  const label = input.normalize("NFKC");
  const problems = labelProblems(label);
  if (problems.length === 0) {
    if (valid.size > 100_000) valid.clear();
    valid.set(input, label as Label);
    return label as Label;
  }
  const normalised = label === input ? "" : ` (${showText(label)} after NFKC normalisation)`;
  throw new EkaError(
    "EKA_LABEL_INVALID",
    `invalid label ${showText(input)}${normalised}: ${problems.join("; ")}`,
    {
      ...(where === undefined ? {} : { where }),
      hint: LABEL_HINT,
      data: { label: input, normalised: label, problems },
    },
  );
}
