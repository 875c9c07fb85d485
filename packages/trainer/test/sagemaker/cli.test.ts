import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Command, CommanderError } from "commander";
import { mockClient } from "aws-sdk-client-mock";
import { CreateTrainingJobCommand, DescribeTrainingJobCommand, SageMakerClient, StopTrainingJobCommand } from "@aws-sdk/client-sagemaker";
import type { DescribeTrainingJobResponse } from "@aws-sdk/client-sagemaker";
import { S3Client } from "@aws-sdk/client-s3";
import { generateDataset, readCreditCardCsv, writeCreditCardCsv } from "@fraud/simulator";
import { stratifiedSplit } from "@fraud/trainer";
import { LINEAR_LEARNER_REGISTRIES, linearLearnerImage } from "@fraud/trainer/aws";
import { encodeModelArtifact } from "@fraud/trainer/model";
import { SageMakerError, evaluateJobArtifact, registerSagemakerCommands } from "@fraud/trainer/sagemaker";
import type { SagemakerCliDeps } from "@fraud/trainer/sagemaker";
import { downloadObject } from "../../src/sagemaker/evaluate.js";
import { HAVE_REAL, REAL_SKIP_NOTE, realBytes, realExpected } from "../helpers/linear-learner.js";
import { startS3Stub } from "./s3-server.js";
import type { S3Stub } from "./s3-server.js";

const LINEAR_LEARNER_REGIONS = LINEAR_LEARNER_REGISTRIES.map((r) => r.region);
const ROLE = "arn:aws:iam::123456789012:role/sm";
const ENV = ["AWS_ENDPOINT_URL_S3", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_EC2_METADATA_DISABLED"] as const;
const saved: Record<string, string | undefined> = {};
let s3: S3Stub;
let dir: string;
let csv: string;

beforeAll(async () => {
  s3 = await startS3Stub({ buckets: ["fraud-data"] });
  dir = await mkdtemp(join(tmpdir(), "fraud-sm-"));
  csv = join(dir, "creditcard.csv");
  await writeCreditCardCsv(csv, generateDataset({ rows: 4000, seed: 5, fraudRate: 0.03 }));
  for (const k of ENV) saved[k] = process.env[k];
});

beforeEach(async () => {
  // A clean, offline SDK environment: only what each test sets.
  await writeFile(join(dir, "empty-config"), "");
  for (const k of ENV) delete process.env[k];
  process.env.AWS_CONFIG_FILE = join(dir, "empty-config");
  process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, "empty-config");
  process.env.AWS_EC2_METADATA_DISABLED = "true";
});

afterAll(async () => {
  for (const k of ENV) if (saved[k] === undefined) delete process.env[k];
  else process.env[k] = saved[k];
  await s3.close();
  await rm(dir, { recursive: true, force: true });
});

function withCredentials(): void {
  process.env.AWS_ENDPOINT_URL_S3 = s3.url;
  process.env.AWS_REGION = "eu-west-1";
  process.env.AWS_ACCESS_KEY_ID = "AKIDTEST";
  process.env.AWS_SECRET_ACCESS_KEY = "secret";
}

/** A fresh `fraud-train`-like program with captured output. */
function cli(deps: SagemakerCliDeps = {}): { run: (...args: string[]) => Promise<void>; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const program = new Command("fraud-train").exitOverride().configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
  registerSagemakerCommands(program, { stdout: (s) => out.push(s), stderr: (s) => err.push(s), interactive: false, onInterrupt: () => () => undefined, ...deps });
  return { out, err, run: async (...args) => void (await program.parseAsync(["node", "fraud-train", ...args])) };
}

function sagemaker(): { client: SageMakerClient; mock: ReturnType<typeof mockClient> } {
  const client = new SageMakerClient({ region: "eu-west-1", credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "secret" } });
  const mock = mockClient(client);
  mock.on(CreateTrainingJobCommand).resolves({ TrainingJobArn: "arn:aws:sagemaker:eu-west-1:123456789012:training-job/x" });
  return { client, mock };
}

