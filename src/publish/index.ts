/** Publishing atoms (protocol.md §4): a plan computed as a plain value, then applied. */
export {
  applyPublish,
  assertPublishable,
  type PublishOutcome,
} from "./apply-publish.ts";
export {
  type AtomFacts,
  type ClassifyContext,
  classifyAtom,
  RefIndex,
} from "./classify-atom.ts";
export { describeAtom } from "./describe-atom.ts";
export {
  type AtomAction,
  type PlannedAtom,
  type PlannedRef,
  type PublishPlan,
  type PublishPlanView,
  targetName,
  viewPlan,
} from "./plan.ts";
export { DEFAULT_REMOTE, type PublishRequest, planPublish } from "./plan-publish.ts";
export { type PublishOptions, type PublishResult, publishAtoms } from "./publish-atoms.ts";
export {
  readSourceSet,
  type SourceAtom,
  type SourceObjects,
  type SourceSet,
} from "./read-source-set.ts";
