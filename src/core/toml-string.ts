/** Writing TOML: a string as a basic (double-quoted) string with the escapes TOML requires. */
import { EkaError } from "./errors.ts";

const SHORT: Readonly<Record<string, string>> = {
  '"': '\\"',
  "\\": "\\\\",
  "\b": "\\b",
  "\t": "\\t",
  "\n": "\\n",
  "\f": "\\f",
  "\r": "\\r",
};

// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters to escape
const ESCAPED = /["\\\u0000-\u001f\u007f]/g;

export function tomlString(value: string): string {
  if (!value.isWellFormed()) {
    throw new EkaError("EKA_USAGE", "text with an unpaired surrogate cannot be written to TOML", {
      hint: "give valid Unicode text",
    });
  }
  const escaped = value.replace(
    ESCAPED,
    (ch) => SHORT[ch] ?? `\\u${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`,
  );
  return `"${escaped}"`;
}
