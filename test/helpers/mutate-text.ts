/**
 * Damage for fuzz tests of the TOML readers and editors: `text` with each edit applied in turn,
 * an edit being `[at, remove, insert]` (`at` wraps around the current length).
 */
export function mutateText(
  text: string,
  edits: readonly (readonly [number, number, string])[],
): string {
  let out = text;
  for (const [at, remove, insert] of edits) {
    const i = at % (out.length + 1);
    out = out.slice(0, i) + insert + out.slice(i + remove);
  }
  return out;
}
