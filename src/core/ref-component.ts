/**
 * Whether a string may be one component (between slashes) of a git ref name, following
 * `git check-ref-format`: no control characters, space, `~ ^ : ? * [ \`, DEL, no `..` or `@{`,
 * not `@` alone, not starting with `.`, not ending with `.` or `.lock`, not empty.
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it rejects
const FORBIDDEN = /[\u0000-\u0020\u007f~^:?*[\\]|\.\.|@\{/u;

export function isRefComponent(component: string): boolean {
  return (
    component !== "" &&
    component !== "@" &&
    !component.startsWith(".") &&
    !component.endsWith(".") &&
    !component.endsWith(".lock") &&
    !FORBIDDEN.test(component)
  );
}
