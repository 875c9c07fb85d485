// Real Terraform on the synthesized stack: init from the provider mirror, validate, plan with
// fake credentials and the provider's skip flags, and check the plan's JSON. Skips, saying why,
// when terraform or the mirror (env TF_PLUGIN_DIR) is absent.
import { execFile } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Terraform, findTerraform } from "@fraud/infra/deploy";
import { synth, tempDir, writeZip } from "./helpers.js";
import type { Synth } from "./helpers.js";

const exec = promisify(execFile);
const pluginDir = process.env["TF_PLUGIN_DIR"];
let binary: string | undefined;
let skipReason = "";
try {
  binary = findTerraform();
} catch (err) {
  skipReason = (err as Error).message;
}
if (!skipReason && !pluginDir) skipReason = "TF_PLUGIN_DIR is not set (the hashicorp/aws 5.100.0 mirror; .ci/run finds it)";
if (!skipReason && pluginDir && !existsSync(join(pluginDir, "registry.terraform.io", "hashicorp", "aws", "5.100.0"))) {
  skipReason = `TF_PLUGIN_DIR=${pluginDir} holds no registry.terraform.io/hashicorp/aws/5.100.0`;
}
if (skipReason) console.warn(`[infra] terraform tests skipped: ${skipReason}`);

const tfEnv = {
  ...process.env,
  AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
  AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  AWS_EC2_METADATA_DISABLED: "true",
  TF_IN_AUTOMATION: "1",
  // Set in beforeAll: a CLI configuration naming the mirror, so init links the provider instead of copying 700 MB.
  TF_CLI_CONFIG_FILE: "/dev/null",
  CHECKPOINT_DISABLE: "1",
};

async function tf(dir: string, ...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return exec(binary as string, args, { cwd: dir, env: tfEnv, maxBuffer: 64 * 1024 * 1024 });
}

interface PlanJson {
  resource_changes: { type: string; address: string; change: { actions: string[]; after: Record<string, unknown> } }[];
}

