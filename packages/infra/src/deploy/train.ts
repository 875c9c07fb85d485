import type { S3Client } from "@aws-sdk/client-s3";
import type { SageMakerClient } from "@aws-sdk/client-sagemaker";
import { runSageMakerTraining } from "@fraud/trainer/sagemaker";
import type { SageMakerTrainOptions, WaitOptions } from "@fraud/trainer/sagemaker";
import type { Algorithm, StackOutputs } from "@fraud/contracts";

/** One SageMaker training run against the deployed stack. @public */
export interface StackTrainingRequest {
  /** The deployed stack: its artifact bucket, prefixes, role and region. */
  stack: StackOutputs;
  /** `creditcard.csv` to split, encode and upload. */
  data: string;
  /** Training job name (`<trainingJobPrefix><yyyyMMddHHmmss>`). */
  jobName: string;
  /** Where `metrics.json`, `report.html` and `sagemaker.json` go. */
  outDir: string;
  /** The classifier algorithm to train (`linear-learner` or `xgboost`). @defaultValue `"linear-learner"` */
  algorithm?: Algorithm;
  /** Hyperparameters, by the algorithm's SageMaker names. */
  hyperparameters: Record<string, string>;
  /** Clients in the stack's region. */
  clients: StackClients;
  /** Progress lines. */
  log: (line: string) => void;
  /** Called once the training job exists (it is billed from then on). */
  onJobCreated?: (jobName: string) => void;
  /** Polling of the job. */
  waitOptions?: Omit<WaitOptions, "onUpdate" | "signal">;
}

/** S3 and SageMaker clients in the stack's region. @public */
export interface StackClients {
  /** S3 (uploads, model download). */
  s3: S3Client;
  /** SageMaker (training jobs). */
  sagemaker: SageMakerClient;
}

/** Where a training run left its model. @public */
export interface TrainedModel {
  /** `s3://…/model.tar.gz` SageMaker wrote. */
  modelDataUrl: string;
}

/** Trains a model and returns where SageMaker wrote it. @public */
export type StackTrainer = (request: StackTrainingRequest) => Promise<TrainedModel>;

/**
 * The default {@link StackTrainer}: `fraud-train sagemaker --stack` — the stack's bucket, data and
 * model prefixes, role, region and job-name prefix — waiting for the job and evaluating its model
 * on the held-out split.
 *
 * @example
 * ```ts
 * const { modelDataUrl } = await trainOnStack({ stack, data: "creditcard.csv", jobName: "fraud-dev-20260101000000", outDir: "runs", hyperparameters: {}, clients, log: console.log });
 * ```
 * @public
 */
export const trainOnStack: StackTrainer = async (r) => {
  // `fraud-train sagemaker --algorithm`'s option; the model step checks the artifact it wrote is
  // of the algorithm asked for, so a trainer that ignored it cannot deploy the wrong image.
  const options: SageMakerTrainOptions & { algorithm: Algorithm } = {
    algorithm: r.algorithm ?? "linear-learner",
    data: r.data,
    stack: r.stack,
    jobName: r.jobName,
    hyperparameters: r.hyperparameters,
    wait: true,
    outDir: r.outDir,
    clients: r.clients,
    onStep: r.log,
    ...(r.onJobCreated ? { onJobCreated: r.onJobCreated } : {}),
    onUpdate: (u) => r.log(`${r.jobName}: ${u.status} ${u.secondaryStatus}${u.message ? ` (${u.message})` : ""}`),
    ...(r.waitOptions ? { waitOptions: r.waitOptions } : {}),
  };
  const result = await runSageMakerTraining(options);
  return { modelDataUrl: result.record!.modelDataUrl };
};
