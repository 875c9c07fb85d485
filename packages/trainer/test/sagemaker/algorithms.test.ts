// The CreateTrainingJob request of each algorithm, exactly; the one set of training defaults.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ALGORITHMS, partitionOf, regionImage } from "@fraud/contracts";
import type { Algorithm } from "@fraud/contracts";
import { TRAINING_DEFAULTS } from "@fraud/trainer";
import { LINEAR_LEARNER_REGISTRIES } from "@fraud/trainer/aws";
import { planTrainingJob } from "@fraud/trainer/sagemaker";
import type { TrainingJobSettings } from "@fraud/trainer/sagemaker";
import { withTrainingDefaults } from "../../src/defaults.js";
import { trainingPlugin } from "../../src/models/training.js";
import { encodeCsv } from "../../src/sagemaker/upload.js";
import { PYTHON, realXGBoost } from "../xgboost/helpers.js";

const ROLE = "arn:aws:iam::123456789012:role/sm";
const base: TrainingJobSettings = { jobName: "fraud-1", region: "eu-west-1", roleArn: ROLE, bucket: "fraud-bucket", featureDim: 30 };
const RECORDIO = "application/x-recordio-protobuf";

const channel = (name: string, uri: string, distribution: string, contentType: string): unknown => ({
  ChannelName: name,
  DataSource: { S3DataSource: { S3DataType: "S3Prefix", S3Uri: uri, S3DataDistributionType: distribution } },
  ContentType: contentType,
  CompressionType: "None",
});
const common = {
  TrainingJobName: "fraud-1",
  RoleArn: ROLE,
  OutputDataConfig: { S3OutputPath: "s3://fraud-bucket/fraud-detection/models" },
  ResourceConfig: { InstanceType: "ml.m5.large", InstanceCount: 1, VolumeSizeInGB: 30 },
  StoppingCondition: { MaxRuntimeInSeconds: 86400 },
};
const uri = (c: string): string => `s3://fraud-bucket/fraud-detection/data/fraud-1/${c}/`;

