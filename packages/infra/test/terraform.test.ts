// Real Terraform on the synthesized stack: init from the provider mirror, validate, plan with
// fake credentials and the provider's skip flags, and check the plan's JSON. Skips, saying why,
// when terraform or the mirror (env TF_PLUGIN_DIR) is absent.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findTerraform } from "@fraud/infra";
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
  TF_CLI_CONFIG_FILE: "/dev/null",
  CHECKPOINT_DISABLE: "1",
};

async function tf(dir: string, ...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return exec(binary as string, args, { cwd: dir, env: tfEnv, maxBuffer: 64 * 1024 * 1024 });
}

interface PlanJson {
  resource_changes: { type: string; address: string; change: { actions: string[]; after: Record<string, unknown> } }[];
  variables: Record<string, { value: unknown }>;
}

describe.skipIf(skipReason !== "")(`terraform validate + plan${skipReason ? ` (skipped: ${skipReason})` : ""}`, () => {
  let tmp: ReturnType<typeof tempDir>;
  let full: Synth;
  let plan: PlanJson;

  beforeAll(async () => {
    tmp = tempDir("tf");
    const zip = join(tmp.dir, "lambda.zip");
    writeZip(zip);
    full = synth(tmp.dir, zip, {
      model: { dataUrl: "s3://trained-models-bucket/job/output/model.tar.gz" },
      notebook: { enabled: true },
      endpoint: { autoscaling: { enabled: true } },
      buckets: { encryption: "kms" },
      lambda: { zipPath: zip, functionUrl: { enabled: true } },
    });
    await tf(full.dir, "init", "-input=false", "-no-color", `-plugin-dir=${pluginDir}`);
    await tf(full.dir, "plan", "-input=false", "-no-color", "-refresh=false", "-out=test.tfplan");
    plan = JSON.parse((await tf(full.dir, "show", "-json", "test.tfplan")).stdout) as PlanJson;
  }, 120_000);
  afterAll(() => tmp?.cleanup());

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
    expect(plan.variables["model_data_url"]?.value).toBe("s3://trained-models-bucket/job/output/model.tar.gz");
  });

  it("rejects a model URL that is not s3:// through the variable's validation", async () => {
    const failed = await tf(full.dir, "plan", "-input=false", "-no-color", "-refresh=false", "-var", "model_data_url=https://example.com/model.tar.gz").then(
      () => "",
      (err: { stderr: string }) => err.stderr,
    );
    expect(failed).toMatch(/model_data_url must be an s3:\/\/ URL/);
  });

  it("validates the serverless variant too", async () => {
    const zip = join(tmp.dir, "lambda.zip");
    const s = synth(tmp.dir, zip, { endpoint: { mode: "serverless" }, lambda: { zipPath: zip, scoringMode: "embedded" } }, "stage");
    await tf(s.dir, "init", "-input=false", "-no-color", `-plugin-dir=${pluginDir}`);
    const { stdout } = await tf(s.dir, "validate", "-json", "-no-color");
    expect((JSON.parse(stdout) as { valid: boolean }).valid).toBe(true);
  }, 60_000);
});