describe.skipIf(skipReason !== "")(`terraform validate + plan${skipReason ? ` (skipped: ${skipReason})` : ""}`, () => {
  let tmp: ReturnType<typeof tempDir>;
  let full: Synth;
  let plan: PlanJson;

  beforeAll(async () => {
    tmp = tempDir("tf");
    tfEnv.TF_CLI_CONFIG_FILE = join(tmp.dir, "terraformrc");
    writeFileSync(tfEnv.TF_CLI_CONFIG_FILE, `provider_installation {\n  filesystem_mirror {\n    path = ${JSON.stringify(pluginDir)}\n  }\n}\n`);
    const zip = join(tmp.dir, "lambda.zip");
    writeZip(zip);
    full = synth(tmp.dir, zip, {
      model: { dataUrl: "s3://trained-models-bucket/job/output/model.tar.gz" },
      notebook: { enabled: true, subnetId: "subnet-0123456789abcdef0", securityGroupIds: ["sg-0123456789abcdef0"] },
      endpoint: { autoscaling: { enabled: true } },
      buckets: { encryption: "kms" },
      lambda: { zipPath: zip, functionUrl: { enabled: true } },
    });
    await tf(full.dir, "init", "-input=false", "-no-color");
    await tf(full.dir, "plan", "-input=false", "-no-color", "-refresh=false", "-out=test.tfplan");
    plan = JSON.parse((await tf(full.dir, "show", "-json", "test.tfplan")).stdout) as PlanJson;
  }, 300_000);
  afterAll(() => tmp?.cleanup());

  it("the deploy's Terraform session reads real terraform: init, validate, plan -detailed-exitcode, show -json, output -json", async () => {
    const zip = join(tmp.dir, "lambda.zip");
    const s = synth(tmp.dir, zip, {}, "session");
    // the mirror comes from the CLI configuration here (TF_PLUGIN_DIR would make init copy it)
    const session = new Terraform({ dir: s.dir, env: { ...tfEnv, TF_PLUGIN_DIR: "" }, skipCredentialsCheck: true });
    await session.init();
    await session.validate();
    expect(await session.plan("session.tfplan")).toBe(true);
    const changes = await session.changes("session.tfplan");
    const declared = Object.entries(s.json.resource).flatMap(([type, byId]) => Object.keys(byId).map((id) => `${type}.${id}`)).sort();
    expect(changes.map((c) => c.address).sort()).toEqual(declared);
    expect(new Set(changes.map((c) => c.actions.join()))).toEqual(new Set(["create"]));
    // nothing applied yet: no outputs, as on a fresh account before the first deploy
    expect(await session.outputs()).toEqual({});
  }, 120_000);

  it("validates", async () => {
    const { stdout } = await tf(full.dir, "validate", "-json", "-no-color");
    const result = JSON.parse(stdout) as { valid: boolean; error_count: number; diagnostics: { severity: string; summary: string }[] };
    expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it("plans to create every resource the configuration declares, and nothing else", () => {
    const declared = Object.entries(full.json.resource).flatMap(([type, byId]) => Object.keys(byId).map((id) => `${type}.${id}`)).sort();
    expect(plan.resource_changes.map((r) => r.address).sort()).toEqual(declared);
    expect(plan.resource_changes.every((r) => r.change.actions.join() === "create")).toBe(true);
    const types = new Set(plan.resource_changes.map((r) => r.type));
    for (const t of [
      "aws_s3_bucket",
      "aws_iam_role",
      "aws_sagemaker_model",
      "aws_sagemaker_endpoint_configuration",
      "aws_sagemaker_endpoint",
      "aws_sagemaker_notebook_instance",
      "aws_appautoscaling_policy",
      "aws_lambda_function",
      "aws_lambda_function_url",
      "aws_cloudwatch_event_rule",
      "aws_kinesis_firehose_delivery_stream",
      "aws_cloudwatch_metric_alarm",
      "aws_kms_key",
    ]) {
      expect(types, t).toContain(t);
    }
  });

  it("plans the key values as configured", () => {
    const after = (type: string): Record<string, unknown>[] => plan.resource_changes.filter((r) => r.type === type).map((r) => r.change.after);
    expect(after("aws_cloudwatch_event_rule")[0]).toMatchObject({ schedule_expression: "rate(1 minute)", state: "DISABLED" });
    expect(after("aws_sagemaker_endpoint")[0]).toMatchObject({ name: "fraud-detection-dev-endpoint" });
    expect(after("aws_lambda_function").map((f) => [f["handler"], f["runtime"], f["architectures"]]).sort()).toEqual([
      ["index.http", "nodejs22.x", ["arm64"]],
      ["index.scheduled", "nodejs22.x", ["arm64"]],
    ]);
    expect(after("aws_s3_bucket_public_access_block").every((p) => p["block_public_policy"] === true && p["restrict_public_buckets"] === true)).toBe(true);
    expect(after("aws_lambda_function_url")[0]).toMatchObject({ authorization_type: "AWS_IAM" });
    expect(after("aws_sagemaker_model")[0]).toMatchObject({ primary_container: [{ model_data_url: "s3://trained-models-bucket/job/output/model.tar.gz" }] });
  });

  it("validates the serverless variant too", async () => {
    const zip = join(tmp.dir, "lambda.zip");
    const s = synth(tmp.dir, zip, { model: { dataUrl: "s3://bkt/m/model.tar.gz" }, endpoint: { mode: "serverless" }, lambda: { zipPath: zip } }, "stage");
    await tf(s.dir, "init", "-input=false", "-no-color");
    const { stdout } = await tf(s.dir, "validate", "-json", "-no-color");
    expect((JSON.parse(stdout) as { valid: boolean }).valid).toBe(true);
  }, 300_000);

  it("plans the default stack with no model: buckets, roles, stream, queue, alarms — and no serving or scorer", async () => {
    const zip = join(tmp.dir, "lambda.zip");
    const s = synth(tmp.dir, zip, {}, "fresh");
    await tf(s.dir, "init", "-input=false", "-no-color");
    expect((JSON.parse((await tf(s.dir, "validate", "-json", "-no-color")).stdout) as { valid: boolean }).valid).toBe(true);
    await tf(s.dir, "plan", "-input=false", "-no-color", "-refresh=false", "-out=fresh.tfplan");
    const fresh = JSON.parse((await tf(s.dir, "show", "-json", "fresh.tfplan")).stdout) as PlanJson & { planned_values: { outputs: Record<string, { value?: unknown }> } };
    const types = new Set(fresh.resource_changes.map((r) => r.type));
    for (const t of ["aws_s3_bucket", "aws_iam_role", "aws_iam_policy", "aws_kinesis_firehose_delivery_stream", "aws_sqs_queue", "aws_sns_topic", "aws_cloudwatch_metric_alarm"]) expect(types, t).toContain(t);
    for (const t of ["aws_sagemaker_model", "aws_sagemaker_endpoint", "aws_lambda_function", "aws_cloudwatch_event_rule"]) expect(types, t).not.toContain(t);
    expect(fresh.resource_changes.every((r) => r.change.actions.join() === "create")).toBe(true);
    expect(fresh.planned_values.outputs["training_job_prefix"]?.value).toBe("fraud-detection-fresh-");
    expect(fresh.planned_values.outputs["phase"]?.value).toBe("foundation");
  }, 300_000);

  it("plans embedded scoring with no SageMaker model, endpoint configuration or endpoint", async () => {
    const zip = join(tmp.dir, "lambda.zip");
    const s = synth(tmp.dir, zip, { model: { dataUrl: "s3://bkt/m/model.tar.gz" }, lambda: { zipPath: zip, scoringMode: "embedded" } }, "embed");
    await tf(s.dir, "init", "-input=false", "-no-color");
    await tf(s.dir, "plan", "-input=false", "-no-color", "-refresh=false", "-out=embed.tfplan");
    const embed = JSON.parse((await tf(s.dir, "show", "-json", "embed.tfplan")).stdout) as PlanJson;
    const types = new Set(embed.resource_changes.map((r) => r.type));
    expect(types).toContain("aws_lambda_function");
    for (const t of ["aws_sagemaker_model", "aws_sagemaker_endpoint_configuration", "aws_sagemaker_endpoint"]) expect(types, t).not.toContain(t);
  }, 300_000);
});