describe("planTrainingJob per algorithm: the exact request", () => {
  it("xgboost: the region's 1.7-1 image, train and validation in text/csv, the defaults as strings with num_round, no metric definitions", () => {
    const { request, layout, channels } = planTrainingJob({ ...base, algorithm: "xgboost" });
    expect(request).toEqual({
      ...common,
      AlgorithmSpecification: { TrainingImage: "141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.7-1", TrainingInputMode: "File" },
      HyperParameters: { eval_metric: "logloss", num_round: "100", objective: "binary:logistic" },
      InputDataConfig: [channel("train", uri("train"), "FullyReplicated", "text/csv"), channel("validation", uri("validation"), "FullyReplicated", "text/csv")],
    });
    expect(layout.keys).toEqual({ train: ["fraud-detection/data/fraud-1/train/part-00000.csv"], validation: ["fraud-detection/data/fraud-1/validation/part-00000.csv"] });
    expect(channels.map((c) => c.format)).toEqual(["csv", "csv"]);
  });

  it("xgboost: RecordIO-protobuf on request, the train channel sharded across instances, the user's hyperparameters over the defaults", () => {
    const { request, layout } = planTrainingJob({
      ...base,
      algorithm: "xgboost",
      contentType: RECORDIO,
      instanceCount: 2,
      hyperparameters: { max_depth: 5, eta: "0.2", gamma: 4, min_child_weight: 6, subsample: 0.8, scale_pos_weight: "24.1", num_round: " 50 " },
    });
    expect(request.InputDataConfig).toEqual([channel("train", uri("train"), "ShardedByS3Key", RECORDIO), channel("validation", uri("validation"), "FullyReplicated", RECORDIO)]);
    expect(request.HyperParameters).toEqual({ eta: "0.2", eval_metric: "logloss", gamma: "4", max_depth: "5", min_child_weight: "6", num_round: "50", objective: "binary:logistic", scale_pos_weight: "24.1", subsample: "0.8" });
    expect(Object.keys(request.HyperParameters!)).toEqual(Object.keys(request.HyperParameters!).sort());
    expect(layout.keys.train).toEqual(["fraud-detection/data/fraud-1/train/part-00000.recordio", "fraud-detection/data/fraud-1/train/part-00001.recordio"]);
    expect(request.AlgorithmSpecification).toEqual({ TrainingImage: "141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.7-1", TrainingInputMode: "File" });
  });

  it("randomcutforest: an unlabelled train channel always ShardedByS3Key, a labelled test channel, feature_dim from the data", () => {
    const { request, channels } = planTrainingJob({ ...base, algorithm: "randomcutforest", instanceType: "ml.c5.xlarge" });
    expect(request).toEqual({
      ...common,
      ResourceConfig: { InstanceType: "ml.c5.xlarge", InstanceCount: 1, VolumeSizeInGB: 30 },
      AlgorithmSpecification: { TrainingImage: "438346466558.dkr.ecr.eu-west-1.amazonaws.com/randomcutforest:1", TrainingInputMode: "File" },
      HyperParameters: { feature_dim: "30", num_samples_per_tree: "256", num_trees: "100" },
      InputDataConfig: [channel("train", uri("train"), "ShardedByS3Key", RECORDIO), channel("test", uri("test"), "FullyReplicated", RECORDIO)],
    });
    expect(channels.map((c) => c.format)).toEqual(["recordio-unlabelled", "recordio"]);
  });

  it("randomcutforest: without the test channel; eval_metrics sent as the Python SDK sends a list; the AWS solution's forest", () => {
    const { request } = planTrainingJob({ ...base, algorithm: "randomcutforest", testChannel: false, hyperparameters: { num_trees: 50, num_samples_per_tree: 512, eval_metrics: "accuracy, precision_recall_fscore", feature_dim: "auto" } });
    expect(request.InputDataConfig).toEqual([channel("train", uri("train"), "ShardedByS3Key", RECORDIO)]);
    expect(request.HyperParameters).toEqual({ eval_metrics: '["accuracy", "precision_recall_fscore"]', feature_dim: "30", num_samples_per_tree: "512", num_trees: "50" });
  });

  const LL_PARTITIONS = [...new Map(LINEAR_LEARNER_REGISTRIES.map((r) => [r.partition, r.region])).entries()];
  it.each(ALGORITHMS.flatMap((a) => LL_PARTITIONS.map(([partition, region]) => [a, partition, region] as const)))("%s in partition %s (%s): the contracts' image, or UNKNOWN_REGION naming the regions", (algorithm, partition, region) => {
    // Each partition the Linear Learner path supports, with the algorithm's image where published.
    const settings = { ...base, algorithm, region, roleArn: `arn:${partition}:iam::123456789012:role/sm` };
    const image = regionImage(algorithm, region);
    if (image === undefined) {
      expect(() => planTrainingJob(settings)).toThrow(expect.objectContaining({ code: "UNKNOWN_REGION", message: expect.stringMatching(new RegExp(`^no ${algorithm} image for region "${region}" \\(known regions: `)) }));
    } else {
      expect(planTrainingJob(settings).request.AlgorithmSpecification?.TrainingImage).toBe(image);
    }
  });

  it("every partition the Linear Learner path supports has an XGBoost and a Random Cut Forest region", () => {
    const partitions = new Set(LINEAR_LEARNER_REGISTRIES.map((r) => r.partition));
    for (const algorithm of ["xgboost", "randomcutforest"] as const) {
      const have = new Set(LINEAR_LEARNER_REGISTRIES.filter((r) => regionImage(algorithm, r.region) !== undefined).map((r) => partitionOf(r.region)));
      const missing = [...partitions].filter((p) => !have.has(p));
      // Random Cut Forest is not published in aws-iso-b (the SageMaker Python SDK's table has no us-isob-east-1).
      expect(missing, algorithm).toEqual(algorithm === "randomcutforest" ? ["aws-iso-b"] : []);
    }
  });
});

