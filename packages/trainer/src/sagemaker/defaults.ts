/**
 * Defaults of a Linear Learner training job on SageMaker. The S3 layout and the job names are the
 * ones the stack's IAM policy grants (its `dataPrefix`, `modelPrefix` and `trainingJobPrefix`).
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
  /** Key prefix of the uploaded data channels. */
  dataPrefix: "fraud-detection/data/",
  /** Key prefix of the training output (models, checkpoints). */
  modelPrefix: "fraud-detection/models/",
  /** Job names are this prefix and a `yyyyMMddHHmmss` UTC stamp. */
  jobNamePrefix: "fraud-linear-learner-",
} as const;