const described = (name: string, status: string, secondary: string, extra: Partial<DescribeTrainingJobResponse> = {}): DescribeTrainingJobResponse =>
  ({ TrainingJobName: name, TrainingJobStatus: status, SecondaryStatus: secondary, SecondaryStatusTransitions: [{ Status: secondary, StartTime: new Date(0), StatusMessage: `${secondary}...` }], ...extra }) as DescribeTrainingJobResponse;

const fastWait = { pollMs: 1, maxPollMs: 1 };

describe("fraud-train sagemaker --wait", () => {
  it("uploads, creates the job, follows it, evaluates the model on the local test split and writes metrics.json, report.html, sagemaker.json", async () => {
    // Prepare: the job's model, as SageMaker would leave it in S3.
    withCredentials();
    const weights = Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? 0.05 : -0.04) * (1 + (i % 5)));
    weights[29] = 0.002;
    const artifact = await encodeModelArtifact({ weights, bias: -2, threshold: 0.3, predictorType: "binary_classifier" });
    const modelUrl = "s3://fraud-data/fraud-detection/models/job-e2e/output/model.tar.gz";
    s3.objects.get("fraud-data")!.set("fraud-detection/models/job-e2e/output/model.tar.gz", artifact);
    const { client, mock } = sagemaker();
    mock
      .on(DescribeTrainingJobCommand)
      .resolvesOnce(described("job-e2e", "InProgress", "Starting"))
      .resolvesOnce(described("job-e2e", "InProgress", "Training"))
      .resolvesOnce(
        described("job-e2e", "Completed", "Completed", {
          ModelArtifacts: { S3ModelArtifacts: modelUrl },
          TrainingTimeInSeconds: 321,
          BillableTimeInSeconds: 123,
          FinalMetricDataList: [{ MetricName: "test:recall", Value: 0.81, Timestamp: new Date(0) }],
        }),
      );
    const out = join(dir, "out-e2e");
    const c = cli({ clients: { sagemaker: client }, waitOptions: fastWait });
    // Act
    await c.run("sagemaker", "--data", csv, "--bucket", "fraud-data", "--role", ROLE, "--job-name", "job-e2e", "--hp", "mini_batch_size=200", "--spot", "--wait", "--out", out);
    // Assess
    expect(c.out.join("")).toBe("job-e2e\n");
    const log = c.err.join("");
    expect(log).toContain("InProgress / Starting: Starting...");
    expect(log).toContain("InProgress / Training: Training...");
    expect(log).toContain("Completed / Completed");
    expect(JSON.parse(await readFile(join(out, "sagemaker.json"), "utf8"))).toEqual({
      jobName: "job-e2e",
      image: "438346466558.dkr.ecr.eu-west-1.amazonaws.com/linear-learner:1",
      modelDataUrl: modelUrl,
      region: "eu-west-1",
    });
    const metrics = JSON.parse(await readFile(join(out, "metrics.json"), "utf8"));
    // Independent evaluation: the same split, scored by hand with the float32 weights.
    const all = await readCreditCardCsv(csv);
    const test = stratifiedSplit(all, [0.7, 0.15, 0.15], 0, ["train", "validation", "test"])[2]!;
    const w32 = Float32Array.from(weights);
    const c0 = { tn: 0, fp: 0, fn: 0, tp: 0 };
    for (let r = 0; r < test.rows; r++) {
      let z = Math.fround(-2);
      for (let j = 0; j < 30; j++) z += test.features[r * 30 + j]! * w32[j]!;
      const hat = 1 / (1 + Math.exp(-z)) >= 0.3;
      const key = test.labels[r] === 1 ? (hat ? "tp" : "fn") : hat ? "fp" : "tn";
      c0[key]++;
    }
    expect(c0.tp + c0.fp).toBeGreaterThan(0);
    expect(metrics.test.confusion).toEqual(c0);
    expect(metrics).toMatchObject({ engine: "sagemaker", threshold: 0.3, trainSeconds: 321, validation: null, seed: 0 });
    expect(metrics.sagemaker).toMatchObject({ jobName: "job-e2e", billableSeconds: 123, spot: true, instanceType: "ml.m5.large", finalMetrics: { "test:recall": 0.81 } });
    expect(metrics.data.test).toMatchObject({ file: csv, rows: test.rows });
    expect(metrics.test.precision).toBeCloseTo(c0.tp / (c0.tp + c0.fp), 12);
    const html = await readFile(join(out, "report.html"), "utf8");
    expect(html).toContain("job-e2e");
    expect(html).toContain("SageMaker test:recall");
    const sent = mock.commandCalls(CreateTrainingJobCommand)[0]!.args[0].input;
    expect(sent.HyperParameters).toEqual({ epochs: "15", feature_dim: "30", mini_batch_size: "200", predictor_type: "binary_classifier" });
    expect(log).toContain("linear-learner hyperparameters: epochs=15 feature_dim=30 mini_batch_size=200 predictor_type=binary_classifier\n");
    expect(sent.EnableManagedSpotTraining).toBe(true);
    expect(JSON.parse(await readFile(join(out, "training-job.json"), "utf8")).uploads).toHaveLength(3);
  });

  it("prints SageMaker's FailureReason when the job fails, and writes no evaluation", async () => {
    withCredentials();
    const { client, mock } = sagemaker();
    mock
      .on(DescribeTrainingJobCommand)
      .resolvesOnce(described("job-fail", "InProgress", "Training"))
      .resolvesOnce(described("job-fail", "Failed", "Failed", { FailureReason: "AlgorithmError: feature_dim of 30 does not match the data" }));
    const out = join(dir, "out-fail");
    const p = cli({ clients: { sagemaker: client }, waitOptions: fastWait }).run("sagemaker", "--data", csv, "--bucket", "fraud-data", "--role", ROLE, "--job-name", "job-fail", "--wait", "--out", out);
    await expect(p).rejects.toMatchObject({ code: "JOB_FAILED", message: "training job job-fail failed: AlgorithmError: feature_dim of 30 does not match the data" });
    await expect(readFile(join(out, "metrics.json"))).rejects.toThrow(/ENOENT/);
  });

  it.each([
    [true, "JOB_STOPPED", "training job job-int was stopped", 1],
    [false, "AWS_ERROR", "stopped following training job job-int; it keeps running (fraud-train sagemaker-status job-int)", 0],
  ])("Ctrl-C while waiting asks whether to stop the job (answer %s)", async (answer, code, message, stops) => {
    withCredentials();
    const { client, mock } = sagemaker();
    let stopped = false;
    mock.on(StopTrainingJobCommand).callsFake(async () => {
      stopped = true;
      return {};
    });
    mock.on(DescribeTrainingJobCommand).callsFake(async () => (stopped ? described("job-int", "Stopped", "Stopped") : described("job-int", "InProgress", "Training")));
    let interrupt: (() => void) | undefined;
    const asked: string[] = [];
    let polls = 0;
    const c = cli({
      clients: { sagemaker: client },
      interactive: true,
      onInterrupt: (h) => {
        interrupt = h;
        return () => (interrupt = undefined);
      },
      confirmStop: async (name) => {
        asked.push(name);
        return answer;
      },
      waitOptions: {
        pollMs: 1,
        maxPollMs: 1,
        sleep: async () => {
          if (++polls === 2) interrupt?.();
          await new Promise((r) => setTimeout(r, 2));
        },
      },
    });
    const p = c.run("sagemaker", "--data", csv, "--bucket", "fraud-data", "--role", ROLE, "--job-name", "job-int", "--wait", "--out", join(dir, "out-int"));
    await expect(p).rejects.toMatchObject({ code, message });
    expect(asked).toEqual(["job-int"]);
    expect(mock.commandCalls(StopTrainingJobCommand)).toHaveLength(stops);
    expect(interrupt).toBeUndefined();
  });
});