describe("bad settings are refused before anything is sent", () => {
  it.each<[string, Partial<TrainingJobSettings>, string, RegExp]>([
    ["an XGBoost hyperparameter out of range", { algorithm: "xgboost", hyperparameters: { eta: "1.5" } }, "INVALID_ARGUMENT", /^hyperparameter eta=1\.5 is not valid: must be a number in \[0, 1\]$/],
    ["an unknown XGBoost hyperparameter", { algorithm: "xgboost", hyperparameters: { mini_batch_size: 200 } }, "INVALID_ARGUMENT", /^unknown XGBoost hyperparameter mini_batch_size \(valid: /],
    ["num_round 0", { algorithm: "xgboost", hyperparameters: { num_round: 0 } }, "INVALID_ARGUMENT", /^hyperparameter num_round=0 is not valid: must be an integer in \[1, 100000\]$/],
    ["an RCF forest too small", { algorithm: "randomcutforest", hyperparameters: { num_trees: 10 } }, "INVALID_ARGUMENT", /^hyperparameter num_trees=10 is not valid: must be an integer in \[50, 1000\]$/],
    ["an RCF feature_dim that is not the data's", { algorithm: "randomcutforest", hyperparameters: { feature_dim: 29 } }, "INVALID_ARGUMENT", /^feature_dim=29 does not match the data's 30 features$/],
    ["a GPU instance for Random Cut Forest", { algorithm: "randomcutforest", instanceType: "ml.p3.2xlarge" }, "BAD_INSTANCE_TYPE", /^Random Cut Forest trains on CPU instances only, not "ml\.p3\.2xlarge"/],
    ["CSV for Linear Learner", { contentType: "text/csv" }, "INVALID_ARGUMENT", /^linear-learner trains on SageMaker from application\/x-recordio-protobuf, not "text\/csv"$/],
    ["libsvm for XGBoost", { algorithm: "xgboost", contentType: "text/libsvm" }, "INVALID_ARGUMENT", /^xgboost trains on SageMaker from text\/csv or application\/x-recordio-protobuf, not "text\/libsvm"$/],
    ["a test channel option for XGBoost", { algorithm: "xgboost", testChannel: false }, "INVALID_ARGUMENT", /^a test channel option applies to randomcutforest only, not xgboost$/],
    ["an unknown algorithm", { algorithm: "kmeans" as Algorithm }, "INVALID_ARGUMENT", /^unknown algorithm "kmeans"; use one of linear-learner, xgboost, randomcutforest$/],
  ])("%s", (_name, extra, code, message) => {
    expect(() => planTrainingJob({ ...base, ...extra })).toThrow(expect.objectContaining({ code, message: expect.stringMatching(message) }));
  });
});

describe("TRAINING_DEFAULTS: one set of defaults for every path", () => {
  it.each(ALGORITHMS)("%s: the local training plug-in resolves exactly the table's values when given nothing", (algorithm) => {
    const plugin = trainingPlugin(algorithm);
    expect(plugin.parseHyperparameters(TRAINING_DEFAULTS[algorithm])).toEqual(plugin.parseHyperparameters({}));
  });

  it.each(ALGORITHMS)("%s: every default is sent in the SageMaker request", (algorithm) => {
    const sent = planTrainingJob({ ...base, algorithm, instanceType: "ml.c5.xlarge" }).request.HyperParameters!;
    for (const [k, v] of Object.entries(TRAINING_DEFAULTS[algorithm])) expect(sent[k], k).toBe(v);
  });

  it("Linear Learner's mini_batch_size is the container's 1000, not the notebook's 200", () => {
    expect(TRAINING_DEFAULTS["linear-learner"].mini_batch_size).toBe("1000");
    expect(withTrainingDefaults("linear-learner", { mini_batch_size: 200 })).toEqual({ epochs: "15", mini_batch_size: "200", predictor_type: "binary_classifier" });
  });

  it("the table cannot be changed at run time", () => {
    expect(Object.isFrozen(TRAINING_DEFAULTS) && ALGORITHMS.every((a) => Object.isFrozen(TRAINING_DEFAULTS[a]))).toBe(true);
  });
});

describe("encodeCsv", () => {
  it("writes the label first, no header, every value read back exactly, NaN as an empty field, in any chunking", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 4096 }), fc.integer({ min: 0, max: 1000 }), (rows, cols, chunk, seed) => {
        const features = Float64Array.from({ length: rows * cols }, (_, i) => ((i * 7 + seed) % 11 === 0 ? NaN : Math.sin(i + seed) * 10 ** ((i % 9) - 4)));
        const labels = Uint8Array.from({ length: rows }, (_, i) => (i + seed) % 3 === 0 ? 1 : 0);
        const text = Buffer.concat([...encodeCsv({ rows, features, labels }, 0, rows, chunk)]).toString("utf8");
        const lines = text.split("\n");
        expect(lines.pop()).toBe("");
        expect(lines).toHaveLength(rows);
        lines.forEach((line, r) => {
          const fields = line.split(",");
          expect(fields).toHaveLength(cols + 1);
          expect(fields[0]).toBe(String(labels[r]));
          fields.slice(1).forEach((f, j) => {
            const v = features[r * cols + j]!;
            if (Number.isNaN(v)) expect(f).toBe("");
            else expect(Number(f)).toBe(v);
          });
        });
      }),
      { numRuns: 80 },
    );
  });
});

