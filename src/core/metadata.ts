/**
 * `[metadata]`, in both manifests (protocol.md §1): an open table of free key/values, except
 * that `tags`, when present, is an array of valid tags (stored NFKC-normalised, each once).
 */
import { kindWord, tableAt } from "./manifest-fields.ts";
import type { ProblemList } from "./problem-list.ts";
import { parseTag } from "./tag.ts";
import { type PlainTable, tomlTableToPlain } from "./toml.ts";
import type { TomlTable } from "./toml-tree.ts";
import type { Tag } from "./types.ts";

export interface Metadata {
  /** Every key of `[metadata]` as written (tags included, as written). */
  readonly metadata: PlainTable;
  /** `metadata.tags`, validated and normalised, without repeats. */
  readonly tags: readonly Tag[];
}

export function readMetadata(root: TomlTable, problems: ProblemList): Metadata {
  const table = tableAt(root.entries.get("metadata"), ["metadata"], problems);
  if (table === undefined) return { metadata: {}, tags: [] };
  const tags = new Set<Tag>();
  const entry = table.entries.get("tags");
  if (entry !== undefined && entry.value.kind !== "array") {
    problems.add(
      entry.value,
      `metadata.tags must be an array of strings, not ${kindWord(entry.value)}`,
      'write it as tags = ["ui", "lang:nix"]',
    );
  } else if (entry?.value.kind === "array") {
    for (const item of entry.value.items) {
      if (item.kind !== "string") {
        problems.add(
          item,
          `metadata.tags holds ${kindWord(item)}; tags are strings`,
          'write each tag in double quotes, e.g. "ui"',
        );
        continue;
      }
      try {
        tags.add(parseTag(item.value));
      } catch (error) {
        problems.addError(item, error);
      }
    }
  }
  return { metadata: tomlTableToPlain(table), tags: [...tags] };
}
