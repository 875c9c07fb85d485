import type { Algorithm } from "@fraud/contracts";
import { TRAINING_LAYOUT } from "../aws/layout.js";

/**
 * Defaults of a training job on SageMaker (any algorithm). The S3 layout and the job names are the
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

/**
 * The prefix of generated job names when no stack gives one: `TRAINING_LAYOUT.jobNamePrefix`
 * (`fraud-linear-learner-`) for Linear Learner, `fraud-<algorithm>-` for the others. A stack's
 * `trainingJobPrefix` (what its IAM grants) always wins.
 * @example
 * ```ts
 * defaultJobNamePrefix("xgboost"); // "fraud-xgboost-"
 * ```
 * @public
 */
export function defaultJobNamePrefix(algorithm: Algorithm): string {
  return algorithm === "linear-learner" ? TRAINING_JOB_DEFAULTS.jobNamePrefix : `fraud-${algorithm}-`;
}

/** Content type of RecordIO-protobuf channels: what `@fraud/recordio` writes. @public */
export const RECORDIO_PROTOBUF = "application/x-recordio-protobuf";

/** Content type of CSV channels (XGBoost: label first, no header). @public */
export const TEXT_CSV = "text/csv";

/** The content types a training channel may have, per algorithm (the first is the default). @public */
export const CHANNEL_CONTENT_TYPES: Readonly<Record<Algorithm, readonly string[]>> = Object.freeze({
  "linear-learner": Object.freeze([RECORDIO_PROTOBUF]),
  xgboost: Object.freeze([TEXT_CSV, RECORDIO_PROTOBUF]),
  randomcutforest: Object.freeze([RECORDIO_PROTOBUF]),
});