describe("fraud-train sagemaker --dry-run", () => {
  it.each(["us-east-1", "cn-northwest-1", "us-gov-east-1", "ap-southeast-4"])("prints what would be sent for %s without credentials or network", async (region) => {
    const before = s3.log.length;
    const c = cli();
    await c.run("sagemaker", "--dry-run", "--data", csv, "--bucket", "fraud-data", "--prefix", "dry", "--role", `arn:${region.startsWith("cn-") ? "aws-cn" : region.startsWith("us-gov") ? "aws-us-gov" : "aws"}:iam::123456789012:role/sm`, "--region", region, "--job-name", "dry-1", "--instance-count", "2");
    const plan = JSON.parse(c.out.join(""));
    expect(Object.keys(plan)).toEqual(["uploads", "createTrainingJob", "modelDataUrl"]);
    expect(plan.modelDataUrl).toBe("s3://fraud-data/dry/models/dry-1/output/model.tar.gz");
    expect(plan.createTrainingJob.AlgorithmSpecification.TrainingImage).toBe(linearLearnerImage(region));
    expect(plan.uploads.map((u: { key: string }) => u.key)).toEqual([
      "dry/data/dry-1/train/part-00000.recordio",
      "dry/data/dry-1/train/part-00001.recordio",
      "dry/data/dry-1/validation/part-00000.recordio",
      "dry/data/dry-1/test/part-00000.recordio",
    ]);
    expect(plan.uploads.reduce((a: number, u: { records: number }) => a + u.records, 0)).toBe(4000);
    for (const u of plan.uploads) expect(u).toEqual({ bucket: "fraud-data", key: u.key, bytes: u.records * 168, records: u.records });
    expect(plan.createTrainingJob.InputDataConfig[0].DataSource.S3DataSource.S3DataDistributionType).toBe("ShardedByS3Key");
    expect(s3.log.length).toBe(before);
    expect(c.err.join("")).toBe("");
  });

  it("names every known region when the region is unknown", async () => {
    await expect(cli().run("sagemaker", "--dry-run", "--data", csv, "--bucket", "b-1", "--role", ROLE, "--region", "eu-mars-1")).rejects.toMatchObject({
      code: "UNKNOWN_REGION",
      message: `no linear-learner image for region "eu-mars-1" (known regions: ${LINEAR_LEARNER_REGIONS.join(", ")})`,
    });
  });
});

