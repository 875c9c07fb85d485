/**
 * Where training on SageMaker puts things, and what its jobs are called, unless told otherwise:
 * the layout the stack's IAM grants (`fraud-stack.json` reports the same prefixes as `dataPrefix`,
 * `modelPrefix` and `trainingJobPrefix`).
 *
 * @example
 * ```ts
 * `s3://${bucket}/${TRAINING_LAYOUT.dataPrefix}${jobName}/train/`;
 * ```
 * @public
 */
export const TRAINING_LAYOUT = Object.freeze({
  /** Key prefix of the uploaded data channels (train, validation, test). */
  dataPrefix: "fraud-detection/data/",
  /** Key prefix of the training output (models, checkpoints) and of uploaded `model.tar.gz` files. */
  modelPrefix: "fraud-detection/models/",
  /** Job names are this prefix and a `yyyyMMddHHmmss` UTC stamp. */
  jobNamePrefix: "fraud-linear-learner-",
} as const);
