import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { TrainError } from "@fraud/trainer";
import { SageMakerError, planTrainingJob } from "@fraud/trainer/sagemaker";
import type { TrainingJobSettings } from "@fraud/trainer/sagemaker";
import { jobLayout } from "../../src/sagemaker/job.js";
import { planUploads } from "../../src/sagemaker/upload.js";

const ROLE = "arn:aws:iam::123456789012:role/service-role/SageMakerFraud";
const base: TrainingJobSettings = { jobName: "fraud-1", region: "eu-west-1", roleArn: ROLE, bucket: "fraud-bucket", featureDim: 30 };

const channel = (name: string, uri: string, distribution: string): unknown => ({
  ChannelName: name,
  DataSource: { S3DataSource: { S3DataType: "S3Prefix", S3Uri: uri, S3DataDistributionType: distribution } },
  ContentType: "application/x-recordio-protobuf",
  CompressionType: "None",
});

describe("planTrainingJob", () => {
  it("builds the exact CreateTrainingJob input for one instance (defaults)", () => {
    // Act
    const { request, image, layout } = planTrainingJob(base);
    // Assess
    expect(image).toBe("438346466558.dkr.ecr.eu-west-1.amazonaws.com/linear-learner:1");
    expect(request).toEqual({
      TrainingJobName: "fraud-1",
      AlgorithmSpecification: { TrainingImage: image, TrainingInputMode: "File" },
      RoleArn: ROLE,
      HyperParameters: { epochs: "15", feature_dim: "30", mini_batch_size: "1000", predictor_type: "binary_classifier" },
      InputDataConfig: [
        channel("train", "s3://fraud-bucket/fraud-detection/data/fraud-1/train/", "FullyReplicated"),
        channel("validation", "s3://fraud-bucket/fraud-detection/data/fraud-1/validation/", "FullyReplicated"),
        channel("test", "s3://fraud-bucket/fraud-detection/data/fraud-1/test/", "FullyReplicated"),
      ],
      OutputDataConfig: { S3OutputPath: "s3://fraud-bucket/fraud-detection/models" },
      ResourceConfig: { InstanceType: "ml.m5.large", InstanceCount: 1, VolumeSizeInGB: 30 },
      StoppingCondition: { MaxRuntimeInSeconds: 86400 },
    });
    expect(layout.modelDataUrl).toBe("s3://fraud-bucket/fraud-detection/models/fraud-1/output/model.tar.gz");
    expect(layout.keys.train).toEqual(["fraud-detection/data/fraud-1/train/part-00000.recordio"]);
  });

  it("shards the train channel by S3 key across instances, with spot, checkpoints, hyperparameters and tags (China)", () => {
    const { request } = planTrainingJob({
      ...base,
      region: "cn-north-1",
      roleArn: "arn:aws-cn:iam::123456789012:role/sm",
      dataPrefix: "/a/b/data/",
      modelPrefix: "a/b/models",
      instanceType: "ml.c5.2xlarge",
      instanceCount: 3,
      spot: true,
      maxRuntimeSeconds: 3600,
      hyperparameters: { mini_batch_size: "200", epochs: 20, use_bias: true, binary_classifier_model_selection_criteria: "precision_at_target_recall", target_recall: " 0.9 " },
      tags: { project: "fraud", owner: "ml-team" },
    });
    expect(request.AlgorithmSpecification?.TrainingImage).toBe("390948362332.dkr.ecr.cn-north-1.amazonaws.com.cn/linear-learner:1");
    expect(request.InputDataConfig).toEqual([
      channel("train", "s3://fraud-bucket/a/b/data/fraud-1/train/", "ShardedByS3Key"),
      channel("validation", "s3://fraud-bucket/a/b/data/fraud-1/validation/", "FullyReplicated"),
      channel("test", "s3://fraud-bucket/a/b/data/fraud-1/test/", "FullyReplicated"),
    ]);
    expect(request.HyperParameters).toEqual({
      binary_classifier_model_selection_criteria: "precision_at_target_recall",
      epochs: "20",
      feature_dim: "30",
      mini_batch_size: "200",
      predictor_type: "binary_classifier",
      target_recall: "0.9",
      use_bias: "true",
    });
    expect(Object.keys(request.HyperParameters!)).toEqual(Object.keys(request.HyperParameters!).sort());
    expect(request.ResourceConfig).toEqual({ InstanceType: "ml.c5.2xlarge", InstanceCount: 3, VolumeSizeInGB: 30 });
    expect(request.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 3600, MaxWaitTimeInSeconds: 7200 });
    expect(request.EnableManagedSpotTraining).toBe(true);
    expect(request.CheckpointConfig).toEqual({ S3Uri: "s3://fraud-bucket/a/b/models/fraud-1/checkpoints/" });
    expect(request.OutputDataConfig).toEqual({ S3OutputPath: "s3://fraud-bucket/a/b/models" });
    expect(request.Tags).toEqual([
      { Key: "project", Value: "fraud" },
      { Key: "owner", Value: "ml-team" },
    ]);
  });

  it("uses GovCloud ARNs and images, and the empty prefixes (bucket root)", () => {
    const { request, layout } = planTrainingJob({ ...base, region: "us-gov-west-1", roleArn: "arn:aws-us-gov:iam::123456789012:role/sm", dataPrefix: "", modelPrefix: "", spot: true, maxWaitSeconds: 90000 });
    expect(request.AlgorithmSpecification?.TrainingImage).toBe("226302683700.dkr.ecr.us-gov-west-1.amazonaws.com/linear-learner:1");
    expect(request.InputDataConfig?.[0]?.DataSource?.S3DataSource?.S3Uri).toBe("s3://fraud-bucket/fraud-1/train/");
    expect(request.OutputDataConfig).toEqual({ S3OutputPath: "s3://fraud-bucket" });
    expect(layout.modelDataUrl).toBe("s3://fraud-bucket/fraud-1/output/model.tar.gz");
    expect(request.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 86400, MaxWaitTimeInSeconds: 90000 });
  });

  it("accepts hinge_loss, valid on SageMaker for binary classifiers", () => {
    expect(planTrainingJob({ ...base, hyperparameters: { loss: "hinge_loss", margin: "0.5" } }).request.HyperParameters?.loss).toBe("hinge_loss");
  });

  // Every bad input fails before anything is uploaded or billed, with a clear one-line message.
  it.each<[string, Partial<TrainingJobSettings>, string, string]>([
    ["role not an ARN", { roleArn: "SageMakerRole" }, "BAD_ROLE_ARN", '"SageMakerRole" is not an IAM role ARN (expected arn:aws:iam::<12-digit account>:role/<name>)'],
    ["user ARN", { roleArn: "arn:aws:iam::123456789012:user/bob" }, "BAD_ROLE_ARN", '"arn:aws:iam::123456789012:user/bob" is not an IAM role ARN (expected arn:aws:iam::<12-digit account>:role/<name>)'],
    ["short account", { roleArn: "arn:aws:iam::1234:role/x" }, "BAD_ROLE_ARN", '"arn:aws:iam::1234:role/x" is not an IAM role ARN (expected arn:aws:iam::<12-digit account>:role/<name>)'],
    ["partition mismatch", { region: "cn-north-1" }, "BAD_ROLE_ARN", `role ARN "${ROLE}" is in partition aws but region cn-north-1 is in partition aws-cn`],
    ["ISO-B role in an ISO region", { region: "us-isob-east-1" }, "BAD_ROLE_ARN", `role ARN "${ROLE}" is in partition aws but region us-isob-east-1 is in partition aws-iso-b`],
    ["unknown region", { region: "mars-1" }, "UNKNOWN_REGION", 'no linear-learner image for region "mars-1" (known regions: '],
    ["region without an image", { region: "ca-west-1" }, "UNKNOWN_REGION", 'no linear-learner image for region "ca-west-1" (known regions: '],
    ["not a training type", { instanceType: "ml.t2.medium" }, "BAD_INSTANCE_TYPE", 'SageMaker does not offer "ml.t2.medium" for Linear Learner training; e.g. ml.m5.large, ml.c5.xlarge, ml.m5.4xlarge'],
    ["bad size", { instanceType: "ml.m5.huge" }, "BAD_INSTANCE_TYPE", 'SageMaker does not offer "ml.m5.huge" for Linear Learner training; m5 sizes: ml.m5.12xlarge, ml.m5.24xlarge, ml.m5.2xlarge, ml.m5.4xlarge, ml.m5.large, ml.m5.xlarge'],
    ["trainium", { instanceType: "ml.trn1.2xlarge" }, "BAD_INSTANCE_TYPE", 'SageMaker does not offer "ml.trn1.2xlarge" for Linear Learner training'],
    ["zero instances", { instanceCount: 0 }, "INVALID_ARGUMENT", "instance count must be an integer in [1, 100], got 0"],
    ["bucket name", { bucket: "My_Bucket" }, "INVALID_ARGUMENT", 'invalid S3 bucket name "My_Bucket": use 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit'],
    ["job name", { jobName: "fraud_job" }, "INVALID_ARGUMENT", 'invalid training job name "fraud_job": use 1-63 letters, digits and hyphens, starting and ending with a letter or digit'],
    ["data prefix", { dataPrefix: "a//b" }, "INVALID_ARGUMENT", 'invalid S3 key prefix "a//b": use at most 512 characters without control characters or empty segments'],
    ["max wait without spot", { maxWaitSeconds: 100 }, "INVALID_ARGUMENT", "a max wait time applies to spot training only (add --spot)"],
    ["max wait below runtime", { spot: true, maxRuntimeSeconds: 1000, maxWaitSeconds: 999 }, "INVALID_ARGUMENT", "max wait (seconds) must be an integer in [1000, 2419200], got 999"],
    ["runtime too long", { maxRuntimeSeconds: 2419201 }, "INVALID_ARGUMENT", "max runtime (seconds) must be an integer in [1, 2419200], got 2419201"],
    ["reserved tag", { tags: { "aws:x": "1" } }, "INVALID_ARGUMENT", 'invalid tag key "aws:x": 1-128 characters, not starting with aws:'],
    ["predictor type", { hyperparameters: { predictor_type: "regressor" } }, "INVALID_ARGUMENT", "predictor_type=regressor: fraud detection trains a binary_classifier"],
    ["feature_dim mismatch", { hyperparameters: { feature_dim: "29" } }, "INVALID_ARGUMENT", "feature_dim=29 does not match the data's 30 features"],
  ])("rejects %s", (_name, patch, code, message) => {
    let err: unknown;
    try {
      planTrainingJob({ ...base, ...patch });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SageMakerError);
    expect((err as SageMakerError).code).toBe(code);
    expect((err as SageMakerError).message.startsWith(message)).toBe(true);
  });

  it.each([
    [{ lerning_rate: "0.1" }, /^unknown hyperparameter lerning_rate \(valid: accuracy_top_k, /],
    [{ epochs: "0" }, /^hyperparameter epochs=0 is not valid: must be an integer >= 1$/],
    [{ loss: "squared_loss" }, /^hyperparameter loss=squared_loss is valid for SageMaker but a regression loss/],
  ])("rejects hyperparameters %j with the local trainer's rules", (hp, message) => {
    expect(() => planTrainingJob({ ...base, hyperparameters: hp })).toThrow(TrainError);
    expect(() => planTrainingJob({ ...base, hyperparameters: hp })).toThrow(message);
  });
});

