/** Defaults of `TrainingJobSettings`. @public */
export const TRAINING_JOB_DEFAULTS = {
  /** Training instance type. */
  instanceType: "ml.m5.large",
  /** Number of training instances. */
  instanceCount: 1,
  /** Size of each instance's ML storage volume. */
  volumeSizeGb: 30,
  /** Stopping condition: one day. */
  maxRuntimeSeconds: 24 * 3600,
} as const;
