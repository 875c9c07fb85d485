// The synthesized stack in its two main shapes: the foundation a fresh account applies before any
// model exists, and the full system serving from a SageMaker endpoint. Intent is asserted with
// toHaveResourceWithProperties; the snapshots catch drift.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { linearLearnerImage, parseStackOutputs } from "@fraud/trainer/aws";
import { LAYOUT, MANAGED_BY, SCORER_RETRIES } from "@fraud/infra";
import { STACK_OUTPUT_NAMES, firehosePrefixExpressions } from "@fraud/contracts";
import { ref, synth, tempDir, writeZip } from "./helpers.js";
import type { Synth } from "./helpers.js";
import "./matchers.js";
import { actionsOf, assertLeastPrivilege, lambdaEnv, refWhere, statementsOf, values } from "./stack-helpers.js";

const MODEL = "s3://trained-models-bucket/fraud/output/job-1/output/model.tar.gz";
const MODEL_ARN = "arn:aws:s3:::trained-models-bucket/fraud/output/job-1/output/model.tar.gz";
let tmp: ReturnType<typeof tempDir>;
let zip: string;
let foundation: Synth;
let full: Synth;

beforeAll(() => {
  tmp = tempDir("stack");
  zip = join(tmp.dir, "lambda.zip");
  writeZip(zip);
  foundation = synth(tmp.dir, zip, {});
  full = synth(tmp.dir, zip, { model: { dataUrl: MODEL } });
});
afterAll(() => tmp.cleanup());

const account = (s: Synth): string => `\${local.${Object.keys(s.json.locals ?? {}).find((k) => k.startsWith("training_account_id")) ?? "missing"}}`;
const artifacts = (s: Synth): string => refWhere(s, "aws_s3_bucket", "bucket_prefix", "fraud-detection-dev-artifacts-", "arn");

