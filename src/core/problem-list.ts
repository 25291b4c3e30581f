/**
 * Collects every problem found in one file so that they are all reported at once, in one
 * EKA_MANIFEST_INVALID error whose diagnostics are sorted by position.
 */
import { type Diagnostic, EkaError } from "./errors.ts";
import type { TomlPos } from "./toml-tree.ts";

export class ProblemList {
  readonly file: string;
  readonly diagnostics: Diagnostic[] = [];

  constructor(file: string) {
    this.file = file;
  }

  add(at: TomlPos, message: string, hint: string): void {
    this.diagnostics.push({ file: this.file, line: at.line, column: at.column, message, hint });
  }

  /** Records a thrown EkaError (a bad label, version, path…) as a problem at `at`. */
  addError(at: TomlPos, error: unknown): void {
    if (!(error instanceof EkaError)) throw error;
    this.add(at, error.message, error.hint ?? "");
  }

  throwIfAny(): void {
    const n = this.diagnostics.length;
    if (n === 0) return;
    const sorted = [...this.diagnostics].sort((a, b) => a.line - b.line || a.column - b.column);
    throw new EkaError(
      "EKA_MANIFEST_INVALID",
      `${this.file} has ${n} problem${n === 1 ? "" : "s"}`,
      {
        where: this.file,
        hint: "fix every problem listed; each says where it is and what to change",
        diagnostics: sorted,
      },
    );
  }
}
