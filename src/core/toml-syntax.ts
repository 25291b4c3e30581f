/**
 * TOML text to toml-eslint-parser's syntax tree, or one located diagnostic. TOML 1.0 (what Nix's
 * `builtins.fromTOML` reads), so a manifest eka accepts is one Nix accepts too. Positions are
 * 1-based lines and columns (columns in UTF-16 code units, as editors count them).
 */
import { type AST, ParseError, parseTOML } from "toml-eslint-parser";
import { type Diagnostic, EkaError, formatLocation } from "./errors.ts";

export type TomlSyntaxResult =
  | { readonly ok: true; readonly ast: AST.TOMLProgram }
  | { readonly ok: false; readonly diagnostic: Diagnostic };

const SYNTAX_HINT = "fix the TOML syntax at this position (TOML 1.0: https://toml.io/en/v1.0.0)";

export function parseTomlSyntax(text: string, file: string): TomlSyntaxResult {
  // A byte order mark is not TOML; a space keeps every offset, line and column where it was.
  const source = text.startsWith("\uFEFF") ? ` ${text.slice(1)}` : text;
  try {
    return { ok: true, ast: parseTOML(source, { tomlVersion: "1.0" }) };
  } catch (error) {
    if (error instanceof ParseError) {
      const diagnostic = {
        file,
        line: error.lineNumber,
        column: error.column + 1,
        message: error.message,
        hint: SYNTAX_HINT,
      };
      return { ok: false, diagnostic };
    }
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, diagnostic: { file, line: 1, column: 1, message, hint: SYNTAX_HINT } };
  }
}

/** The EKA_TOML_SYNTAX error for a syntax diagnostic (it is also the error's one diagnostic). */
export function tomlSyntaxError(diagnostic: Diagnostic): EkaError {
  return new EkaError(
    "EKA_TOML_SYNTAX",
    `${diagnostic.file} is not valid TOML: ${diagnostic.message}`,
    {
      where: formatLocation(diagnostic),
      ...(diagnostic.hint === undefined ? {} : { hint: diagnostic.hint }),
      diagnostics: [diagnostic],
    },
  );
}

/** The syntax tree of `text`; throws EKA_TOML_SYNTAX. */
export function parseTomlAst(text: string, file: string): AST.TOMLProgram {
  const result = parseTomlSyntax(text, file);
  if (!result.ok) throw tomlSyntaxError(result.diagnostic);
  return result.ast;
}
