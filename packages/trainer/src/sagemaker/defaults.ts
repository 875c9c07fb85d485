import { TRAINING_LAYOUT } from "../aws/layout.js";

/**
 * Defaults of a Linear Learner training job on SageMaker. The S3 layout and the job names are the
 * ones the stack's IAM policy grants ({@link TRAINING_LAYOUT} of `@fraud/trainer/aws`).
 *
 * @example
 * ```ts
 * TRAINING_JOB_DEFAULTS.instanceType; // "ml.m5.large"
 * ```
 * @public
 */
export const TRAINING_JOB_DEFAULTS = {
  /** Training instance type. */
  instanceType: "ml.m5.large",
  /** Number of training instances. */
  instanceCount: 1,
  /** Size of each instance's ML storage volume, GB. */
  volumeSizeGb: 30,
  /** Stopping condition: one day. */
  maxRuntimeSeconds: 24 * 3600,
  ...TRAINING_LAYOUT,
} as const;
