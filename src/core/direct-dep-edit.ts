/**
 * Removing one direct dependency (`[deps.direct.nix]`, atom-nix's `deps.nix.<name>`) from the
 * text of `atom.toml` for `eka remove`, keeping every other byte. The entry may be written in any
 * form TOML allows and `parseAtomManifest` accepts:
 *
 * - `name = { … }` under a `[deps.direct.nix]` header (its line goes, with its trailing comment);
 * - a `[deps.direct.nix.name]` section (with any `[deps.direct.nix.name.*]` sub-tables): the
 *   header and its lines go, up to the next header or the comment block attached to it;
 * - dotted keys (`name.git = …` under `[deps.direct.nix]`, `nix.name = { … }` under
 *   `[deps.direct]`, `deps.direct.nix.name.git = …` at the top): each of their lines goes;
 * - an inline table on the way (`nix = { name = { … }, other = { … } }`): its place (and one
 *   comma) in that table goes.
 *
 * Tables left empty stay, as `removeDependency` leaves them. The result is re-read to check that
 * exactly this dependency went.
 */
import type { AST } from "toml-eslint-parser";
import { ATOM_MANIFEST_FILE, parseAtomManifest } from "./atom-manifest.ts";
import { checkDirectDepsEdit } from "./check-direct-deps-edit.ts";
import { DIRECT_DEPS_NAME } from "./direct-deps-name.ts";
import { EkaError } from "./errors.ts";
import { parseLabel } from "./label.ts";
import { applyEdits, type Edit, lineEnd, lineStart, type Site, TomlDoc } from "./toml-edit.ts";

type Key = AST.TOMLBare | AST.TOMLQuoted;

const keyName = (k: Key) => (k.type === "TOMLBare" ? k.name : k.value);

function startsWith(path: readonly string[], prefix: readonly string[]): boolean {
  return (
    prefix.length <= path.length &&
    prefix.every((p, i) => p.normalize("NFKC") === path[i]!.normalize("NFKC"))
  );
}

/** A span of text to delete: [from, to). */
type Span = readonly [number, number];

function isLine(text: string, from: number, test: (line: string) => boolean): boolean {
  return test(text.slice(from, lineEnd(text, from)).trim());
}

/** The line above the one starting at `at` (which must not be the first). */
const lineAbove = (text: string, at: number) => lineStart(text, Math.max(at - 1, 0));

/**
 * The span of the section opened by `table`: from its header's line to the next header, less
 * the comment block attached to that header (or to the end of the file).
 */
function sectionSpan(text: string, items: readonly AST.TOMLTable[], table: AST.TOMLTable): Span {
  const start = lineStart(text, table.range[0]);
  const next = items.find((item) => item.range[0] > table.range[0]);
  if (next === undefined) return [start, text.length];
  let end = lineStart(text, next.range[0]);
  while (end > start && isLine(text, lineAbove(text, end), (l) => l.startsWith("#"))) {
    end = lineAbove(text, end);
  }
  return [start, end];
}

/** `sites`, all in one inline table, removed from it: every pair goes with one comma each. */
function inlineSpans(table: AST.TOMLInlineTable, sites: readonly Site[]): Span[] {
  const body = table.body;
  const gone = new Set(sites.map((s) => s.kv));
  if (body.every((kv) => gone.has(kv))) {
    const [open, end] = table.range;
    return [[open + 1, end - 1]];
  }
  const spans: Span[] = [];
  body.forEach((kv, i) => {
    if (!gone.has(kv)) return;
    const keptAfter = body.slice(i + 1).some((other) => !gone.has(other));
    // Up to the next pair (its comma included), or from the end of the previous one.
    if (keptAfter) spans.push([kv.range[0], body[i + 1]!.range[0]]);
    else spans.push([body[i - 1]!.range[1], kv.range[1]]);
  });
  return spans;
}

/**
 * Overlapping or touching spans joined, as edits. What goes up to the end of the file takes the
 * blank lines above it too (no blank line is left at the end).
 */
function merged(text: string, spans: readonly Span[]): Edit[] {
  const sorted = [...spans].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: [number, number][] = [];
  for (const [from, to] of sorted) {
    const last = out.at(-1);
    if (last !== undefined && from <= last[1]) last[1] = Math.max(last[1], to);
    else out.push([from, to]);
  }
  const last = out.at(-1);
  if (last !== undefined && last[1] === text.length) {
    while (last[0] > 0 && isLine(text, lineAbove(text, last[0]), (l) => l === "")) {
      last[0] = lineAbove(text, last[0]);
    }
    const previous = out.at(-2);
    if (previous !== undefined && last[0] <= previous[1]) {
      out.pop();
      previous[1] = text.length;
    }
  }
  return out.map(([from, to]) => ({ at: from, remove: to - from, insert: "" }));
}

/**
 * `text` without the direct dependency `name` (`[deps.direct.nix]`), whichever form it is
 * written in. EKA_DEP_NOT_FOUND when it is not a direct dependency.
 */
export function removeDirectDependency(
  text: string,
  name: string,
  file = ATOM_MANIFEST_FILE,
): string {
  const label = parseLabel(name);
  const before = parseAtomManifest(text, file);
  const existing = before.nixDeps.find((d) => d.name === label);
  if (existing === undefined) {
    const names = before.nixDeps.map((d) => d.name);
    throw new EkaError(
      "EKA_DEP_NOT_FOUND",
      `${label} is not a direct dependency ([deps.direct.${DIRECT_DEPS_NAME}]) in ${file}`,
      {
        where: file,
        hint:
          names.length === 0
            ? "it has no direct dependencies"
            : `the direct dependencies are: ${names.join(", ")}`,
        data: { name: label, deps: names },
      },
    );
  }
  const prefix = ["deps", "direct", DIRECT_DEPS_NAME, label];
  const doc = new TomlDoc(text, file);
  const tables = doc.ast.body[0].body.filter((item) => item.type === "TOMLTable");
  const spans: Span[] = [];
  for (const table of tables) {
    if (startsWith(table.key.keys.map(keyName), prefix)) {
      spans.push(sectionSpan(text, tables, table));
    }
  }
  // Pairs whose key reaches the entry from above it (not the pairs inside it).
  const inline = new Map<AST.TOMLInlineTable, Site[]>();
  for (const site of doc.sites) {
    if (site.base.length >= prefix.length || !startsWith(site.path, prefix)) continue;
    if (site.inline === undefined) {
      const edit = doc.removeEntry(site);
      spans.push([edit.at, edit.at + (edit.remove ?? 0)]);
    } else inline.set(site.inline, [...(inline.get(site.inline) ?? []), site]);
  }
  for (const [table, sites] of inline) spans.push(...inlineSpans(table, sites));
  const out = applyEdits(text, merged(text, spans));
  const what = `removing ${label} from [deps.direct.${DIRECT_DEPS_NAME}]`;
  const kept = before.nixDeps.filter((d) => d !== existing);
  checkDirectDepsEdit(before, out, kept, what, file);
  return out;
}