describe("planUploads", () => {
  it("covers every row of every split exactly once, train shards contiguous and non-empty", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 0, max: 200 }), fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 50 }), (shards, extra, v, t) => {
        const mk = (rows: number) => ({ rows, features: new Float64Array(rows * 2), labels: new Uint8Array(rows) });
        const splits = { train: mk(shards + extra), validation: mk(v), test: mk(t) };
        const parts = planUploads(splits, jobLayout({ bucket: "bucket", dataPrefix: "p/", modelPrefix: "m/", jobName: "j", trainShards: shards }));
        expect(parts.map((p) => p.channel)).toEqual([...Array(shards).fill("train"), "validation", "test"]);
        const train = parts.filter((p) => p.channel === "train");
        expect(train[0]!.start).toBe(0);
        expect(train.at(-1)!.end).toBe(shards + extra);
        train.forEach((p, i) => {
          expect(p.end).toBeGreaterThan(p.start);
          if (i > 0) expect(p.start).toBe(train[i - 1]!.end);
        });
        expect(new Set(parts.map((p) => p.key)).size).toBe(parts.length);
      }),
    );
  });

  it("refuses more instances than train rows", () => {
    const mk = (rows: number) => ({ rows, features: new Float64Array(rows), labels: new Uint8Array(rows) });
    expect(() => planUploads({ train: mk(2), validation: mk(1), test: mk(1) }, jobLayout({ bucket: "bucket", dataPrefix: "", modelPrefix: "", jobName: "j", trainShards: 3 }))).toThrow(
      "the train split has 2 rows, fewer than the 3 instances that each need a shard",
    );
  });
});
