// The stack's modes and options: embedded scoring (no endpoint), the phases a deploy walks
// through, the Function URL, the notebook, and the configuration variants.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { linearLearnerImage } from "@fraud/trainer/aws";
import { LAYOUT } from "@fraud/infra";
import type { InfraConfigFile } from "@fraud/infra";
import { ref, synth, tempDir, writeZip } from "./helpers.js";
import type { Synth } from "./helpers.js";
import "./matchers.js";
import { actionsOf, assertLeastPrivilege, lambdaEnv, refWhere, statementsOf, values } from "./stack-helpers.js";

const MODEL = "s3://trained-models-bucket/fraud/output/job-1/output/model.tar.gz";
const MODEL_ARN = "arn:aws:s3:::trained-models-bucket/fraud/output/job-1/output/model.tar.gz";
const SERVING = ["aws_sagemaker_model", "aws_sagemaker_endpoint_configuration", "aws_sagemaker_endpoint"];
let tmp: ReturnType<typeof tempDir>;
let zip: string;
const make = (file: InfraConfigFile, environment = "dev"): Synth => synth(tmp.dir, zip, file, environment);

beforeAll(() => {
  tmp = tempDir("modes");
  zip = join(tmp.dir, "lambda.zip");
  writeZip(zip);
});
afterAll(() => tmp.cleanup());

describe("embedded scoring", () => {
  let s: Synth;
  beforeAll(() => {
    s = make({ model: { dataUrl: MODEL }, lambda: { scoringMode: "embedded" } });
  });

  it("creates no SageMaker model, endpoint configuration or endpoint", () => {
    for (const type of SERVING) expect(s.json, type).not.toHaveResource(type);
    expect(s.json).not.toHaveResource("aws_appautoscaling_target");
    expect(values(s, "aws_cloudwatch_log_group").map((g) => g["name"])).not.toContain("/aws/sagemaker/Endpoints/fraud-detection-dev-endpoint");
    expect(values(s, "aws_cloudwatch_metric_alarm").map((a) => a["namespace"])).not.toContain("AWS/SageMaker");
    expect(s.json.output["endpoint_name"]?.value).toBeNull();
    expect(s.json.output["scoring_mode"]?.value).toBe("embedded");
  });

  it("lets the scorer read the model object and nothing on SageMaker", () => {
    expect(statementsOf(s, "scorer_").find((st) => st.Sid === "ReadModel")).toMatchObject({ Action: ["s3:GetObject"], Resource: [MODEL_ARN] });
    expect(actionsOf(s, "scorer_")).toEqual(["firehose:PutRecord", "firehose:PutRecordBatch", "logs:CreateLogStream", "logs:PutLogEvents", "s3:GetObject", "sqs:SendMessage"]);
  });

  it("gives the Lambda the model location through its environment", () => {
    const env = lambdaEnv(s);
    expect(env).toMatchObject({ SCORING_MODE: "embedded", MODEL_S3_URI: MODEL });
    expect(env).not.toHaveProperty("ENDPOINT_NAME");
  });

  it("adds kms:Decrypt on the stack's key, and only that, when the buckets use KMS", () => {
    const k = make({ model: { dataUrl: MODEL }, lambda: { scoringMode: "embedded" }, buckets: { encryption: "kms" } });
    expect(statementsOf(k, "scorer_").find((st) => st.Sid === "DecryptModel")).toMatchObject({ Action: ["kms:Decrypt"], Resource: [ref(k, "aws_kms_key", "arn")] });
  });

  it("matches the reviewed snapshot", () => {
    expect(s.json).toMatchSnapshot();
  });
});

