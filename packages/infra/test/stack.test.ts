// Assertions on the synthesized Terraform JSON: every resource the issue lists, with its key
// properties, least-privilege IAM, secure buckets, and the configuration variants.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LINEAR_LEARNER_REGISTRIES, MANAGED_BY, WILDCARD_RESOURCE_ACTIONS, linearLearnerImage } from "@fraud/infra";
import type { InfraConfigFile } from "@fraud/infra";
import { ref, statements, synth, tempDir, writeZip } from "./helpers.js";
import type { Synth } from "./helpers.js";

const MODEL = "s3://trained-models-bucket/fraud/output/job-1/output/model.tar.gz";
let tmp: ReturnType<typeof tempDir>;
let zip: string;
let base: Synth;

beforeAll(() => {
  tmp = tempDir("stack");
  zip = join(tmp.dir, "lambda.zip");
  writeZip(zip);
  base = synth(tmp.dir, zip, { model: { dataUrl: MODEL } });
});
afterAll(() => tmp.cleanup());

function resourceValues(s: Synth, type: string): Record<string, unknown>[] {
  return Object.values(s.all(type));
}

function assertLeastPrivilege(s: Synth): void {
  const all = statements(s);
  expect(all.length).toBeGreaterThan(0);
  for (const st of all) {
    for (const action of st.Action) expect(action, `${st.policy}/${st.Sid}`).not.toContain("*");
    for (const res of st.Resource) {
      if (res === "*") {
        // Documented exceptions only: APIs with no resource type.
        for (const action of st.Action) expect(WILDCARD_RESOURCE_ACTIONS, `${st.policy}/${st.Sid}`).toContain(action);
      } else {
        expect(res, `${st.policy}/${st.Sid}`).not.toMatch(/^arn:[^:]*:[^:]*:[^:]*:[^:]*:\*$|^arn:[^:]*:s3:::\*/);
      }
    }
    if (st.Action.includes("cloudwatch:PutMetricData")) expect(st.Condition).toBeDefined();
  }
}

