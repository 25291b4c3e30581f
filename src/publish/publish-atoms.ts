/**
 * `eka publish` as one call: open the repository containing `cwd`, plan, then apply the plan (or
 * only return it, for `--dry-run`). Paths are taken as the user typed them, relative to `cwd`.
 * A bare repository works too (its paths are relative to the repository root).
 */
import { normaliseRepoPath, type Report } from "../core/index.ts";
import { openRepository } from "../git/index.ts";
import { repoRelativePath } from "../workspace/index.ts";
import { applyPublish, assertPublishable } from "./apply-publish.ts";
import { describeAtom } from "./describe-atom.ts";
import { type PublishPlanView, targetName, viewPlan } from "./plan.ts";
import { planPublish } from "./plan-publish.ts";

export interface PublishOptions {
  /** Where eka runs; `paths` are relative to it. */
  readonly cwd: string;
  /** Atom directories to publish (default: every atom of the source commit). */
  readonly paths?: readonly string[];
  readonly rev?: string;
  readonly remote?: string;
  /** Compute and return the plan; write nothing. */
  readonly dryRun?: boolean;
  readonly report: Report;
}

export interface PublishResult extends PublishPlanView {
  readonly dryRun: boolean;
}

export async function publishAtoms(options: PublishOptions): Promise<PublishResult> {
  const repo = await openRepository(options.cwd);
  try {
    const root = repo.workTree;
    const paths = (options.paths ?? []).map((p) =>
      root === null ? normaliseRepoPath(p) : repoRelativePath(root, options.cwd, p),
    );
    const plan = await planPublish(
      repo,
      {
        paths,
        ...(options.rev === undefined ? {} : { rev: options.rev }),
        ...(options.remote === undefined ? {} : { remote: options.remote }),
      },
      options.report,
    );
    if (plan.atoms.some((a) => a.action === "refused")) {
      // The refusals are the error; say what would have happened to the other atoms.
      for (const atom of plan.atoms) {
        if (atom.action !== "refused") {
          options.report.info(describeAtom(atom, targetName(plan), false));
        }
      }
      assertPublishable(plan);
    }
    if (options.dryRun !== true) await applyPublish(repo, plan, options.report);
    return { ...viewPlan(plan), dryRun: options.dryRun === true };
  } finally {
    await repo.close();
  }
}