describe("phases", () => {
  const cases: { name: string; file: InfraConfigFile; env?: NodeJS.ProcessEnv; phase: string; serving: boolean; scorer: boolean }[] = [
    { name: "no model, phase all", file: {}, phase: "foundation", serving: false, scorer: false },
    { name: "model, FRAUD_INFRA_PHASE=foundation", file: { model: { dataUrl: MODEL } }, env: { FRAUD_INFRA_PHASE: "foundation" }, phase: "foundation", serving: false, scorer: false },
    { name: "model, FRAUD_INFRA_PHASE=serving", file: { model: { dataUrl: MODEL } }, env: { FRAUD_INFRA_PHASE: "serving" }, phase: "serving", serving: true, scorer: false },
    { name: "model from FRAUD_INFRA_MODEL_DATA_URL, phase all", file: {}, env: { FRAUD_INFRA_MODEL_DATA_URL: MODEL }, phase: "all", serving: true, scorer: true },
    { name: "embedded, phase serving", file: { model: { dataUrl: MODEL }, phase: "serving", lambda: { scoringMode: "embedded" } }, phase: "serving", serving: false, scorer: false },
  ];

  it.each(cases)("$name → $phase", ({ file, env, phase, serving, scorer }) => {
    const s = synth(tmp.dir, zip, file, "dev", env ?? {});
    expect(s.json.output["phase"]?.value).toBe(phase);
    for (const type of SERVING) expect(Object.keys(s.all(type)).length > 0, type).toBe(serving);
    expect(Object.keys(s.all("aws_lambda_function")).length > 0).toBe(scorer);
    expect(Object.keys(s.all("aws_cloudwatch_event_rule")).length > 0).toBe(scorer);
    for (const type of ["aws_s3_bucket", "aws_iam_policy", "aws_kinesis_firehose_delivery_stream", "aws_sqs_queue", "aws_sns_topic"]) expect(s.json, type).toHaveResource(type);
    expect(s.json.output["endpoint_name"]?.value).toBe(serving ? "fraud-detection-dev-endpoint" : null);
    assertLeastPrivilege(s);
  });

  it("keeps the foundation's resources under the same addresses in every phase, so a later phase only adds", () => {
    const addresses = (s: Synth): string[] => Object.entries(s.json.resource).flatMap(([type, byId]) => Object.keys(byId).map((id) => `${type}.${id}`));
    const foundation = addresses(make({}));
    const serving = addresses(make({ model: { dataUrl: MODEL }, phase: "serving" }));
    const all = addresses(make({ model: { dataUrl: MODEL } }));
    expect(serving).toEqual(expect.arrayContaining(foundation));
    expect(all).toEqual(expect.arrayContaining(serving));
  });
});

describe("function URL", () => {
  it("uses IAM auth by default, with a reserved-concurrency cap on the HTTP function", () => {
    const s = make({ model: { dataUrl: MODEL }, lambda: { functionUrl: { enabled: true } } });
    expect(values(s, "aws_lambda_function").map((f) => f["handler"]).sort()).toEqual(["index.http", "index.scheduled"]);
    expect(s.json).toHaveResourceWithProperties("aws_lambda_function_url", { authorization_type: "AWS_IAM" });
    expect(s.json).toHaveResourceWithProperties("aws_lambda_function", { handler: "index.http", reserved_concurrent_executions: 10 });
    expect(values(s, "aws_lambda_permission").map((p) => p["action"])).toEqual(["lambda:InvokeFunction"]);
    expect(s.json.output).toHaveProperty("function_url");
    expect(values(s, "aws_cloudwatch_metric_alarm").filter((a) => a["metric_name"] === "Errors")).toHaveLength(2);
  });

  it("with authType NONE grants the public invoke permission, so the URL answers", () => {
    const s = make({ model: { dataUrl: MODEL }, lambda: { functionUrl: { enabled: true, authType: "NONE", reservedConcurrency: 3, allowOrigins: ["https://example.com"] } } });
    const http = refWhere(s, "aws_lambda_function", "handler", "index.http", "function_name");
    expect(s.json).toHaveResourceWithProperties("aws_lambda_function_url", { function_name: http, authorization_type: "NONE", cors: { allow_origins: ["https://example.com"], allow_methods: ["POST"] } });
    expect(s.json).toHaveResourceWithProperties("aws_lambda_permission", { function_name: http, action: "lambda:InvokeFunctionUrl", principal: "*", function_url_auth_type: "NONE" });
    expect(s.json).toHaveResourceWithProperties("aws_lambda_function", { handler: "index.http", reserved_concurrent_executions: 3 });
  });

  it("leaves the HTTP function unreserved when the cap is null", () => {
    const s = make({ model: { dataUrl: MODEL }, lambda: { functionUrl: { enabled: true, reservedConcurrency: null } } });
    expect(values(s, "aws_lambda_function").every((f) => f["reserved_concurrent_executions"] === undefined)).toBe(true);
  });
});

