import { CreateTrainingJobCommand, DescribeTrainingJobCommand, StopTrainingJobCommand } from "@aws-sdk/client-sagemaker";
import type { CreateTrainingJobRequest, DescribeTrainingJobResponse, SageMakerClient } from "@aws-sdk/client-sagemaker";
import { setTimeout as delay } from "node:timers/promises";
import { SageMakerError, awsErrorName, awsStatus, wrapAwsError } from "./errors.js";

/** A status change seen while following a job. @public */
export interface JobUpdate {
  /** `status`: `TrainingJobStatus` changed; `secondary`: `SecondaryStatus` changed; `retry`: a transient error, polling again. */
  kind: "status" | "secondary" | "retry";
  /** `InProgress`, `Completed`, `Failed`, `Stopping` or `Stopped`. */
  status: string;
  /** E.g. `Starting`, `Downloading`, `Training`, `Uploading`, `Completed`. */
  secondaryStatus: string;
  /** SageMaker's message for the latest secondary status, or the transient error for `retry`. */
  message: string;
  /** Milliseconds since following started. */
  elapsedMs: number;
}

/** Options of {@link waitForTrainingJob}. @public */
export interface WaitOptions {
  /** First polling interval. @defaultValue 5000 */
  pollMs?: number;
  /** Longest polling interval; the interval grows by half while nothing changes. @defaultValue 60000 */
  maxPollMs?: number;
  /** Consecutive transient errors (throttling, 5xx, network) tolerated before giving up. @defaultValue 10 */
  maxRetries?: number;
  /** Called on every status or secondary-status transition and on retries. */
  onUpdate?: (update: JobUpdate) => void;
  /** Stops following (the job keeps running); the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Sleep function (injectable for tests). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Clock in ms (injectable for tests). @defaultValue Date.now */
  now?: () => number;
}

const TERMINAL = new Set(["Completed", "Failed", "Stopped"]);
const TRANSIENT = new Set([
  "ThrottlingException",
  "ThrottledException",
  "Throttling",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "ServiceUnavailable",
  "ServiceUnavailableException",
  "InternalFailure",
  "InternalServerError",
  "InternalServerException",
  "RequestTimeout",
  "RequestTimeoutException",
  "TimeoutError",
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
]);

/** Whether an AWS error is worth retrying (throttling, server errors, network failures). @public */
export function isTransientError(err: unknown): boolean {
  const status = awsStatus(err);
  if (status !== undefined && (status === 429 || status >= 500)) return true;
  const e = err as { $retryable?: unknown; code?: unknown } | null;
  if (e?.$retryable) return true;
  if (typeof e?.code === "string" && TRANSIENT.has(e.code)) return true;
  return TRANSIENT.has(awsErrorName(err));
}

function notFound(err: unknown): boolean {
  const name = awsErrorName(err);
  return name === "ResourceNotFound" || (name === "ValidationException" && /not found|does not exist/i.test((err as Error).message ?? ""));
}

/** The default sleep: a timer cancelled by the signal, rejecting with the signal's reason. */
async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  try {
    await delay(ms, undefined, signal ? { signal } : {});
  } catch (err) {
    if (signal?.aborted) throw signal.reason as Error;
    throw err;
  }
}

/**
 * Reads a training job (`DescribeTrainingJob`).
 * @throws {@link SageMakerError} `JOB_NOT_FOUND` or `AWS_ERROR`.
 * @public
 */
export async function describeTrainingJob(client: SageMakerClient, jobName: string): Promise<DescribeTrainingJobResponse> {
  try {
    return await client.send(new DescribeTrainingJobCommand({ TrainingJobName: jobName }));
  } catch (err) {
    if (notFound(err)) throw new SageMakerError("JOB_NOT_FOUND", `training job ${jobName} not found`, { cause: err });
    throw wrapAwsError(`DescribeTrainingJob ${jobName}`, err);
  }
}

/**
 * Asks SageMaker to stop a training job (`StopTrainingJob`); the job goes `Stopping` then `Stopped`.
 * @throws {@link SageMakerError} `JOB_NOT_FOUND` or `AWS_ERROR` (e.g. a job that already ended).
 * @public
 */
export async function stopTrainingJob(client: SageMakerClient, jobName: string): Promise<void> {
  try {
    await client.send(new StopTrainingJobCommand({ TrainingJobName: jobName }));
  } catch (err) {
    if (notFound(err)) throw new SageMakerError("JOB_NOT_FOUND", `training job ${jobName} not found`, { cause: err });
    throw wrapAwsError(`StopTrainingJob ${jobName}`, err);
  }
}