describe("fraud-train sagemaker --stack", () => {
  const stack = {
    version: 1,
    environment: "dev",
    region: "eu-west-1",
    partition: "aws",
    accountId: "123456789012",
    artifactBucket: "fraud-data",
    dataPrefix: "fraud-detection/data/",
    modelPrefix: "fraud-detection/models/",
    outputBucket: "fraud-output",
    sagemakerRoleArn: "arn:aws:iam::123456789012:role/fraud-dev-sagemaker",
    trainingJobPrefix: "fraud-dev-",
    endpointName: null,
    scoringMode: "embedded",
  };
  const now = () => new Date("2026-11-25T01:42:10Z");
  const stackFile = async (name: string, content: unknown): Promise<string> => {
    const file = join(dir, name);
    await writeFile(file, typeof content === "string" ? content : JSON.stringify(content));
    return file;
  };

  it("--dry-run --json prints the CreateTrainingJob input and the uploads inside the stack's prefixes, job name and role", async () => {
    const file = await stackFile("fraud-stack.json", stack);
    const c = cli({ now });
    await c.run("sagemaker", "--stack", file, "--data", csv, "--dry-run", "--json");
    const plan = JSON.parse(c.out.join(""));
    expect(plan.uploads.map((u: { bucket: string; key: string }) => `s3://${u.bucket}/${u.key}`)).toEqual([
      "s3://fraud-data/fraud-detection/data/fraud-dev-20261125014210/train/part-00000.recordio",
      "s3://fraud-data/fraud-detection/data/fraud-dev-20261125014210/validation/part-00000.recordio",
      "s3://fraud-data/fraud-detection/data/fraud-dev-20261125014210/test/part-00000.recordio",
    ]);
    const req = plan.createTrainingJob;
    expect(req.TrainingJobName).toBe("fraud-dev-20261125014210");
    expect(req.RoleArn).toBe(stack.sagemakerRoleArn);
    expect(req.AlgorithmSpecification.TrainingImage).toBe(linearLearnerImage("eu-west-1"));
    expect(req.InputDataConfig.map((ch: { DataSource: { S3DataSource: { S3Uri: string } } }) => ch.DataSource.S3DataSource.S3Uri)).toEqual([
      "s3://fraud-data/fraud-detection/data/fraud-dev-20261125014210/train/",
      "s3://fraud-data/fraud-detection/data/fraud-dev-20261125014210/validation/",
      "s3://fraud-data/fraud-detection/data/fraud-dev-20261125014210/test/",
    ]);
    expect(req.OutputDataConfig).toEqual({ S3OutputPath: "s3://fraud-data/fraud-detection/models" });
    expect(plan.modelDataUrl).toBe("s3://fraud-data/fraud-detection/models/fraud-dev-20261125014210/output/model.tar.gz");
    expect(c.err.join("")).toBe("");
  });

  it("takes the raw `terraform output -json` of the stack too", async () => {
    const { version: _v, ...fields } = stack;
    const tf = Object.fromEntries(Object.entries(fields).map(([k, value]) => [k.replace(/[A-Z]/g, (ch) => `_${ch.toLowerCase()}`), { sensitive: false, type: "string", value }]));
    const c = cli({ now });
    await c.run("sagemaker", "--stack", await stackFile("tf-output.json", tf), "--data", csv, "--dry-run", "--job-name", "fraud-dev-manual-1");
    expect(JSON.parse(c.out.join("")).createTrainingJob.TrainingJobName).toBe("fraud-dev-manual-1");
  });

  it("uses the stack's bucket and role for a real run, and writes a sagemaker.json the schema accepts", async () => {
    withCredentials();
    delete process.env.AWS_REGION;
    const { client, mock } = sagemaker();
    const c = cli({ clients: { sagemaker: client }, now });
    await c.run("sagemaker", "--stack", await stackFile("fraud-stack-run.json", stack), "--data", csv, "--out", join(dir, "out-stack"), "--json");
    const result = JSON.parse(c.out.join(""));
    expect(result).toMatchObject({ jobName: "fraud-dev-20261125014210", region: "eu-west-1", modelDataUrl: "s3://fraud-data/fraud-detection/models/fraud-dev-20261125014210/output/model.tar.gz" });
    expect(mock.commandCalls(CreateTrainingJobCommand)[0]!.args[0].input.RoleArn).toBe(stack.sagemakerRoleArn);
    expect([...s3.objects.get("fraud-data")!.keys()]).toContain("fraud-detection/data/fraud-dev-20261125014210/train/part-00000.recordio");
  });

  it.each<[string, () => Promise<string[]>, string | RegExp]>([
    ["a job name outside the stack's prefix", async () => ["--stack", await stackFile("s1.json", stack), "--job-name", "other-1"], 'job name "other-1" does not start with the stack\'s trainingJobPrefix "fraud-dev-" (the stack\'s IAM policy grants only those)'],
    ["an invalid stack file", async () => ["--stack", await stackFile("s2.json", { ...stack, partition: "aws-cn" })], /s2\.json: invalid stack outputs: partition: aws-cn is not the partition of eu-west-1 \(aws\)$/],
    ["a stack file that is not JSON", async () => ["--stack", await stackFile("s3.json", "{nope")], /s3\.json: not valid JSON/],
    ["a missing stack file", async () => ["--stack", join(dir, "absent.json")], /absent\.json: cannot read the stack outputs \(ENOENT\)$/],
  ])("refuses %s with INVALID_ARGUMENT", async (_name, extra, message) => {
    const p = cli({ now }).run("sagemaker", "--data", csv, "--dry-run", ...(await extra()));
    await expect(p).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    await expect(p).rejects.toThrow(message);
  });

  it("--stack conflicts with --bucket, --role, --prefix and --region; without it both --bucket and --role are needed", async () => {
    const file = await stackFile("s4.json", stack);
    for (const extra of [["--bucket", "b-1"], ["--role", ROLE], ["--prefix", "p"], ["--region", "eu-west-1"]]) {
      await expect(cli().run("sagemaker", "--data", csv, "--dry-run", "--stack", file, ...extra)).rejects.toBeInstanceOf(CommanderError);
    }
    await expect(cli().run("sagemaker", "--data", csv, "--dry-run", "--bucket", "b-1")).rejects.toMatchObject({ exitCode: 2, message: "give --stack FILE (the deployed stack's outputs), or --bucket and --role" });
  });
});

