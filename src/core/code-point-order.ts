/**
 * Orders strings by Unicode code point, which is also the byte order of their UTF-8: the order
 * any implementation (Rust, Go, C) gets by comparing bytes, unlike JavaScript's `<` (UTF-16 code
 * units, which puts U+FF61 after U+1F600) or `localeCompare` (depends on the machine).
 */
export function compareCodePoints(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a.codePointAt(i)!;
    const cb = b.codePointAt(j)!;
    if (ca !== cb) return ca < cb ? -1 : 1;
    i += ca > 0xffff ? 2 : 1;
    j += cb > 0xffff ? 2 : 1;
  }
  const restA = a.length - i;
  const restB = b.length - j;
  return restA === restB ? 0 : restA < restB ? -1 : 1;
}
