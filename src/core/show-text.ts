/**
 * Showing user text in messages so that nothing is hidden: invisible, combining and control
 * characters are written as `U+XXXX` (with a readable name for the common ones).
 */

const NAMES: ReadonlyMap<number, string> = new Map([
  [0x00, "NUL"],
  [0x09, "tab"],
  [0x0a, "line feed"],
  [0x0d, "carriage return"],
  [0x20, "space"],
  [0x7f, "delete"],
  [0xa0, "no-break space"],
  [0xad, "soft hyphen"],
  [0x200b, "zero width space"],
  [0x200c, "zero width non-joiner"],
  [0x200d, "zero width joiner"],
  [0x2060, "word joiner"],
  [0x3000, "ideographic space"],
  [0xfeff, "zero width no-break space"],
]);

/** Control, format, unassigned, private-use and surrogate code points, separators and marks. */
const HIDDEN = /^[\p{C}\p{Z}\p{M}]$/u;

function codePointName(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  const hex = cp.toString(16).toUpperCase().padStart(4, "0");
  const name = NAMES.get(cp);
  return name === undefined ? `U+${hex}` : `U+${hex} (${name})`;
}

/** True when a character would be invisible or confusing if printed as itself. */
export function isHiddenChar(ch: string): boolean {
  return HIDDEN.test(ch);
}

/** One character for a message: `"%"` when visible, else `U+200B` or `U+0020 (space)`. */
export function describeChar(ch: string): string {
  return isHiddenChar(ch) ? codePointName(ch) : showText(ch);
}

/**
 * Several characters for a message, each once, in order of appearance. Visible characters that
 * follow each other are quoted together (`"!@#"`); hidden ones are listed apart (`U+0009 (tab)`).
 */
export function describeChars(chars: Iterable<string>): string {
  const parts: string[] = [];
  let run = "";
  for (const ch of new Set(chars)) {
    if (isHiddenChar(ch)) {
      if (run !== "") parts.push(showText(run, Number.POSITIVE_INFINITY));
      run = "";
      parts.push(codePointName(ch));
    } else {
      run += ch;
    }
  }
  if (run !== "") parts.push(showText(run, Number.POSITIVE_INFINITY));
  return parts.join(", ");
}

/** Text in double quotes with `"` and `\` escaped and hidden characters (but space) as `\u{…}`. */
export function showText(text: string, max = 60): string {
  const chars = Array.from(text);
  const shown = chars.length > max ? chars.slice(0, max - 1) : chars;
  let out = "";
  for (const ch of shown) {
    if (ch === '"' || ch === "\\") out += `\\${ch}`;
    else if (ch !== " " && isHiddenChar(ch)) {
      out += `\\u{${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase()}}`;
    } else out += ch;
  }
  return `"${out}${shown.length < chars.length ? "…" : ""}"`;
}