describe("default stack (provisioned endpoint)", () => {
  it("makes three buckets, each encrypted, private, owner-enforced and TLS-only", () => {
    const buckets = base.all("aws_s3_bucket");
    expect(Object.keys(buckets)).toHaveLength(3);
    expect(Object.values(buckets).map((b) => b["bucket_prefix"]).sort()).toEqual([
      "fraud-detection-dev-artifacts-",
      "fraud-detection-dev-data-",
      "fraud-detection-dev-output-",
    ]);
    for (const [id, b] of Object.entries(buckets)) {
      expect(b["force_destroy"]).toBe(false);
      const bucketRef = `\${aws_s3_bucket.${id}.id}`;
      const sse = resourceValues(base, "aws_s3_bucket_server_side_encryption_configuration").find((r) => r["bucket"] === bucketRef);
      expect(sse, id).toMatchObject({ rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }] });
      const pab = resourceValues(base, "aws_s3_bucket_public_access_block").find((r) => r["bucket"] === bucketRef);
      expect(pab).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
      const own = resourceValues(base, "aws_s3_bucket_ownership_controls").find((r) => r["bucket"] === bucketRef);
      expect(own).toMatchObject({ rule: { object_ownership: "BucketOwnerEnforced" } });
      const pol = resourceValues(base, "aws_s3_bucket_policy").find((r) => r["bucket"] === bucketRef);
      const doc = JSON.parse(pol?.["policy"] as string) as { Statement: Record<string, unknown>[] };
      expect(doc.Statement).toContainEqual({
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
    const versioning = resourceValues(base, "aws_s3_bucket_versioning");
    expect(versioning).toHaveLength(1);
    expect(versioning[0]?.["bucket"]).toMatch(/artifacts/);
    expect(versioning[0]).toMatchObject({ versioning_configuration: { status: "Enabled" } });
    const output = resourceValues(base, "aws_s3_bucket_lifecycle_configuration").find((r) => String(r["bucket"]).includes("output"));
    expect(output).toMatchObject({ rule: [{ status: "Enabled", transition: [{ days: 30, storage_class: "STANDARD_IA" }], expiration: [{ days: 365 }] }] });
  });

  it("serves the region's Linear Learner image from the model variable on a provisioned endpoint", () => {
    const model = base.one("aws_sagemaker_model");
    expect(model["primary_container"]).toMatchObject({ image: linearLearnerImage("us-east-1"), model_data_url: "${var.model_data_url}" });
    expect(String(model["execution_role_arn"])).toMatch(/^\$\{aws_iam_role\.hosting_role_[0-9A-F]+\.arn\}$/);
    expect(base.json.variable["model_data_url"]).toMatchObject({ default: MODEL, type: "string" });
    const cfg = base.one("aws_sagemaker_endpoint_configuration");
    expect(cfg["production_variants"]).toEqual([
      { variant_name: "AllTraffic", model_name: ref(base, "aws_sagemaker_model", "name"), instance_type: "ml.m5.large", initial_instance_count: 1, initial_variant_weight: 1 },
    ]);
    const endpoint = base.one("aws_sagemaker_endpoint");
    expect(endpoint).toMatchObject({ name: "fraud-detection-dev-endpoint", endpoint_config_name: ref(base, "aws_sagemaker_endpoint_configuration", "name") });
    expect(Object.keys(base.all("aws_appautoscaling_target"))).toHaveLength(0);
    expect(Object.keys(base.all("aws_sagemaker_notebook_instance"))).toHaveLength(0);
  });

  it("points the Lambda at the endpoint and stream the stack makes, from the hashed zip", () => {
    const fn = base.one("aws_lambda_function");
    expect(fn).toMatchObject({ runtime: "nodejs22.x", architectures: ["arm64"], handler: "index.scheduled", memory_size: 512, timeout: 60 });
    expect(fn["source_code_hash"]).toBe(createHash("sha256").update(readFileSync(zip)).digest("base64"));
    expect(existsSync(join(base.dir, String(fn["filename"])))).toBe(true);
    expect(fn["reserved_concurrent_executions"]).toBeUndefined();
    const vars = (fn["environment"] as { variables: Record<string, string> }).variables;
    expect(vars).toMatchObject({
      SCORING_MODE: "endpoint",
      ENDPOINT_NAME: ref(base, "aws_sagemaker_endpoint", "name"),
      DELIVERY_STREAM_NAME: ref(base, "aws_kinesis_firehose_delivery_stream", "name"),
      MODEL_S3_URI: "${var.model_data_url}",
      BATCH_SIZE: "10",
      CONTENT_TYPE: "text/csv",
    });
    const group = resourceValues(base, "aws_cloudwatch_log_group").find((g) => g["name"] === "/aws/lambda/fraud-detection-dev-scorer");
    expect(group).toMatchObject({ retention_in_days: 14 });
    expect(Object.keys(base.all("aws_lambda_function_url"))).toHaveLength(0);
  });

  it("grants the scorer exactly InvokeEndpoint on the endpoint and PutRecord(Batch) on the stream", () => {
    const scorer = statements(base).filter((s) => s.policy.startsWith("scorer_"));
    expect(scorer.find((s) => s.Sid === "InvokeEndpoint")).toMatchObject({ Action: ["sagemaker:InvokeEndpoint"], Resource: [ref(base, "aws_sagemaker_endpoint", "arn")] });
    expect(scorer.find((s) => s.Sid === "PutResults")).toMatchObject({
      Action: ["firehose:PutRecord", "firehose:PutRecordBatch"],
      Resource: [ref(base, "aws_kinesis_firehose_delivery_stream", "arn")],
    });
    expect(scorer.some((s) => s.Action.includes("s3:GetObject"))).toBe(false);
  });

  it("has no wildcard IAM outside the documented exceptions", () => {
    assertLeastPrivilege(base);
    const wild = statements(base).filter((s) => s.Resource.includes("*"));
    expect(wild.map((s) => s.Sid)).toEqual(["PublishMetrics"]);
  });

  it("makes three roles trusted by their own service only", () => {
    const roles = Object.values(base.all("aws_iam_role")).map((r) => [r["name"], JSON.parse(r["assume_role_policy"] as string).Statement[0].Principal.Service]);
    expect(roles.sort()).toEqual([
      ["fraud-detection-dev-firehose", "firehose.amazonaws.com"],
      ["fraud-detection-dev-sagemaker", "sagemaker.amazonaws.com"],
      ["fraud-detection-dev-scorer", "lambda.amazonaws.com"],
    ]);
  });

  it("schedules rate(1 minute) disabled by default, with a target and a permission scoped to the rule", () => {
    const rule = base.one("aws_cloudwatch_event_rule");
    expect(rule).toMatchObject({ schedule_expression: "rate(1 minute)", state: "DISABLED" });
    expect(base.one("aws_cloudwatch_event_target")).toMatchObject({ rule: ref(base, "aws_cloudwatch_event_rule", "name"), arn: ref(base, "aws_lambda_function", "arn") });
    expect(base.one("aws_lambda_permission")).toMatchObject({
      action: "lambda:InvokeFunction",
      principal: "events.amazonaws.com",
      source_arn: ref(base, "aws_cloudwatch_event_rule", "arn"),
      function_name: ref(base, "aws_lambda_function", "function_name"),
    });
  });

  it("delivers through Firehose to the output bucket with GZIP, date partitions, error prefix and logging", () => {
    const stream = base.one("aws_kinesis_firehose_delivery_stream");
    expect(stream["destination"]).toBe("extended_s3");
    const s3 = stream["extended_s3_configuration"] as Record<string, unknown>;
    const outputBucket = Object.entries(base.all("aws_s3_bucket")).find(([, b]) => String(b["bucket_prefix"]).includes("output"))?.[0];
    expect(s3).toMatchObject({ bucket_arn: `\${aws_s3_bucket.${outputBucket}.arn}`, buffering_interval: 60, buffering_size: 64, compression_format: "GZIP" });
    expect(s3["prefix"]).toBe("fraud-detection/firehose/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/");
    expect(s3["error_output_prefix"]).toMatch(/^fraud-detection\/firehose-errors\/!\{firehose:error-output-type\}\//);
    expect(s3["cloudwatch_logging_options"]).toMatchObject({ enabled: true });
    const fh = statements(base).filter((s) => s.policy.startsWith("stream_"));
    expect(fh.find((s) => s.Sid === "WriteObjects")?.Resource).toEqual([`\${aws_s3_bucket.${outputBucket}.arn}/fraud-detection/*`]);
  });

  it("alarms on scorer errors, delivery freshness and endpoint 5xx", () => {
    const alarms = Object.values(base.all("aws_cloudwatch_metric_alarm")).map((a) => `${a["namespace"]}:${a["metric_name"]}`);
    expect(alarms.sort()).toEqual(["AWS/Firehose:DeliveryToS3.DataFreshness", "AWS/Lambda:Errors", "AWS/SageMaker:Invocation5XXErrors"]);
  });

  it("tags everything through provider default tags and keeps state local", () => {
    expect(base.json.provider.aws[0]).toMatchObject({
      region: "us-east-1",
      default_tags: [{ tags: { Project: "fraud-detection", Environment: "dev", ManagedBy: MANAGED_BY } }],
    });
    expect(base.json.terraform.backend).toEqual({ local: { path: "terraform.dev.tfstate" } });
  });

  it("outputs bucket names, endpoint, stream and function", () => {
    expect(Object.keys(base.json.output).sort()).toEqual(
      ["artifact_bucket", "data_bucket", "delivery_stream_name", "endpoint_name", "function_name", "output_bucket", "sagemaker_role_arn", "schedule_rule"].sort(),
    );
    expect(base.json.output["endpoint_name"]?.value).toBe(ref(base, "aws_sagemaker_endpoint", "name"));
  });

  it("matches the reviewed snapshot", () => {
    expect(base.json).toMatchSnapshot();
  });
});

describe("variants", () => {
  const cases: { name: string; file: InfraConfigFile; check: (s: Synth) => void }[] = [
    {
      name: "serverless endpoint",
      file: { endpoint: { mode: "serverless", serverlessMemoryMb: 3072, serverlessMaxConcurrency: 7 } },
      check: (s) => {
        const v = (s.one("aws_sagemaker_endpoint_configuration")["production_variants"] as Record<string, unknown>[])[0];
        expect(v).toMatchObject({ variant_name: "AllTraffic", serverless_config: { memory_size_in_mb: 3072, max_concurrency: 7 } });
        expect(v).not.toHaveProperty("instance_type");
        expect(v).not.toHaveProperty("initial_instance_count");
      },
    },
    {
      name: "schedule enabled",
      file: { schedule: { enabled: true } },
      check: (s) => expect(s.one("aws_cloudwatch_event_rule")["state"]).toBe("ENABLED"),
    },
    {
      name: "KMS encryption",
      file: { buckets: { encryption: "kms" } },
      check: (s) => {
        const key = `\${aws_kms_key.${Object.keys(s.all("aws_kms_key"))[0]}.arn}`;
        expect(s.one("aws_kms_key")).toMatchObject({ enable_key_rotation: true });
        for (const sse of Object.values(s.all("aws_s3_bucket_server_side_encryption_configuration"))) {
          expect(sse).toMatchObject({ rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: key }, bucket_key_enabled: true }] });
        }
        expect(statements(s).filter((st) => st.Action.includes("kms:GenerateDataKey")).every((st) => st.Resource.length === 1 && st.Resource[0] === key)).toBe(true);
      },
    },
    {
      name: "function URL (IAM auth by default)",
      file: { lambda: { zipPath: "", functionUrl: { enabled: true } } },
      check: (s) => {
        const fns = Object.values(s.all("aws_lambda_function"));
        expect(fns.map((f) => f["handler"]).sort()).toEqual(["index.http", "index.scheduled"]);
        expect(s.one("aws_lambda_function_url")).toMatchObject({ authorization_type: "AWS_IAM" });
        expect(s.json.output).toHaveProperty("function_url");
      },
    },
    {
      name: "notebook with lifecycle configuration",
      file: { notebook: { enabled: true } },
      check: (s) => {
        const nb = s.one("aws_sagemaker_notebook_instance");
        expect(nb).toMatchObject({ name: "fraud-detection-dev-notebook", instance_type: "ml.t3.medium", root_access: "Disabled" });
        expect(nb["lifecycle_config_name"]).toBe(ref(s, "aws_sagemaker_notebook_instance_lifecycle_configuration", "name"));
        expect(String(s.one("aws_sagemaker_notebook_instance_lifecycle_configuration")["on_start"])).toMatch(/^\$\{base64encode\(/);
        expect(statements(s).find((st) => st.Sid === "NotebookPassRole")?.Condition).toEqual({ StringEquals: { "iam:PassedToService": "sagemaker.amazonaws.com" } });
      },
    },
    {
      name: "auto scaling on invocations per instance",
      file: { endpoint: { autoscaling: { enabled: true, minCapacity: 1, maxCapacity: 3 } } },
      check: (s) => {
        expect(s.one("aws_appautoscaling_target")).toMatchObject({ min_capacity: 1, max_capacity: 3, scalable_dimension: "sagemaker:variant:DesiredInstanceCount", resource_id: `endpoint/${ref(s, "aws_sagemaker_endpoint", "name")}/variant/AllTraffic` });
        expect(s.one("aws_appautoscaling_policy")).toMatchObject({
          policy_type: "TargetTrackingScaling",
          target_tracking_scaling_policy_configuration: { target_value: 200, predefined_metric_specification: { predefined_metric_type: "SageMakerVariantInvocationsPerInstance" } },
        });
      },
    },
    {
      name: "embedded scoring reads the model object instead of invoking the endpoint",
      file: { lambda: { zipPath: "", scoringMode: "embedded" } },
      check: (s) => {
        const scorer = statements(s).filter((st) => st.policy.startsWith("scorer_"));
        expect(scorer.some((st) => st.Action.includes("sagemaker:InvokeEndpoint"))).toBe(false);
        expect(scorer.find((st) => st.Sid === "ReadModel")?.Resource).toEqual(["${local.model_object_arn}"]);
        expect(s.json.locals?.["model_object_arn"]).toBe('arn:aws:s3:::${replace(var.model_data_url, "s3://", "")}');
      },
    },
    {
      name: "custom ECR image adds pull rights on that repository",
      file: { model: { dataUrl: MODEL, imageUri: "123456789012.dkr.ecr.us-east-1.amazonaws.com/my-ll:7" } },
      check: (s) => {
        expect(statements(s).find((st) => st.Sid === "PullImage")?.Resource).toEqual(["arn:aws:ecr:us-east-1:123456789012:repository/my-ll"]);
        expect(statements(s).find((st) => st.Sid === "EcrLogin")).toMatchObject({ Action: ["ecr:GetAuthorizationToken"], Resource: ["*"] });
      },
    },
    {
      name: "alarms off, force destroy on, reserved concurrency",
      file: { alarms: { enabled: false }, buckets: { forceDestroy: true }, lambda: { zipPath: "", reservedConcurrency: 3 } },
      check: (s) => {
        expect(Object.keys(s.all("aws_cloudwatch_metric_alarm"))).toHaveLength(0);
        expect(Object.values(s.all("aws_s3_bucket")).every((b) => b["force_destroy"] === true)).toBe(true);
        expect(s.one("aws_lambda_function")["reserved_concurrent_executions"]).toBe(3);
      },
    },
    {
      name: "remote state in S3 with native locking",
      file: { backend: { type: "s3", bucket: "my-tf-state" } },
      check: (s) => {
        expect(s.json.terraform.backend).toEqual({ s3: { bucket: "my-tf-state", key: "fraud-detection/dev/terraform.tfstate", region: "us-east-1", encrypt: true, use_lockfile: true } });
      },
    },
    {
      name: "another region uses its own registry",
      file: { region: "eu-west-1" },
      check: (s) => {
        expect((s.one("aws_sagemaker_model")["primary_container"] as Record<string, unknown>)["image"]).toBe(`${LINEAR_LEARNER_REGISTRIES["eu-west-1"]}.dkr.ecr.eu-west-1.amazonaws.com/linear-learner:1`);
        expect(s.json.variable["model_data_url"]).not.toHaveProperty("default");
      },
    },
  ];

  it.each(cases)("$name", ({ file, check }) => {
    const fixed: InfraConfigFile = file.lambda ? { ...file, lambda: { ...file.lambda, zipPath: zip } } : file;
    const s = synth(tmp.dir, zip, fixed);
    check(s);
    assertLeastPrivilege(s);
  });
});
