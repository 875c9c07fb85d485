import { describe, expect, it } from "vitest";
import { mockClient } from "aws-sdk-client-mock";
import { CreateTrainingJobCommand, DescribeTrainingJobCommand, SageMakerClient, StopTrainingJobCommand } from "@aws-sdk/client-sagemaker";
import type { DescribeTrainingJobResponse } from "@aws-sdk/client-sagemaker";
import { SageMakerError, createTrainingJob, describeTrainingJob, stopTrainingJob, waitForTrainingJob } from "@fraud/trainer/sagemaker";
import { finalMetrics, isTransientError } from "../../src/sagemaker/monitor.js";
import type { JobUpdate } from "@fraud/trainer/sagemaker";

function client(): SageMakerClient {
  return new SageMakerClient({ region: "eu-west-1", credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "secret" } });
}

function awsError(name: string, message: string, status: number, retryable = false): Error {
  return Object.assign(new Error(message), { name, $fault: status >= 500 ? "server" : "client", $metadata: { httpStatusCode: status }, ...(retryable ? { $retryable: {} } : {}) });
}

const job = (status: string, secondary: string, extra: Partial<DescribeTrainingJobResponse> = {}): DescribeTrainingJobResponse =>
  ({ TrainingJobName: "j", TrainingJobStatus: status, SecondaryStatus: secondary, SecondaryStatusTransitions: [{ Status: secondary, StartTime: new Date(0), StatusMessage: `${secondary} message` }], ...extra }) as DescribeTrainingJobResponse;

/** Sleeps instantly, recording the requested delays. */
function fakeSleep(): { sleep: (ms: number) => Promise<void>; delays: number[] } {
  const delays: number[] = [];
  return { delays, sleep: async (ms: number) => void delays.push(ms) };
}

describe("waitForTrainingJob", () => {
  it("follows a scripted job to Completed, reporting each transition once and backing off while nothing changes", async () => {
    // Prepare
    const sm = client();
    const mock = mockClient(sm);
    const completed = job("Completed", "Completed", { FinalMetricDataList: [{ MetricName: "test:binary_f_beta", Value: 0.83 }, { MetricName: "test:recall", Value: 0.78 }] });
    mock
      .on(DescribeTrainingJobCommand, { TrainingJobName: "j" })
      .resolvesOnce(job("InProgress", "Starting"))
      .resolvesOnce(job("InProgress", "Starting"))
      .resolvesOnce(job("InProgress", "Starting"))
      .resolvesOnce(job("InProgress", "Downloading"))
      .resolvesOnce(job("InProgress", "Training"))
      .resolvesOnce(job("InProgress", "Uploading"))
      .resolvesOnce(completed);
    const updates: JobUpdate[] = [];
    const { sleep, delays } = fakeSleep();
    let t = 0;
    // Act
    const d = await waitForTrainingJob(sm, "j", { pollMs: 1000, maxPollMs: 2000, sleep, now: () => (t += 10), onUpdate: (u) => updates.push(u) });
    // Assess
    expect(d).toEqual(completed);
    expect(updates.map((u) => [u.kind, u.status, u.secondaryStatus, u.message])).toEqual([
      ["status", "InProgress", "Starting", "Starting message"],
      ["secondary", "InProgress", "Downloading", "Downloading message"],
      ["secondary", "InProgress", "Training", "Training message"],
      ["secondary", "InProgress", "Uploading", "Uploading message"],
      ["status", "Completed", "Completed", "Completed message"],
    ]);
    expect(delays).toEqual([1000, 1500, 2000, 1000, 1000, 1000]);
    expect(mock.commandCalls(DescribeTrainingJobCommand)).toHaveLength(7);
    expect(finalMetrics(d)).toEqual({ "test:binary_f_beta": 0.83, "test:recall": 0.78 });
  });

  it.each([
    ["Failed", { FailureReason: "ClientError: Unable to download data from channel train" }, "JOB_FAILED", "training job j failed: ClientError: Unable to download data from channel train"],
    ["Failed", {}, "JOB_FAILED", "training job j failed: no reason given"],
    ["Stopped", {}, "JOB_STOPPED", "training job j was stopped"],
  ])("ends %s with %j as %s", async (status, extra, code, message) => {
    const sm = client();
    mockClient(sm)
      .on(DescribeTrainingJobCommand)
      .resolvesOnce(job("InProgress", "Training"))
      .resolvesOnce(job(status, status, extra as Partial<DescribeTrainingJobResponse>));
    const p = waitForTrainingJob(sm, "j", { sleep: fakeSleep().sleep });
    await expect(p).rejects.toThrow(SageMakerError);
    await expect(p).rejects.toMatchObject({ code, message });
  });

  it("retries throttling and server errors with exponential back-off, then carries on", async () => {
    const sm = client();
    const mock = mockClient(sm);
    mock
      .on(DescribeTrainingJobCommand)
      .rejectsOnce(awsError("ThrottlingException", "Rate exceeded", 400))
      .rejectsOnce(awsError("InternalFailure", "oops", 500))
      .rejectsOnce(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }))
      .resolvesOnce(job("Completed", "Completed"));
    const updates: JobUpdate[] = [];
    const { sleep, delays } = fakeSleep();
    await waitForTrainingJob(sm, "j", { pollMs: 100, maxPollMs: 10_000, sleep, onUpdate: (u) => updates.push(u) });
    expect(delays).toEqual([200, 400, 800]);
    expect(updates.filter((u) => u.kind === "retry").map((u) => u.message)).toEqual([
      "ThrottlingException: Rate exceeded; retry 1/10 in 0 s",
      "InternalFailure: oops; retry 2/10 in 0 s",
      "ECONNRESET: socket hang up; retry 3/10 in 1 s",
    ]);
    expect(updates.at(-1)?.status).toBe("Completed");
  });

  it("gives up after maxRetries consecutive transient errors", async () => {
    const sm = client();
    mockClient(sm).on(DescribeTrainingJobCommand).rejects(awsError("ThrottlingException", "Rate exceeded", 400));
    const p = waitForTrainingJob(sm, "j", { maxRetries: 2, sleep: fakeSleep().sleep });
    await expect(p).rejects.toMatchObject({ code: "AWS_ERROR", message: "DescribeTrainingJob j (after 2 retries) failed: ThrottlingException: Rate exceeded" });
  });

  it("does not retry a client error, and names a missing job", async () => {
    const sm = client();
    mockClient(sm).on(DescribeTrainingJobCommand).rejects(awsError("ValidationException", "Requested resource not found.", 400));
    await expect(waitForTrainingJob(sm, "nope", { sleep: fakeSleep().sleep })).rejects.toMatchObject({ code: "JOB_NOT_FOUND", message: "training job nope not found" });
    const sm2 = client();
    mockClient(sm2).on(DescribeTrainingJobCommand).rejects(awsError("AccessDeniedException", "not authorized to perform sagemaker:DescribeTrainingJob", 400));
    await expect(waitForTrainingJob(sm2, "j", { sleep: fakeSleep().sleep })).rejects.toMatchObject({
      code: "AWS_ERROR",
      message: "DescribeTrainingJob j failed: AccessDeniedException: not authorized to perform sagemaker:DescribeTrainingJob",
    });
  });

  it("stops following when the signal aborts (the job is left running)", async () => {
    const sm = client();
    const mock = mockClient(sm);
    mock.on(DescribeTrainingJobCommand).resolves(job("InProgress", "Training"));
    const controller = new AbortController();
    let n = 0;
    const sleep = async (): Promise<void> => {
      if (++n === 3) controller.abort(new Error("detached"));
    };
    await expect(waitForTrainingJob(sm, "j", { sleep, signal: controller.signal })).rejects.toThrow("detached");
    expect(mock.commandCalls(DescribeTrainingJobCommand)).toHaveLength(3);
    expect(mock.commandCalls(StopTrainingJobCommand)).toHaveLength(0);
  });
});