describe.skipIf(!realXGBoost.available)(`the CSV channel as real XGBoost 1.7.4 reads it (DMatrix "?format=csv&label_column=0", as the 1.7-1 container does)${realXGBoost.available ? "" : ` — skipped: ${realXGBoost.reason}`}`, () => {
  it("gives the split's labels and float32 values, a NaN as a missing entry", () => {
    const rows = 300;
    const cols = 30;
    const features = Float64Array.from({ length: rows * cols }, (_, i) => (i % 37 === 5 ? NaN : Math.sin(i * 1.7) * 10 ** ((i % 7) - 3)));
    const labels = Uint8Array.from({ length: rows }, (_, i) => (i % 9 === 0 ? 1 : 0));
    const dir = mkdtempSync(join(tmpdir(), "fraud-xgb-csv-"));
    try {
      const file = join(dir, "part-00000.csv");
      writeFileSync(file, Buffer.concat([...encodeCsv({ rows, features, labels }, 0, rows, 4096)]));
      const script = [
        "import sys, json, xgboost as xgb",
        "d = xgb.DMatrix(sys.argv[1] + '?format=csv&label_column=0')",
        "m = d.get_data()",
        "print(json.dumps({'rows': d.num_row(), 'cols': d.num_col(), 'labels': d.get_label().tolist(), 'indptr': m.indptr.tolist(), 'indices': m.indices.tolist(), 'data': m.data.tolist()}))",
      ].join("\n");
      const r = spawnSync(PYTHON, ["-c", script, file], { encoding: "utf8", maxBuffer: 1 << 26 });
      expect(r.status, r.stderr).toBe(0);
      const got = JSON.parse(r.stdout) as { rows: number; cols: number; labels: number[]; indptr: number[]; indices: number[]; data: number[] };
      expect([got.rows, got.cols]).toEqual([rows, cols]);
      expect(got.labels).toEqual(Array.from(labels));
      const indptr = [0];
      const indices: number[] = [];
      const data: number[] = [];
      for (let r0 = 0; r0 < rows; r0++) {
        for (let j = 0; j < cols; j++) {
          const v = features[r0 * cols + j]!;
          if (Number.isNaN(v)) continue;
          indices.push(j);
          data.push(Math.fround(v));
        }
        indptr.push(indices.length);
      }
      expect(got.indptr).toEqual(indptr);
      expect(got.indices).toEqual(indices);
      // XGBoost's own CSV reader (dmlc) is not correctly rounded: a few values land one float32 ulp
      // from the nearest float32 of the text (about 0.7% here); the text itself is exact.
      expect(got.data).toHaveLength(data.length);
      got.data.forEach((v, i) => {
        const want = data[i]!;
        if (v !== want) expect(Math.abs(v - want), `value ${i}`).toBeLessThanOrEqual(Math.abs(want) * 2 ** -23);
      });
      expect(got.data.filter((v, i) => v !== data[i]).length).toBeLessThan(data.length / 50);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