describe("bad input is refused before anything is uploaded or billed", () => {
  const args = ["sagemaker", "--data", "DATA", "--bucket", "fraud-data", "--role", ROLE, "--out", "OUT"];
  it.each<[string, string[], string, RegExp]>([
    ["a role that is not an ARN", ["--role", "my-role"], "BAD_ROLE_ARN", /^"my-role" is not an IAM role ARN/],
    ["an instance type SageMaker does not offer for training", ["--instance-type", "ml.t2.medium"], "BAD_INSTANCE_TYPE", /^SageMaker does not offer "ml.t2.medium" for Linear Learner training/],
    ["an unknown hyperparameter", ["--hp", "epoch=3"], "INVALID_ARGUMENT", /^unknown hyperparameter epoch \(valid: /],
    ["a bad hyperparameter value", ["--hp", "mini_batch_size=-1"], "INVALID_ARGUMENT", /^hyperparameter mini_batch_size=-1 is not valid: must be an integer >= 1$/],
    ["a missing bucket", ["--bucket", "no-such-bucket"], "BUCKET_NOT_FOUND", /^bucket no-such-bucket does not exist$/],
    ["a missing data file", ["--data", "/nonexistent/creditcard.csv"], "IO_ERROR", /^cannot read \/nonexistent\/creditcard.csv: no such file or directory$/],
  ])("%s", async (_name, extra, code, message) => {
    withCredentials();
    const { client, mock } = sagemaker();
    const before = s3.log.length;
    const argv = [...args.map((a) => (a === "DATA" ? csv : a === "OUT" ? join(dir, "out-bad") : a)), ...extra];
    const p = cli({ clients: { sagemaker: client } }).run(...argv);
    await expect(p).rejects.toMatchObject({ code });
    await expect(p).rejects.toThrow(message);
    expect(s3.log.slice(before).filter((l) => !l.startsWith("HEAD "))).toEqual([]);
    expect(mock.commandCalls(CreateTrainingJobCommand)).toHaveLength(0);
  });

  it("missing credentials", async () => {
    process.env.AWS_REGION = "eu-west-1";
    const p = cli().run("sagemaker", "--data", csv, "--bucket", "fraud-data", "--role", ROLE, "--out", join(dir, "o"));
    await expect(p).rejects.toMatchObject({ code: "NO_CREDENTIALS" });
    await expect(p).rejects.toThrow(/^no AWS credentials found \(CredentialsProviderError\): set AWS_ACCESS_KEY_ID/);
  });

  it("missing region", async () => {
    process.env.AWS_ACCESS_KEY_ID = "AKIDTEST";
    process.env.AWS_SECRET_ACCESS_KEY = "secret";
    await expect(cli().run("sagemaker", "--data", csv, "--bucket", "fraud-data", "--role", ROLE, "--out", join(dir, "o"))).rejects.toMatchObject({
      code: "NO_REGION",
      message: "no AWS region: pass --region, set AWS_REGION, or set region in the AWS profile",
    });
  });

  it("missing --out is a usage error (exit 2)", async () => {
    const p = cli().run("sagemaker", "--data", csv, "--bucket", "fraud-data", "--role", ROLE);
    await expect(p).rejects.toBeInstanceOf(CommanderError);
    await expect(p).rejects.toMatchObject({ exitCode: 2, message: "--out DIR is required (except with --dry-run)" });
  });
});

describe("fraud-train sagemaker-status / sagemaker-stop", () => {
  it("shows status, failure reason and metrics; stops a job; names a missing one", async () => {
    const { client, mock } = sagemaker();
    mock.on(DescribeTrainingJobCommand, { TrainingJobName: "j1" }).resolves(
      described("j1", "Failed", "Failed", { FailureReason: "ClientError: no data", CreationTime: new Date("2026-01-02T03:04:05Z"), FinalMetricDataList: [{ MetricName: "validation:objective_loss", Value: 0.1 }] }),
    );
    mock.on(DescribeTrainingJobCommand, { TrainingJobName: "ghost" }).rejects(Object.assign(new Error("Requested resource not found."), { name: "ValidationException", $metadata: { httpStatusCode: 400 } }));
    mock.on(StopTrainingJobCommand).resolves({});
    const c = cli({ clients: { sagemaker: client } });
    await c.run("sagemaker-status", "j1");
    const text = c.out.join("");
    expect(text).toContain("status:    Failed (Failed)\n");
    expect(text).toContain("failure:   ClientError: no data\n");
    expect(text).toContain("created:   2026-01-02T03:04:05.000Z\n");
    expect(text).toContain("metric:    validation:objective_loss = 0.1\n");
    c.out.length = 0;
    await c.run("sagemaker-status", "j1", "--json");
    expect(JSON.parse(c.out.join("")).FailureReason).toBe("ClientError: no data");
    c.out.length = 0;
    await c.run("sagemaker-stop", "j1");
    expect(c.out.join("")).toBe("stop requested for training job j1\n");
    expect(mock.commandCalls(StopTrainingJobCommand)[0]!.args[0].input).toEqual({ TrainingJobName: "j1" });
    await expect(c.run("sagemaker-status", "ghost")).rejects.toMatchObject({ code: "JOB_NOT_FOUND", message: "training job ghost not found" });
  });
});

describe.skipIf(!HAVE_REAL)(`a real SageMaker Linear Learner artifact${REAL_SKIP_NOTE}`, () => {
  it("evaluates through the job's path: downloaded from S3, loaded, scored, written", async () => {
    // Prepare: the real artifact where a job would have left it.
    withCredentials();
    const bytes = realBytes("attrition-binary");
    const expected = realExpected<{ predictions: { width: number; rows: { score: number; predicted_label: number }[] }; "additional-params.json": { threshold: number } }>("attrition-binary");
    s3.objects.get("fraud-data")!.set("real/output/model.tar.gz", bytes);
    const width: number = expected.predictions.width;
    const rows: { score: number; predicted_label: number }[] = expected.predictions.rows;
    const features = new Float64Array(rows.length * width);
    for (let i = 0; i < rows.length; i++) for (let j = 0; j < width; j++) features[i * width + j] = (((i * 31 + j * 17) % 13) - 6) / 3;
    const labels = Uint8Array.from([1, 1, 0, 0, 1]);
    const client = new S3Client({});
    try {
      // Act
      const artifact = await downloadObject(client, "s3://fraud-data/real/output/model.tar.gz");
      const out = join(dir, "out-real");
      const { metrics } = await evaluateJobArtifact(artifact, { rows: rows.length, features, labels }, { jobName: "real", image: linearLearnerImage("us-east-1"), modelDataUrl: "s3://fraud-data/real/output/model.tar.gz", region: "us-east-1", trainSeconds: 0 }, out);
      // Assess: confusion from the reference predictions (numpy over the stored parameters).
      const c0 = { tn: 0, fp: 0, fn: 0, tp: 0 };
      rows.forEach((r, i) => {
        const hat = r.predicted_label === 1;
        c0[labels[i] === 1 ? (hat ? "tp" : "fn") : hat ? "fp" : "tn"]++;
      });
      expect(metrics.threshold).toBe(expected["additional-params.json"].threshold);
      expect(metrics.test!.confusion).toEqual(c0);
      expect(metrics.features).toHaveLength(width);
      expect(JSON.parse(await readFile(join(out, "sagemaker.json"), "utf8")).modelDataUrl).toBe("s3://fraud-data/real/output/model.tar.gz");
    } finally {
      client.destroy();
    }
  });

  it("the real regressor artifact is refused with a typed error", async () => {
    const bytes = realBytes("salary-regressor");
    await expect(evaluateJobArtifact(bytes, { rows: 1, features: new Float64Array(1), labels: new Uint8Array(1) }, { jobName: "r", image: "i", modelDataUrl: "s3://b/k", region: "us-east-1", trainSeconds: 0 }, join(dir, "out-r"))).rejects.toMatchObject({
      code: "MODEL_UNSUPPORTED",
    });
  });
});

it("a regressor artifact is refused with a typed error", async () => {
  const bytes = await encodeModelArtifact({ predictorType: "regressor", weights: [1], bias: 0 });
  await expect(evaluateJobArtifact(bytes, { rows: 1, features: new Float64Array(1), labels: new Uint8Array(1) }, { jobName: "r", image: "i", modelDataUrl: "s3://b/k", region: "us-east-1", trainSeconds: 0 }, join(dir, "out-r2"))).rejects.toMatchObject({
    code: "MODEL_UNSUPPORTED",
  });
});

it("SageMakerError carries a stable code", () => {
  expect(new SageMakerError("JOB_FAILED", "x")).toMatchObject({ name: "SageMakerError", code: "JOB_FAILED" });
});
