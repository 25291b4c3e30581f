/** `[package.sets]`: set name (a tag) → one mirror or a non-empty list of mirrors. */
import type { MirrorSet } from "./atom-manifest-types.ts";
import { kindWord, tableAt } from "./manifest-fields.ts";
import { LOCAL_MIRROR, MIRROR_HINT, mirrorProblem } from "./mirror.ts";
import type { ProblemList } from "./problem-list.ts";
import { showText } from "./show-text.ts";
import { parseTag } from "./tag.ts";
import type { TomlEntry, TomlNode, TomlTable } from "./toml-tree.ts";
import type { Tag } from "./types.ts";

const EXAMPLE =
  'company = "https://git.example.com/atoms" or public = ["::", "https://a.example/atoms"]';

function readMirrors(name: Tag, entry: TomlEntry, problems: ProblemList): string[] {
  const value = entry.value;
  let items: readonly TomlNode[];
  if (value.kind === "string") items = [value];
  else if (value.kind === "array") items = value.items;
  else {
    problems.add(
      value,
      `set ${name} must be a mirror URL or an array of them, not ${kindWord(value)}`,
      EXAMPLE,
    );
    return [];
  }
  if (items.length === 0) {
    problems.add(value, `set ${name} has no mirrors`, `give at least one: ${EXAMPLE}`);
  }
  const mirrors: string[] = [];
  for (const [i, item] of items.entries()) {
    if (item.kind !== "string") {
      problems.add(item, `a mirror of set ${name} is ${kindWord(item)}, not a string`, EXAMPLE);
      continue;
    }
    const problem = mirrorProblem(item.value);
    if (problem !== null) {
      problems.add(item, `mirror ${showText(item.value)} of set ${name}: ${problem}`, MIRROR_HINT);
    } else if (item.value === LOCAL_MIRROR && i > 0) {
      problems.add(
        item,
        `"::" comes after other mirrors of set ${name}`,
        '"::" (this repository) stands alone or first; the other mirrors serve CI',
      );
    } else if (mirrors.includes(item.value)) {
      problems.add(
        item,
        `mirror ${showText(item.value)} of set ${name} is listed twice`,
        "list each mirror once",
      );
    } else {
      mirrors.push(item.value);
    }
  }
  return mirrors;
}

export function readMirrorSets(pkg: TomlTable, problems: ProblemList): MirrorSet[] {
  const table = tableAt(pkg.entries.get("sets"), ["package", "sets"], problems);
  if (table === undefined) return [];
  const sets: MirrorSet[] = [];
  for (const entry of table.entries.values()) {
    let name: Tag;
    try {
      name = parseTag(entry.key, "set name");
    } catch (error) {
      problems.addError(entry, error);
      continue;
    }
    const mirrors = readMirrors(name, entry, problems);
    const twin = sets.find((s) => s.name === name);
    if (twin !== undefined) {
      problems.add(
        entry,
        `set ${name} is declared twice (also on line ${twin.line}): the names are equal after NFKC normalisation`,
        "give each set one entry",
      );
      continue;
    }
    sets.push({ name, mirrors, line: entry.line, column: entry.column });
  }
  return sets;
}