describe("notebook enabled", () => {
  let s: Synth;
  beforeAll(() => {
    s = make({ notebook: { enabled: true, subnetId: "subnet-0123456789abcdef0", securityGroupIds: ["sg-0123456789abcdef0"] } });
  });

  it("uploads the notebook and fraud-stack.json, and the instance boots with a lifecycle configuration that fetches them", () => {
    const artifacts = refWhere(s, "aws_s3_bucket", "bucket_prefix", "fraud-detection-dev-artifacts-", "bucket");
    expect(s.json).toHaveResourceWithProperties("aws_s3_object", { bucket: artifacts, key: `${LAYOUT.notebookPrefix}fraud-detection.ipynb`, content_type: "application/x-ipynb+json" });
    expect(s.json).toHaveResourceWithProperties("aws_s3_object", { bucket: artifacts, key: `${LAYOUT.notebookPrefix}fraud-stack.json` });
    const role = refWhere(s, "aws_iam_role", "name", "fraud-detection-dev-sagemaker", "arn");
    expect(s.json).toHaveResourceWithProperties("aws_sagemaker_notebook_instance", { name: "fraud-detection-dev-notebook", instance_type: "ml.t3.medium", role_arn: role, root_access: "Disabled", lifecycle_config_name: ref(s, "aws_sagemaker_notebook_instance_lifecycle_configuration", "name") });
    const onStart = String(s.one("aws_sagemaker_notebook_instance_lifecycle_configuration")["on_start"]);
    expect(onStart).toMatch(/^\$\{base64encode\(/);
    expect(onStart).toContain(`s3://${artifacts}/${LAYOUT.notebookPrefix}fraud-detection.ipynb`);
    expect(onStart).toContain(`s3://${artifacts}/${LAYOUT.notebookPrefix}fraud-stack.json`);
    expect(s.json.output).toHaveProperty("notebook_name");
  });

  it("writes the same fraud-stack.json fields the outputs carry", () => {
    const object = values(s, "aws_s3_object").find((o) => String(o["key"]).endsWith("fraud-stack.json"));
    const file = JSON.parse(String(object?.["content"])) as Record<string, unknown>;
    expect(file).toMatchObject({ version: 1, environment: "dev", region: "us-east-1", partition: "aws", dataPrefix: LAYOUT.dataPrefix, modelPrefix: LAYOUT.modelPrefix, trainingJobPrefix: "fraud-detection-dev-", endpointName: null, scoringMode: "endpoint" });
    expect(file["sagemakerRoleArn"]).toBe(s.json.output["sagemaker_role_arn"]?.value);
    expect(file["artifactBucket"]).toBe(s.json.output["artifact_bucket"]?.value);
    expect(file["accountId"]).toBe(s.json.output["account_id"]?.value);
  });

  it("runs as the SageMaker role with the trainer policy attached, and reads only the notebook prefix more", () => {
    expect(s.json).toHaveResourceWithProperties("aws_iam_role_policy_attachment", { policy_arn: ref(s, "aws_iam_policy", "arn") });
    const notebook = statementsOf(s, "notebook_");
    const bucket = refWhere(s, "aws_s3_bucket", "bucket_prefix", "fraud-detection-dev-artifacts-", "arn");
    expect(notebook.find((st) => st.Sid === "ReadNotebook")).toMatchObject({ Action: ["s3:GetObject"], Resource: [`${bucket}/${LAYOUT.notebookPrefix}*`] });
    assertLeastPrivilege(s);
  });
});

describe("variants", () => {
  const cases: { name: string; file: InfraConfigFile; check: (s: Synth) => void }[] = [
    {
      name: "serverless endpoint",
      file: { model: { dataUrl: MODEL }, endpoint: { mode: "serverless", serverlessMemoryMb: 3072, serverlessMaxConcurrency: 7 } },
      check: (s) => {
        const v = (s.one("aws_sagemaker_endpoint_configuration")["production_variants"] as Record<string, unknown>[])[0];
        expect(v).toMatchObject({ variant_name: "AllTraffic", serverless_config: { memory_size_in_mb: 3072, max_concurrency: 7 } });
        expect(v).not.toHaveProperty("instance_type");
      },
    },
    { name: "schedule enabled", file: { model: { dataUrl: MODEL }, schedule: { enabled: true } }, check: (s) => expect(s.one("aws_cloudwatch_event_rule")["state"]).toBe("ENABLED") },
    {
      name: "KMS encryption",
      file: { model: { dataUrl: MODEL }, buckets: { encryption: "kms" } },
      check: (s) => {
        const key = ref(s, "aws_kms_key", "arn");
        expect(s.one("aws_kms_key")).toMatchObject({ enable_key_rotation: true });
        for (const sse of values(s, "aws_s3_bucket_server_side_encryption_configuration")) {
          expect(sse).toMatchObject({ rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: key }, bucket_key_enabled: true }] });
        }
        expect(statementsOf(s, "").filter((st) => st.Action.includes("kms:GenerateDataKey")).every((st) => st.Resource.length === 1 && st.Resource[0] === key)).toBe(true);
        expect(s.json).toHaveResourceWithProperties("aws_sqs_queue", { sqs_managed_sse_enabled: true });
      },
    },
    {
      name: "auto scaling on invocations per instance",
      file: { model: { dataUrl: MODEL }, endpoint: { autoscaling: { enabled: true, minCapacity: 1, maxCapacity: 3 } } },
      check: (s) => {
        expect(s.json).toHaveResourceWithProperties("aws_appautoscaling_target", { min_capacity: 1, max_capacity: 3, scalable_dimension: "sagemaker:variant:DesiredInstanceCount", resource_id: `endpoint/${ref(s, "aws_sagemaker_endpoint", "name")}/variant/AllTraffic` });
        expect(s.json).toHaveResourceWithProperties("aws_appautoscaling_policy", { policy_type: "TargetTrackingScaling", target_tracking_scaling_policy_configuration: { target_value: 200, predefined_metric_specification: { predefined_metric_type: "SageMakerVariantInvocationsPerInstance" } } });
      },
    },
    {
      name: "custom ECR image adds pull rights on that repository",
      file: { model: { dataUrl: MODEL, imageUri: "123456789012.dkr.ecr.us-east-1.amazonaws.com/my-ll:7" } },
      check: (s) => {
        expect(statementsOf(s, "serving_").find((st) => st.Sid === "PullImage")?.Resource).toEqual(["arn:aws:ecr:us-east-1:123456789012:repository/my-ll"]);
        expect(statementsOf(s, "serving_").find((st) => st.Sid === "EcrLogin")).toMatchObject({ Action: ["ecr:GetAuthorizationToken"], Resource: ["*"] });
      },
    },
    {
      name: "alarms off, force destroy on, reserved concurrency",
      file: { model: { dataUrl: MODEL }, alarms: { enabled: false }, buckets: { forceDestroy: true }, lambda: { reservedConcurrency: 3 } },
      check: (s) => {
        expect(s.json).not.toHaveResource("aws_cloudwatch_metric_alarm");
        expect(values(s, "aws_s3_bucket").every((b) => b["force_destroy"] === true)).toBe(true);
        expect(s.one("aws_lambda_function")["reserved_concurrent_executions"]).toBe(3);
      },
    },
    {
      name: "alarm e-mail and an existing topic",
      file: { alarms: { email: "ops@example.com", topicArn: "arn:aws:sns:us-east-1:123456789012:ops" } },
      check: (s) => {
        expect(s.json).toHaveResourceWithProperties("aws_sns_topic_subscription", { topic_arn: ref(s, "aws_sns_topic", "arn"), protocol: "email", endpoint: "ops@example.com" });
        for (const a of values(s, "aws_cloudwatch_metric_alarm")) expect(a["alarm_actions"]).toEqual([ref(s, "aws_sns_topic", "arn"), "arn:aws:sns:us-east-1:123456789012:ops"]);
      },
    },
    {
      name: "remote state in S3 with native locking",
      file: { backend: { type: "s3", bucket: "my-tf-state" } },
      check: (s) => expect(s.json.terraform.backend).toEqual({ s3: { bucket: "my-tf-state", key: "fraud-detection/dev/terraform.tfstate", region: "us-east-1", encrypt: true, use_lockfile: true } }),
    },
    {
      name: "another region uses its own registry and partition",
      file: { region: "cn-north-1", model: { dataUrl: MODEL } },
      check: (s) => {
        expect((s.one("aws_sagemaker_model")["primary_container"] as Record<string, unknown>)["image"]).toBe(linearLearnerImage("cn-north-1"));
        expect(s.json.output["partition"]?.value).toBe("aws-cn");
        expect(statementsOf(s, "serving_").find((st) => st.Sid === "ReadModelArtifact")?.Resource).toEqual([MODEL_ARN.replace("arn:aws:", "arn:aws-cn:")]);
      },
    },
  ];

  it.each(cases)("$name", ({ file, check }) => {
    const s = make(file);
    check(s);
    assertLeastPrivilege(s);
  });
});