describe("isTransientError", () => {
  it.each([
    [awsError("ThrottlingException", "x", 400), true],
    [awsError("ServiceUnavailable", "x", 503), true],
    [awsError("Whatever", "x", 429), true],
    [awsError("ValidationException", "x", 400), false],
    [awsError("ResourceLimitExceeded", "x", 400), false],
    [new Error("plain"), false],
  ])("%s → %s", (err, expected) => {
    expect(isTransientError(err)).toBe(expected);
  });
});

describe("create, describe, stop", () => {
  it("sends the request as given and maps errors", async () => {
    const sm = client();
    const mock = mockClient(sm);
    mock.on(CreateTrainingJobCommand).resolves({ TrainingJobArn: "arn:aws:sagemaker:eu-west-1:123456789012:training-job/j" });
    mock.on(StopTrainingJobCommand, { TrainingJobName: "gone" }).rejects(awsError("ResourceNotFound", "Could not find job", 400));
    mock.on(StopTrainingJobCommand, { TrainingJobName: "j" }).resolves({});
    mock.on(DescribeTrainingJobCommand, { TrainingJobName: "j" }).resolves(job("InProgress", "Training"));
    const request = { TrainingJobName: "j", RoleArn: "arn:aws:iam::123456789012:role/r" } as never;
    expect(await createTrainingJob(sm, request)).toBe("arn:aws:sagemaker:eu-west-1:123456789012:training-job/j");
    expect(mock.commandCalls(CreateTrainingJobCommand)[0]!.args[0].input).toEqual(request);
    await stopTrainingJob(sm, "j");
    expect(mock.commandCalls(StopTrainingJobCommand, { TrainingJobName: "j" })).toHaveLength(1);
    await expect(stopTrainingJob(sm, "gone")).rejects.toMatchObject({ code: "JOB_NOT_FOUND" });
    expect((await describeTrainingJob(sm, "j")).SecondaryStatus).toBe("Training");
    mock.on(CreateTrainingJobCommand).rejects(awsError("ResourceLimitExceeded", "The account-level service limit 'ml.p3.2xlarge for training job usage' is 0 Instances", 400));
    await expect(createTrainingJob(sm, request)).rejects.toMatchObject({
      code: "AWS_ERROR",
      message: "CreateTrainingJob j failed: ResourceLimitExceeded: The account-level service limit 'ml.p3.2xlarge for training job usage' is 0 Instances",
    });
  });
});
