// fraud-train sagemaker --algorithm xgboost|randomcutforest end to end: the dry run's exact
// request, what lands in S3 (the local S3 server), the mocked job, and the evaluation after it.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Command } from "commander";
import { mockClient } from "aws-sdk-client-mock";
import { CreateTrainingJobCommand, DescribeTrainingJobCommand, SageMakerClient } from "@aws-sdk/client-sagemaker";
import type { DescribeTrainingJobResponse } from "@aws-sdk/client-sagemaker";
import { decodeRecords } from "@fraud/recordio";
import { generateDataset, readCreditCardCsv, writeCreditCardCsv } from "@fraud/simulator";
import { DEFAULT_SPLIT, stratifiedSplit } from "@fraud/trainer";
import type { Dataset } from "@fraud/trainer";
import { loadModel } from "@fraud/trainer/model";
import { registerSagemakerCommands } from "@fraud/trainer/sagemaker";
import type { SagemakerCliDeps } from "@fraud/trainer/sagemaker";
import { tarOf } from "../helpers/archives.js";
import { startS3Stub } from "./s3-server.js";
import type { S3Stub } from "./s3-server.js";

const ROLE = "arn:aws:iam::123456789012:role/sm";
const ENV = ["AWS_ENDPOINT_URL_S3", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_EC2_METADATA_DISABLED"] as const;
const FIXTURE = new URL("../fixtures/xgboost/aws-solution-30/model.tar.gz", import.meta.url);
const saved: Record<string, string | undefined> = {};
let s3: S3Stub;
let dir: string;
let csv: string;
let splits: Record<"train" | "validation" | "test", Dataset>;

beforeAll(async () => {
  s3 = await startS3Stub({ buckets: ["fraud-data"] });
  dir = await mkdtemp(join(tmpdir(), "fraud-sm-alg-"));
  csv = join(dir, "creditcard.csv");
  await writeCreditCardCsv(csv, generateDataset({ rows: 3000, seed: 11, fraudRate: 0.03 }));
  const [train, validation, test] = stratifiedSplit(await readCreditCardCsv(csv), DEFAULT_SPLIT.fractions, 0, ["train", "validation", "test"]);
  splits = { train: train!, validation: validation!, test: test! };
  for (const k of ENV) saved[k] = process.env[k];
});

beforeEach(async () => {
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

function cli(deps: SagemakerCliDeps = {}): { run: (...args: string[]) => Promise<void>; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const program = new Command("fraud-train").exitOverride().configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
  registerSagemakerCommands(program, { stdout: (s) => out.push(s), stderr: (s) => err.push(s), interactive: false, onInterrupt: () => () => undefined, ...deps });
  return { out, err, run: async (...args) => void (await program.parseAsync(["node", "fraud-train", ...args])) };
}

function sagemaker(name: string, modelUrl: string, finalMetrics: { MetricName: string; Value: number }[] = []): { client: SageMakerClient; mock: ReturnType<typeof mockClient> } {
  const client = new SageMakerClient({ region: "eu-west-1", credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "secret" } });
  const mock = mockClient(client);
  mock.on(CreateTrainingJobCommand).resolves({ TrainingJobArn: `arn:aws:sagemaker:eu-west-1:123456789012:training-job/${name}` });
  mock.on(DescribeTrainingJobCommand).resolves({
    TrainingJobName: name,
    TrainingJobStatus: "Completed",
    SecondaryStatus: "Completed",
    ModelArtifacts: { S3ModelArtifacts: modelUrl },
    TrainingTimeInSeconds: 60,
    FinalMetricDataList: finalMetrics.map((m) => ({ ...m, Timestamp: new Date(0) })),
  } as DescribeTrainingJobResponse);
  return { client, mock };
}

const dryRun = async (...extra: string[]): Promise<{ uploads: { bucket: string; key: string; bytes: number; records: number }[]; createTrainingJob: Record<string, unknown>; modelDataUrl: string }> => {
  const c = cli();
  await c.run("sagemaker", "--dry-run", "--json", "--data", csv, "--bucket", "fraud-data", "--role", ROLE, "--region", "eu-west-1", "--job-name", "dry-1", ...extra);
  expect(c.err.join("")).toBe("");
  return JSON.parse(c.out.join(""));
};

/** Bytes of the CSV SageMaker's XGBoost reads for rows of a split: label first, no header. */
const csvOf = (d: Dataset): string => {
  let s = "";
  for (let r = 0; r < d.rows; r++) s += `${d.labels[r]},${Array.from(d.features.subarray(r * 30, (r + 1) * 30)).join(",")}\n`;
  return s;
};

describe("fraud-train sagemaker --dry-run --json", () => {
  it("xgboost: CSV channels, the 1.7-1 image, hyperparameters as strings over the defaults", async () => {
    const plan = await dryRun("--algorithm", "xgboost", "--hp", "max_depth=5", "--hp", "eta=0.2");
    expect(plan.createTrainingJob).toEqual({
      TrainingJobName: "dry-1",
      AlgorithmSpecification: { TrainingImage: "141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.7-1", TrainingInputMode: "File" },
      RoleArn: ROLE,
      HyperParameters: { eta: "0.2", eval_metric: "logloss", max_depth: "5", num_round: "100", objective: "binary:logistic" },
      InputDataConfig: ["train", "validation"].map((c) => ({
        ChannelName: c,
        DataSource: { S3DataSource: { S3DataType: "S3Prefix", S3Uri: `s3://fraud-data/fraud-detection/data/dry-1/${c}/`, S3DataDistributionType: "FullyReplicated" } },
        ContentType: "text/csv",
        CompressionType: "None",
      })),
      OutputDataConfig: { S3OutputPath: "s3://fraud-data/fraud-detection/models" },
      ResourceConfig: { InstanceType: "ml.m5.large", InstanceCount: 1, VolumeSizeInGB: 30 },
      StoppingCondition: { MaxRuntimeInSeconds: 86400 },
    });
    expect(plan.uploads).toEqual([
      { bucket: "fraud-data", key: "fraud-detection/data/dry-1/train/part-00000.csv", bytes: Buffer.byteLength(csvOf(splits.train)), records: splits.train.rows },
      { bucket: "fraud-data", key: "fraud-detection/data/dry-1/validation/part-00000.csv", bytes: Buffer.byteLength(csvOf(splits.validation)), records: splits.validation.rows },
    ]);
  });

  it("xgboost --content-type application/x-recordio-protobuf: labelled RecordIO channels", async () => {
    const plan = await dryRun("--algorithm", "xgboost", "--content-type", "application/x-recordio-protobuf");
    const channels = plan.createTrainingJob.InputDataConfig as { ContentType: string }[];
    expect(channels.map((c) => c.ContentType)).toEqual(["application/x-recordio-protobuf", "application/x-recordio-protobuf"]);
    expect(plan.uploads.map((u) => [u.key, u.bytes])).toEqual([
      ["fraud-detection/data/dry-1/train/part-00000.recordio", splits.train.rows * 168],
      ["fraud-detection/data/dry-1/validation/part-00000.recordio", splits.validation.rows * 168],
    ]);
  });

  it.each([
    [[] as string[], ["train", "test"]],
    [["--no-test-channel"], ["train"]],
  ])("randomcutforest %j: unlabelled train ShardedByS3Key, optional labelled test", async (extra, names) => {
    const plan = await dryRun("--algorithm", "randomcutforest", "--hp", "num_trees=50", "--hp", "num_samples_per_tree=512", ...extra);
    const req = plan.createTrainingJob as { AlgorithmSpecification: { TrainingImage: string }; HyperParameters: Record<string, string>; InputDataConfig: { ChannelName: string; ContentType: string; DataSource: { S3DataSource: { S3DataDistributionType: string } } }[] };
    expect(req.AlgorithmSpecification.TrainingImage).toBe("438346466558.dkr.ecr.eu-west-1.amazonaws.com/randomcutforest:1");
    expect(req.HyperParameters).toEqual({ feature_dim: "30", num_samples_per_tree: "512", num_trees: "50" });
    expect(req.InputDataConfig.map((c) => [c.ChannelName, c.ContentType, c.DataSource.S3DataSource.S3DataDistributionType])).toEqual(
      names.map((n) => [n, "application/x-recordio-protobuf", n === "train" ? "ShardedByS3Key" : "FullyReplicated"]),
    );
    // An unlabelled record has no label map entry: 148 bytes against 168 (framing and padding included).
    expect(plan.uploads.map((u) => [u.key, u.bytes])).toEqual([
      ["fraud-detection/data/dry-1/train/part-00000.recordio", splits.train.rows * 148],
      ...(names.includes("test") ? [["fraud-detection/data/dry-1/test/part-00000.recordio", splits.test.rows * 168]] : []),
    ]);
  });

  it.each([
    ["an algorithm SageMaker names otherwise", ["--algorithm", "xgb"]],
    ["CSV for Random Cut Forest", ["--algorithm", "randomcutforest", "--content-type", "text/csv"]],
    ["--no-test-channel for Linear Learner", ["--no-test-channel"]],
  ])("refuses %s", async (_name, extra) => {
    await expect(dryRun(...extra)).rejects.toThrow(/^(error: option '--algorithm <name>' argument 'xgb' is invalid|randomcutforest trains on SageMaker from application\/x-recordio-protobuf, not "text\/csv"|a test channel option applies to randomcutforest only, not linear-learner)/);
  });
});

describe("fraud-train sagemaker --wait", () => {
  it("xgboost: uploads the CSV channels, creates the job, downloads the 1.7-1 artifact and scores it with the registry", async () => {
    withCredentials();
    const modelUrl = "s3://fraud-data/fraud-detection/models/xgb-1/output/model.tar.gz";
    const artifact = new Uint8Array(await readFile(FIXTURE));
    s3.objects.get("fraud-data")!.set("fraud-detection/models/xgb-1/output/model.tar.gz", artifact);
    const { client, mock } = sagemaker("xgb-1", modelUrl, [{ MetricName: "validation:logloss", Value: 0.05 }]);
    const out = join(dir, "out-xgb");
    const c = cli({ clients: { sagemaker: client }, waitOptions: { pollMs: 1, maxPollMs: 1 } });
    await c.run("sagemaker", "--algorithm", "xgboost", "--data", csv, "--bucket", "fraud-data", "--role", ROLE, "--job-name", "xgb-1", "--hp", "num_round=40", "--wait", "--out", out);
    // What landed in S3 is exactly the CSV of each split.
    const objects = s3.objects.get("fraud-data")!;
    expect(Buffer.from(objects.get("fraud-detection/data/xgb-1/train/part-00000.csv")!).toString()).toBe(csvOf(splits.train));
    expect(Buffer.from(objects.get("fraud-detection/data/xgb-1/validation/part-00000.csv")!).toString()).toBe(csvOf(splits.validation));
    const sent = mock.commandCalls(CreateTrainingJobCommand)[0]!.args[0].input;
    expect(sent.HyperParameters).toEqual({ eval_metric: "logloss", num_round: "40", objective: "binary:logistic" });
    expect(c.err.join("")).toContain("xgboost hyperparameters: eval_metric=logloss num_round=40 objective=binary:logistic\n");
    // The evaluation: the model's scores of the test split at 0.5, counted here.
    const model = await loadModel(artifact);
    const scores = model.scores({ data: splits.test.features, rows: splits.test.rows, cols: 30 });
    const confusion = { tn: 0, fp: 0, fn: 0, tp: 0 };
    scores.forEach((s, r) => void confusion[splits.test.labels[r] === 1 ? (s >= 0.5 ? "tp" : "fn") : s >= 0.5 ? "fp" : "tn"]++);
    const metrics = JSON.parse(await readFile(join(out, "metrics.json"), "utf8"));
    expect(metrics).toMatchObject({ algorithm: "xgboost", predictorType: "binary_classifier", threshold: 0.5, engine: "sagemaker", sagemaker: { algorithm: "xgboost", finalMetrics: { "validation:logloss": 0.05 } } });
    expect(metrics.test.confusion).toEqual(confusion);
    expect(await readFile(join(out, "report.html"), "utf8")).toContain("XGBoost trained on SageMaker — xgb-1");
    expect(JSON.parse(await readFile(join(out, "sagemaker.json"), "utf8")).image).toBe("141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.7-1");
    expect(JSON.parse(await readFile(join(out, "training-job.json"), "utf8"))).toMatchObject({ algorithm: "xgboost", hyperparameters: sent.HyperParameters });
  });

  it("randomcutforest: unlabelled train and labelled test RecordIO land in S3; the SageMaker artifact gets one line and the job's own metrics are recorded", async () => {
    withCredentials();
    const modelUrl = "s3://fraud-data/fraud-detection/models/rcf-1/output/model.tar.gz";
    const artifact = gzipSync(await tarOf([{ name: "model_algo-1", data: new TextEncoder().encode('{"algorithm": "RandomCutForest", "num_samples_per_tree": 256}') }]));
    s3.objects.get("fraud-data")!.set("fraud-detection/models/rcf-1/output/model.tar.gz", artifact);
    const { client } = sagemaker("rcf-1", modelUrl, [
      { MetricName: "test:f1", Value: 0.41 },
      { MetricName: "test:precision", Value: 0.52 },
    ]);
    const out = join(dir, "out-rcf");
    const c = cli({ clients: { sagemaker: client }, waitOptions: { pollMs: 1, maxPollMs: 1 } });
    await c.run("sagemaker", "--algorithm", "randomcutforest", "--data", csv, "--bucket", "fraud-data", "--role", ROLE, "--job-name", "rcf-1", "--wait", "--out", out);
    expect(c.out.join("")).toBe("rcf-1\n");
    const objects = s3.objects.get("fraud-data")!;
    const train = decodeRecords(objects.get("fraud-detection/data/rcf-1/train/part-00000.recordio")!);
    expect(train).toHaveLength(splits.train.rows);
    expect(train.every((r) => Object.keys(r.label).length === 0)).toBe(true);
    const valuesOf = (v: unknown): number[] => Array.from((v as { values: ArrayLike<number> }).values);
    expect(valuesOf(train[7]!.features.values)).toEqual(Array.from(Float32Array.from(splits.train.features.subarray(7 * 30, 8 * 30))));
    const test = decodeRecords(objects.get("fraud-detection/data/rcf-1/test/part-00000.recordio")!);
    expect(test.map((r) => valuesOf(r.label.values)[0])).toEqual(Array.from(splits.test.labels));
    expect([...objects.keys()].some((k) => k.startsWith("fraud-detection/data/rcf-1/validation/"))).toBe(false);
    const log = c.err.join("");
    expect(log).toMatch(/model\.tar\.gz: a randomcutforest model trained by SageMaker; randomcutforest models trained by SageMaker are served only by SageMaker/);
    expect(log).toContain("SageMaker's metrics: test:f1 0.41, test:precision 0.52\n");
    const metrics = JSON.parse(await readFile(join(out, "metrics.json"), "utf8"));
    expect(metrics).toMatchObject({ algorithm: "randomcutforest", predictorType: "anomaly_detector", threshold: null, test: null, engine: "sagemaker", sagemaker: { algorithm: "randomcutforest", finalMetrics: { "test:f1": 0.41, "test:precision": 0.52 }, hyperparameters: { feature_dim: "30", num_samples_per_tree: "256", num_trees: "100" } } });
    expect(metrics.servedOnlyBySageMaker).toMatch(/served only by SageMaker/);
    await expect(readFile(join(out, "report.html"))).rejects.toThrow(/ENOENT/);
    expect(JSON.parse(await readFile(join(out, "sagemaker.json"), "utf8"))).toEqual({ jobName: "rcf-1", image: "438346466558.dkr.ecr.eu-west-1.amazonaws.com/randomcutforest:1", modelDataUrl: modelUrl, region: "eu-west-1" });
  });

  it("randomcutforest: an artifact that is no model at all still fails the evaluation", async () => {
    withCredentials();
    const modelUrl = "s3://fraud-data/fraud-detection/models/rcf-2/output/model.tar.gz";
    s3.objects.get("fraud-data")!.set("fraud-detection/models/rcf-2/output/model.tar.gz", new TextEncoder().encode("not a model"));
    const { client } = sagemaker("rcf-2", modelUrl);
    const p = cli({ clients: { sagemaker: client }, waitOptions: { pollMs: 1, maxPollMs: 1 } }).run("sagemaker", "--algorithm", "randomcutforest", "--data", csv, "--bucket", "fraud-data", "--role", ROLE, "--job-name", "rcf-2", "--wait", "--out", join(dir, "out-rcf-2"));
    await expect(p).rejects.toMatchObject({ code: "MODEL_CORRUPT" });
  });
});