/**
 * Creates the training job; returns its ARN.
 * @throws {@link SageMakerError} `AWS_ERROR` with SageMaker's reason (e.g. a role SageMaker cannot assume).
 * @public
 */
export async function createTrainingJob(client: SageMakerClient, request: CreateTrainingJobRequest): Promise<string> {
  try {
    const out = await client.send(new CreateTrainingJobCommand(request));
    return out.TrainingJobArn ?? "";
  } catch (err) {
    throw wrapAwsError(`CreateTrainingJob ${request.TrainingJobName ?? ""}`, err);
  }
}

function latestMessage(d: DescribeTrainingJobResponse): string {
  const t = d.SecondaryStatusTransitions;
  return t && t.length > 0 ? (t[t.length - 1]!.StatusMessage ?? "") : "";
}

/**
 * Follows a training job until it ends: polls `DescribeTrainingJob` (the interval grows from
 * `pollMs` to `maxPollMs` while nothing changes, and resets on a change), reports every status and
 * secondary-status transition, and retries transient errors (throttling, 5xx, network) with back-off.
 *
 * @returns The final description of a `Completed` job.
 * @throws {@link SageMakerError} `JOB_FAILED` carrying SageMaker's `FailureReason`, `JOB_STOPPED`,
 * `JOB_NOT_FOUND`, or `AWS_ERROR` after `maxRetries` consecutive transient errors.
 * @public
 */
export async function waitForTrainingJob(client: SageMakerClient, jobName: string, options: WaitOptions = {}): Promise<DescribeTrainingJobResponse> {
  const pollMs = options.pollMs ?? 5000;
  const maxPollMs = options.maxPollMs ?? 60_000;
  const maxRetries = options.maxRetries ?? 10;
  const doSleep = options.sleep ?? sleep;
  const now = options.now ?? Date.now;
  const t0 = now();
  let interval = pollMs;
  let retries = 0;
  let status = "";
  let secondary = "";
  for (;;) {
    if (options.signal?.aborted) throw options.signal.reason as Error;
    let d: DescribeTrainingJobResponse;
    try {
      d = await client.send(new DescribeTrainingJobCommand({ TrainingJobName: jobName }));
      retries = 0;
    } catch (err) {
      if (notFound(err)) throw new SageMakerError("JOB_NOT_FOUND", `training job ${jobName} not found`, { cause: err });
      if (!isTransientError(err) || retries >= maxRetries) {
        throw wrapAwsError(`DescribeTrainingJob ${jobName}${retries > 0 ? ` (after ${retries} retries)` : ""}`, err);
      }
      retries++;
      const backoff = Math.min(maxPollMs, pollMs * 2 ** retries);
      options.onUpdate?.({ kind: "retry", status, secondaryStatus: secondary, message: `${awsErrorName(err)}: ${(err as Error).message}; retry ${retries}/${maxRetries} in ${Math.round(backoff / 1000)} s`, elapsedMs: now() - t0 });
      await doSleep(backoff, options.signal);
      continue;
    }
    const newStatus = d.TrainingJobStatus ?? "";
    const newSecondary = d.SecondaryStatus ?? "";
    let changed = false;
    if (newStatus !== status) {
      status = newStatus;
      secondary = newSecondary;
      changed = true;
      options.onUpdate?.({ kind: "status", status, secondaryStatus: secondary, message: latestMessage(d), elapsedMs: now() - t0 });
    } else if (newSecondary !== secondary) {
      secondary = newSecondary;
      changed = true;
      options.onUpdate?.({ kind: "secondary", status, secondaryStatus: secondary, message: latestMessage(d), elapsedMs: now() - t0 });
    }
    if (TERMINAL.has(status)) {
      if (status === "Completed") return d;
      if (status === "Failed") {
        throw new SageMakerError("JOB_FAILED", `training job ${jobName} failed: ${d.FailureReason ?? "no reason given"}`);
      }
      throw new SageMakerError("JOB_STOPPED", `training job ${jobName} was stopped${d.ModelArtifacts?.S3ModelArtifacts ? ` (partial model at ${d.ModelArtifacts.S3ModelArtifacts})` : ""}`);
    }
    interval = changed ? pollMs : Math.min(maxPollMs, Math.round(interval * 1.5));
    await doSleep(interval, options.signal);
  }
}

/** Final metrics of a job (`FinalMetricDataList`) as `{ name: value }`. @public */
export function finalMetrics(d: DescribeTrainingJobResponse): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of d.FinalMetricDataList ?? []) if (m.MetricName !== undefined && m.Value !== undefined) out[m.MetricName] = m.Value;
  return out;
}