describe("foundation: no model configured", () => {
  it("holds buckets, roles, stream, logs, queue, topic and alarms, and nothing that needs a model", () => {
    for (const type of ["aws_s3_bucket", "aws_iam_role", "aws_iam_policy", "aws_kinesis_firehose_delivery_stream", "aws_cloudwatch_log_group", "aws_sqs_queue", "aws_sns_topic", "aws_cloudwatch_metric_alarm"]) {
      expect(foundation.json, type).toHaveResource(type);
    }
    for (const type of ["aws_sagemaker_model", "aws_sagemaker_endpoint_configuration", "aws_sagemaker_endpoint", "aws_lambda_function", "aws_cloudwatch_event_rule", "aws_sagemaker_notebook_instance"]) {
      expect(foundation.json, type).not.toHaveResource(type);
    }
    expect(foundation.json.variable ?? {}).toEqual({});
    expect(foundation.json.output["phase"]?.value).toBe("foundation");
  });

  it("makes two buckets, each encrypted, private, owner-enforced and TLS-only", () => {
    const buckets = foundation.all("aws_s3_bucket");
    expect(Object.values(buckets).map((b) => b["bucket_prefix"]).sort()).toEqual(["fraud-detection-dev-artifacts-", "fraud-detection-dev-output-"]);
    for (const [id, b] of Object.entries(buckets)) {
      expect(b["force_destroy"]).toBe(false);
      const bucket = `\${aws_s3_bucket.${id}.id}`;
      expect(foundation.json).toHaveResourceWithProperties("aws_s3_bucket_server_side_encryption_configuration", { bucket, rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }] });
      expect(foundation.json).toHaveResourceWithProperties("aws_s3_bucket_public_access_block", { bucket, block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
      expect(foundation.json).toHaveResourceWithProperties("aws_s3_bucket_ownership_controls", { bucket, rule: { object_ownership: "BucketOwnerEnforced" } });
      const policy = values(foundation, "aws_s3_bucket_policy").find((p) => p["bucket"] === bucket);
      expect(JSON.parse(policy?.["policy"] as string).Statement).toContainEqual({
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [`\${aws_s3_bucket.${id}.arn}`, `\${aws_s3_bucket.${id}.arn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      });
    }
  });

  it("versions only the artifact bucket and expires Firehose output on the configured schedule", () => {
    expect(values(foundation, "aws_s3_bucket_versioning")).toHaveLength(1);
    expect(foundation.json).toHaveResourceWithProperties("aws_s3_bucket_versioning", { bucket: artifacts(foundation).replace(".arn}", ".id}"), versioning_configuration: { status: "Enabled" } });
    const output = values(foundation, "aws_s3_bucket_lifecycle_configuration").find((r) => String(r["bucket"]).includes("output"));
    expect(output).toMatchObject({ rule: [{ status: "Enabled", transition: [{ days: 30, storage_class: "STANDARD_IA" }], expiration: [{ days: 365 }] }] });
  });

  it("makes the SageMaker and Firehose roles, each trusted by its own service only", () => {
    const roles = values(foundation, "aws_iam_role").map((r) => [r["name"], JSON.parse(r["assume_role_policy"] as string).Statement[0].Principal.Service]);
    expect(roles.sort()).toEqual([
      ["fraud-detection-dev-firehose", "firehose.amazonaws.com"],
      ["fraud-detection-dev-sagemaker", "sagemaker.amazonaws.com"],
    ]);
  });

  it("grants the SageMaker role exactly the trainer's layout: data read, models write, its jobs, itself to SageMaker, their logs", () => {
    const bucket = artifacts(foundation);
    const sm = statementsOf(foundation, "training_role-policy");
    expect(sm.find((s) => s.Sid === "ReadTrainingData")).toMatchObject({ Action: ["s3:GetObject"], Resource: [`${bucket}/${LAYOUT.dataPrefix}*`] });
    expect(sm.find((s) => s.Sid === "WriteModels")).toMatchObject({ Action: ["s3:GetObject", "s3:PutObject"], Resource: [`${bucket}/${LAYOUT.modelPrefix}*`] });
    expect(sm.find((s) => s.Sid === "ListLayout")).toMatchObject({ Action: ["s3:ListBucket"], Resource: [bucket], Condition: { StringLike: { "s3:prefix": [`${LAYOUT.dataPrefix}*`, `${LAYOUT.modelPrefix}*`] } } });
    expect(sm.find((s) => s.Sid === "TrainingJobs")?.Resource).toEqual([`arn:aws:sagemaker:us-east-1:${account(foundation)}:training-job/fraud-detection-dev-*`]);
    const sagemakerRole = refWhere(foundation, "aws_iam_role", "name", "fraud-detection-dev-sagemaker", "arn");
    expect(sm.find((s) => s.Sid === "PassRoleToSageMaker")).toMatchObject({ Action: ["iam:PassRole"], Resource: [sagemakerRole], Condition: { StringEquals: { "iam:PassedToService": "sagemaker.amazonaws.com" } } });
    expect(sm.find((s) => s.Sid === "TrainingLogStreams")?.Resource).toEqual([`arn:aws:logs:us-east-1:${account(foundation)}:log-group:/aws/sagemaker/TrainingJobs:log-stream:fraud-detection-dev-*`]);
    expect(actionsOf(foundation, "training_role-policy").filter((a) => a.startsWith("sagemaker:"))).toEqual(["sagemaker:AddTags", "sagemaker:CreateTrainingJob", "sagemaker:DescribeTrainingJob", "sagemaker:StopTrainingJob"]);
  });

  it("offers a managed policy for whoever trains against the stack: uploads, jobs, pass role, logs", () => {
    expect(foundation.json).toHaveResourceWithProperties("aws_iam_policy", { name: "fraud-detection-dev-trainer" });
    expect(actionsOf(foundation, "training_trainer-policy")).toEqual([
      "iam:PassRole",
      "logs:DescribeLogStreams",
      "logs:GetLogEvents",
      "s3:AbortMultipartUpload",
      "s3:GetObject",
      "s3:ListBucket",
      "s3:PutObject",
      "sagemaker:AddTags",
      "sagemaker:CreateTrainingJob",
      "sagemaker:DescribeTrainingJob",
      "sagemaker:StopTrainingJob",
    ]);
  });

  it("keeps undeliverable work in an encrypted queue and tells the alarm topic about it", () => {
    expect(foundation.json).toHaveResourceWithProperties("aws_sqs_queue", { name: "fraud-detection-dev-scorer-failures", sqs_managed_sse_enabled: true, message_retention_seconds: 1_209_600 });
    expect(foundation.json).toHaveResourceWithProperties("aws_sns_topic", { name: "fraud-detection-dev-alarms" });
    expect(foundation.json).not.toHaveResource("aws_sns_topic_subscription");
    const topic = ref(foundation, "aws_sns_topic", "arn");
    const alarms = values(foundation, "aws_cloudwatch_metric_alarm");
    expect(alarms.map((a) => `${a["namespace"]}:${a["metric_name"]}`).sort()).toEqual(["AWS/Firehose:DeliveryToS3.DataFreshness", "AWS/Firehose:DeliveryToS3.Success", "AWS/SQS:ApproximateNumberOfMessagesVisible"]);
    for (const a of alarms) expect(a).toMatchObject({ alarm_actions: [topic], ok_actions: [topic] });
    expect(foundation.json).toHaveResourceWithProperties("aws_cloudwatch_metric_alarm", { metric_name: "ApproximateNumberOfMessagesVisible", dimensions: { QueueName: ref(foundation, "aws_sqs_queue", "name") }, threshold: 0, comparison_operator: "GreaterThanThreshold" });
    expect(foundation.json).toHaveResourceWithProperties("aws_cloudwatch_metric_alarm", { metric_name: "DeliveryToS3.Success", statistic: "Minimum", threshold: 1, comparison_operator: "LessThanThreshold" });
  });

  it("delivers through Firehose to the output bucket with GZIP, date partitions, error prefix and logging", () => {
    const outputBucket = refWhere(foundation, "aws_s3_bucket", "bucket_prefix", "fraud-detection-dev-output-", "arn");
    expect(foundation.json).toHaveResourceWithProperties("aws_kinesis_firehose_delivery_stream", {
      name: "fraud-detection-dev-results",
      destination: "extended_s3",
      extended_s3_configuration: {
        bucket_arn: outputBucket,
        buffering_interval: 60,
        buffering_size: 64,
        compression_format: "GZIP",
        prefix: "fraud-detection/firehose/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/",
        cloudwatch_logging_options: { enabled: true },
      },
    });
    expect(statementsOf(foundation, "stream_").find((s) => s.Sid === "WriteObjects")?.Resource).toEqual([`${outputBucket}/fraud-detection/*`]);
    // the expressions are the one definition the local Firehose stand-in evaluates
    const stream = Object.values(foundation.all("aws_kinesis_firehose_delivery_stream"))[0]!["extended_s3_configuration"] as Record<string, unknown>;
    expect({ prefix: stream["prefix"], errorOutputPrefix: stream["error_output_prefix"] }).toEqual(firehosePrefixExpressions("fraud-detection/firehose/", "fraud-detection/firehose-errors/"));
  });

  it("outputs every fraud-stack.json field, with no endpoint yet", () => {
    const out = foundation.json.output;
    for (const name of Object.values(STACK_OUTPUT_NAMES)) expect(out, name).toHaveProperty(name);
    expect(Object.fromEntries(["version", "environment", "region", "partition", "data_prefix", "model_prefix", "training_job_prefix", "scoring_mode"].map((k) => [k, out[k]?.value]))).toEqual({
      version: 1,
      environment: "dev",
      region: "us-east-1",
      partition: "aws",
      data_prefix: LAYOUT.dataPrefix,
      model_prefix: LAYOUT.modelPrefix,
      training_job_prefix: "fraud-detection-dev-",
      scoring_mode: "endpoint",
    });
    expect(out["endpoint_name"]?.value).toBeNull();
    expect(out["model_data_url"]?.value).toBeNull();
    expect(out["artifact_bucket"]?.value).toBe(artifacts(foundation).replace(".arn}", ".bucket}"));
    expect(out["sagemaker_role_arn"]?.value).toBe(refWhere(foundation, "aws_iam_role", "name", "fraud-detection-dev-sagemaker", "arn"));
    expect(out["account_id"]?.value).toBe(account(foundation));
    expect(foundation.json.locals?.[account(foundation).slice(8, -1)]).toBe(`\${element(split(":", ${out["sagemaker_role_arn"]?.value.slice(2, -1)}), 4)}`);
    expect(out["failure_queue_url"]?.value).toBe(ref(foundation, "aws_sqs_queue", "url"));
  });

  it("once applied, `terraform output -json` parses as fraud-stack.json with the trainer's schema", () => {
    // What Terraform resolves the references to at apply; null outputs are left out, as Terraform does.
    const applied: Record<string, string> = {
      [artifacts(foundation).replace(".arn}", ".bucket}")]: "fraud-detection-dev-artifacts-20261125",
      [refWhere(foundation, "aws_s3_bucket", "bucket_prefix", "fraud-detection-dev-output-", "bucket")]: "fraud-detection-dev-output-20261125",
      [refWhere(foundation, "aws_iam_role", "name", "fraud-detection-dev-sagemaker", "arn")]: "arn:aws:iam::123456789012:role/fraud-detection-dev-sagemaker",
      [account(foundation)]: "123456789012",
    };
    const terraformOutput = Object.fromEntries(
      Object.entries(foundation.json.output)
        .filter(([, o]) => o.value !== null)
        .map(([name, o]) => [name, { value: typeof o.value === "string" && o.value in applied ? applied[o.value] : o.value, type: "string", sensitive: false }]),
    );
    expect(terraformOutput).not.toHaveProperty("endpoint_name");
    // The deploy writes the null endpoint_name back when it builds fraud-stack.json.
    const stack = parseStackOutputs({ ...terraformOutput, endpoint_name: { value: null } }, "terraform output -json");
    expect(stack).toEqual({
      version: 1,
      environment: "dev",
      region: "us-east-1",
      partition: "aws",
      accountId: "123456789012",
      artifactBucket: "fraud-detection-dev-artifacts-20261125",
      dataPrefix: LAYOUT.dataPrefix,
      modelPrefix: LAYOUT.modelPrefix,
      outputBucket: "fraud-detection-dev-output-20261125",
      sagemakerRoleArn: "arn:aws:iam::123456789012:role/fraud-detection-dev-sagemaker",
      trainingJobPrefix: "fraud-detection-dev-",
      endpointName: null,
      scoringMode: "endpoint",
    });
  });

  it("tags everything through provider default tags and keeps state local", () => {
    expect(foundation.json.provider.aws[0]).toMatchObject({ region: "us-east-1", default_tags: [{ tags: { Project: "fraud-detection", Environment: "dev", ManagedBy: MANAGED_BY } }] });
    expect(foundation.json.terraform.backend).toEqual({ local: { path: "terraform.dev.tfstate" } });
  });

  it("has no wildcard IAM outside the documented exception", () => {
    assertLeastPrivilege(foundation);
    expect(statementsOf(foundation, "").filter((s) => s.Resource.includes("*")).map((s) => s.Sid)).toEqual(["PublishMetrics"]);
  });

  it("matches the reviewed snapshot", () => {
    expect(foundation.json).toMatchSnapshot();
  });
});

describe("all phases, endpoint scoring", () => {
  it("serves the region's Linear Learner image from the configured model on a provisioned endpoint", () => {
    const role = refWhere(full, "aws_iam_role", "name", "fraud-detection-dev-sagemaker", "arn");
    expect(full.json).toHaveResourceWithProperties("aws_sagemaker_model", { execution_role_arn: role, primary_container: { image: linearLearnerImage("us-east-1"), model_data_url: MODEL, mode: "SingleModel" } });
    expect(full.json).toHaveResourceWithProperties("aws_sagemaker_endpoint_configuration", {
      name_prefix: "fraud-detection-dev-",
      production_variants: [{ variant_name: "AllTraffic", model_name: ref(full, "aws_sagemaker_model", "name"), instance_type: "ml.m5.large", initial_instance_count: 1, initial_variant_weight: 1 }],
      lifecycle: { create_before_destroy: true },
    });
    expect(full.json).toHaveResourceWithProperties("aws_sagemaker_endpoint", { name: "fraud-detection-dev-endpoint", endpoint_config_name: ref(full, "aws_sagemaker_endpoint_configuration", "name") });
    expect(statementsOf(full, "serving_role-policy").find((s) => s.Sid === "ReadModelArtifact")).toMatchObject({ Action: ["s3:GetObject"], Resource: [MODEL_ARN] });
    expect(full.json.output["endpoint_name"]?.value).toBe("fraud-detection-dev-endpoint");
    expect(full.json.output["phase"]?.value).toBe("all");
    expect(full.json.output["model_data_url"]?.value).toBe(MODEL);
  });

  it("points the Lambda at the endpoint and stream by name, from the hashed zip, after both exist", () => {
    const fn = full.one("aws_lambda_function");
    expect(fn).toMatchObject({ function_name: "fraud-detection-dev-scorer", runtime: "nodejs22.x", architectures: ["arm64"], handler: "index.scheduled", memory_size: 512, timeout: 60 });
    expect(fn["source_code_hash"]).toBe(createHash("sha256").update(readFileSync(zip)).digest("base64"));
    expect(existsSync(join(full.dir, String(fn["filename"])))).toBe(true);
    expect(fn["reserved_concurrent_executions"]).toBeUndefined();
    expect(fn["depends_on"]).toEqual(expect.arrayContaining([`aws_sagemaker_endpoint.${Object.keys(full.all("aws_sagemaker_endpoint"))[0]}`, `aws_kinesis_firehose_delivery_stream.${Object.keys(full.all("aws_kinesis_firehose_delivery_stream"))[0]}`]));
    expect(lambdaEnv(full)).toMatchObject({ SCORING_MODE: "endpoint", ENDPOINT_NAME: "fraud-detection-dev-endpoint", DELIVERY_STREAM_NAME: "fraud-detection-dev-results", MODEL_S3_URI: MODEL, ON_FAILURE_QUEUE_URL: ref(full, "aws_sqs_queue", "url") });
    expect(full.json).toHaveResourceWithProperties("aws_cloudwatch_log_group", { name: "/aws/lambda/fraud-detection-dev-scorer", retention_in_days: 14 });
    expect(full.json).not.toHaveResource("aws_lambda_function_url");
  });

  it("grants the scorer InvokeEndpoint on the endpoint, PutRecord(Batch) on the stream, SendMessage on the queue, and no S3", () => {
    const scorer = statementsOf(full, "scorer_");
    expect(scorer.find((s) => s.Sid === "InvokeEndpoint")).toMatchObject({ Action: ["sagemaker:InvokeEndpoint"], Resource: [ref(full, "aws_sagemaker_endpoint", "arn")] });
    expect(scorer.find((s) => s.Sid === "PutResults")).toMatchObject({ Action: ["firehose:PutRecord", "firehose:PutRecordBatch"], Resource: [ref(full, "aws_kinesis_firehose_delivery_stream", "arn")] });
    expect(scorer.find((s) => s.Sid === "DeadLetter")).toMatchObject({ Action: ["sqs:SendMessage"], Resource: [ref(full, "aws_sqs_queue", "arn")] });
    expect(actionsOf(full, "scorer_").some((a) => a.startsWith("s3:"))).toBe(false);
  });

  it("retries async invocations twice, then sends them to the on-failure queue", () => {
    expect(full.json).toHaveResourceWithProperties("aws_lambda_function_event_invoke_config", {
      function_name: ref(full, "aws_lambda_function", "function_name"),
      maximum_retry_attempts: SCORER_RETRIES.lambdaMaximumRetryAttempts,
      destination_config: { on_failure: { destination: ref(full, "aws_sqs_queue", "arn") } },
    });
    expect(SCORER_RETRIES.lambdaMaximumRetryAttempts).toBe(2);
  });

  it("schedules rate(1 minute) disabled by default, with a retry policy, a dead-letter queue and a permission scoped to the rule", () => {
    expect(full.json).toHaveResourceWithProperties("aws_cloudwatch_event_rule", { name: "fraud-detection-dev-schedule", schedule_expression: "rate(1 minute)", state: "DISABLED" });
    const rule = ref(full, "aws_cloudwatch_event_rule", "arn");
    expect(full.json).toHaveResourceWithProperties("aws_cloudwatch_event_target", {
      rule: ref(full, "aws_cloudwatch_event_rule", "name"),
      arn: ref(full, "aws_lambda_function", "arn"),
      retry_policy: { maximum_retry_attempts: SCORER_RETRIES.eventBridgeMaximumRetryAttempts, maximum_event_age_in_seconds: SCORER_RETRIES.eventBridgeMaximumEventAgeSeconds },
      dead_letter_config: { arn: ref(full, "aws_sqs_queue", "arn") },
    });
    expect(full.json).toHaveResourceWithProperties("aws_lambda_permission", { action: "lambda:InvokeFunction", principal: "events.amazonaws.com", source_arn: rule, function_name: ref(full, "aws_lambda_function", "function_name") });
    const queuePolicy = JSON.parse(full.one("aws_sqs_queue_policy")["policy"] as string) as { Statement: unknown[] };
    expect(queuePolicy.Statement).toEqual([
      { Sid: "EventBridgeDeadLetters", Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sqs:SendMessage", Resource: ref(full, "aws_sqs_queue", "arn"), Condition: { ArnEquals: { "aws:SourceArn": rule } } },
    ]);
  });

  it("alarms on the endpoint's 5xx and the scorer's errors too", () => {
    const alarms = values(full, "aws_cloudwatch_metric_alarm").map((a) => `${a["namespace"]}:${a["metric_name"]}`);
    expect(alarms).toEqual(expect.arrayContaining(["AWS/SageMaker:Invocation5XXErrors", "AWS/Lambda:Errors"]));
    expect(alarms).toHaveLength(5);
  });

  it("makes three roles and keeps least privilege", () => {
    expect(values(full, "aws_iam_role").map((r) => r["name"]).sort()).toEqual(["fraud-detection-dev-firehose", "fraud-detection-dev-sagemaker", "fraud-detection-dev-scorer"]);
    assertLeastPrivilege(full);
  });

  it("outputs the scorer's names", () => {
    expect(full.json.output["function_name"]?.value).toBe(ref(full, "aws_lambda_function", "function_name"));
    expect(full.json.output["schedule_rule"]?.value).toBe(ref(full, "aws_cloudwatch_event_rule", "name"));
  });

  it("matches the reviewed snapshot", () => {
    expect(full.json).toMatchSnapshot();
  });
});
