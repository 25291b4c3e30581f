/**
 * Tags: metadata tags and the names of sets in `[package.sets]` (protocol.md §3). The label
 * rules plus `.` and `:`, never `..`; NFKC-normalised like labels.
 */
import { nameProblems } from "./check-name.ts";
import { EkaError } from "./errors.ts";
import { showText } from "./show-text.ts";
import type { Tag } from "./types.ts";

export const TAG_HINT =
  'a tag starts with a letter and goes on with letters, digits, "_", "-", "." or ":" ' +
  '(never ".."), at most 128 bytes of UTF-8; e.g. "ui-kit" or "lang:nix"';

export function isTag(input: string): boolean {
  return nameProblems(input.normalize("NFKC"), "tag").length === 0;
}

/**
 * Normalises (NFKC) and validates a tag; throws EKA_TAG_INVALID naming what is wrong. `what`
 * names the tag in the message (e.g. "set name").
 */
export function parseTag(input: string, what = "tag", where?: string): Tag {
  const tag = input.normalize("NFKC");
  const problems = nameProblems(tag, "tag");
  if (problems.length === 0) return tag as Tag;
  const normalised = tag === input ? "" : ` (${showText(tag)} after NFKC normalisation)`;
  throw new EkaError(
    "EKA_TAG_INVALID",
    `invalid ${what} ${showText(input)}${normalised}: ${problems.join("; ")}`,
    {
      ...(where === undefined ? {} : { where }),
      hint: TAG_HINT,
      data: { tag: input, problems },
    },
  );
}
