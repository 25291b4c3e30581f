/**
 * What `eka resolve` and `eka update` call, imported from its own files rather than through
 * `resolve/index.ts`: the barrel also loads adding, removing, the tree and `outdated` (start-up
 * time of the cold resolve; the no-op path reads `up-to-date-stamp.ts` directly too).
 */
export async function resolveOnly() {
  const [{ resolveProject }, { stampDir }] = await Promise.all([
    import("../../resolve/resolve-project.ts"),
    import("../../resolve/up-to-date-stamp.ts"),
  ]);
  return { resolveProject, stampDir };
}
