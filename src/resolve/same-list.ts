/** Whether two lists hold the same strings in the same order (a set's mirrors, say). */
export function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
