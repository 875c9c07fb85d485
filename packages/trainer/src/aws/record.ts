import * as z from "zod";
import { trainingJobNameSchema } from "./names.js";
import { partitionOf } from "./partitions.js";
import { refineWith, s3UriSchema } from "./s3.js";

/**
 * Contents of `sagemaker.json`, written by `fraud-train sagemaker --wait` when a job completes and
 * read by the infrastructure to serve its model.
 * @public
 */
export interface SageMakerJobRecord {
  /** Training job name. */
  jobName: string;
  /** Linear Learner image the job ran (also the endpoint's serving image). */
  image: string;
  /** `s3://` URL of the job's `model.tar.gz`. */
  modelDataUrl: string;
  /** Region of the job. */
  region: string;
}

/** `<account>.dkr.ecr.<region>.<dns suffix>/<repository>[:tag|@sha256:…]`, any partition. */
const IMAGE_URI = /^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.[a-z0-9.-]+\/[a-z0-9][a-z0-9._/-]*(:[\w.-]{1,128}|@sha256:[a-f0-9]{64})$/;

/**
 * Schema of `sagemaker.json` ({@link SageMakerJobRecord}): the writer validates with it before
 * writing, readers parse with it. Unknown fields are ignored (later versions may add some).
 *
 * @example
 * ```ts
 * const record = sagemakerJobRecordSchema.parse(JSON.parse(await readFile("out/sagemaker.json", "utf8")));
 * record.modelDataUrl; // "s3://…/model.tar.gz"
 * ```
 * @public
 */
export const sagemakerJobRecordSchema: z.ZodType<SageMakerJobRecord> = z.object({
  jobName: trainingJobNameSchema,
  image: z.string().regex(IMAGE_URI, "an ECR image URI (<account>.dkr.ecr.<region>.<domain>/<repository>:<tag>)"),
  modelDataUrl: s3UriSchema,
  region: z.string().superRefine(refineWith(partitionOf)),
});
