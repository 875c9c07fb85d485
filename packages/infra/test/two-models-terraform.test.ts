// Real Terraform on stacks with a classifier and an anomaly detector, in endpoint and embedded
// modes: init from the provider mirror, validate, and plan with fake credentials. Skips, saying
// why, when terraform or the mirror (env TF_PLUGIN_DIR) is absent.
import { execFile } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { regionImage } from "@fraud/contracts";
import { findTerraform } from "@fraud/infra/deploy";
import type { InfraConfigFile } from "@fraud/infra";
import { synth, tempDir, writeZip } from "./helpers.js";

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
if (skipReason) console.warn(`[infra] two-model terraform tests skipped: ${skipReason}`);

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
  planned_values: { outputs: Record<string, { value?: unknown }> };
}

const CLASSIFIER = "s3://trained-models-bucket/xgb-job/output/model.tar.gz";
const DETECTOR = "s3://trained-models-bucket/rcf-job/output/model.tar.gz";

describe.skipIf(skipReason !== "")(`terraform validate + plan with two models${skipReason ? ` (skipped: ${skipReason})` : ""}`, () => {
  let tmp: ReturnType<typeof tempDir>;
  let zip: string;

  beforeAll(() => {
    tmp = tempDir("tf2");
    tfEnv.TF_CLI_CONFIG_FILE = join(tmp.dir, "terraformrc");
    writeFileSync(tfEnv.TF_CLI_CONFIG_FILE, `provider_installation {\n  filesystem_mirror {\n    path = ${JSON.stringify(pluginDir)}\n  }\n}\n`);
    zip = join(tmp.dir, "lambda.zip");
    writeZip(zip);
  });
  afterAll(() => tmp?.cleanup());

  async function validateAndPlan(file: InfraConfigFile, environment: string): Promise<{ plan: PlanJson; declared: string[] }> {
    const s = synth(tmp.dir, zip, { ...file, lambda: { zipPath: zip, ...(file.lambda ?? {}) } }, environment);
    await tf(s.dir, "init", "-input=false", "-no-color");
    const validate = JSON.parse((await tf(s.dir, "validate", "-json", "-no-color")).stdout) as { valid: boolean; diagnostics: { severity: string; summary: string }[] };
    expect(validate.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(validate.valid).toBe(true);
    await tf(s.dir, "plan", "-input=false", "-no-color", "-refresh=false", `-out=${environment}.tfplan`);
    const plan = JSON.parse((await tf(s.dir, "show", "-json", `${environment}.tfplan`)).stdout) as PlanJson;
    const declared = Object.entries(s.json.resource).flatMap(([type, byId]) => Object.keys(byId).map((id) => `${type}.${id}`)).sort();
    return { plan, declared };
  }

  const after = (plan: PlanJson, type: string): Record<string, unknown>[] => plan.resource_changes.filter((r) => r.type === type).map((r) => r.change.after);

  it("xgboost + randomcutforest on two endpoints (KMS, auto scaling, Function URL)", async () => {
    const { plan, declared } = await validateAndPlan(
      {
        model: { dataUrl: CLASSIFIER, algorithm: "xgboost" },
        anomalyDetector: { enabled: true, scoringMode: "endpoint", dataUrl: DETECTOR, threshold: 3 },
        endpoint: { autoscaling: { enabled: true } },
        buckets: { encryption: "kms" },
        lambda: { functionUrl: { enabled: true } },
      },
      "both",
    );
    expect(plan.resource_changes.map((r) => r.address).sort()).toEqual(declared);
    expect(plan.resource_changes.every((r) => r.change.actions.join() === "create")).toBe(true);
    expect(after(plan, "aws_sagemaker_endpoint").map((e) => e["name"]).sort()).toEqual(["fraud-detection-both-anomaly", "fraud-detection-both-endpoint"]);
    const images = after(plan, "aws_sagemaker_model").map((m) => (m["primary_container"] as { image: string; model_data_url: string }[])[0]);
    expect(images).toEqual(expect.arrayContaining([
      expect.objectContaining({ image: regionImage("xgboost", "us-east-1"), model_data_url: CLASSIFIER }),
      expect.objectContaining({ image: regionImage("randomcutforest", "us-east-1"), model_data_url: DETECTOR }),
    ]));
    expect(after(plan, "aws_appautoscaling_policy").map((p) => p["name"]).sort()).toEqual(["fraud-detection-both-anomaly-invocations-per-instance", "fraud-detection-both-invocations-per-instance"]);
    // (the functions' variables hold the queue URL, unknown until apply: the environment is checked on the synthesized JSON)
    expect(after(plan, "aws_lambda_function").map((f) => f["handler"]).sort()).toEqual(["index.http", "index.scheduled"]);
    expect(plan.planned_values.outputs["anomaly_scoring_mode"]?.value).toBe("endpoint");
  }, 300_000);

  it("linear-learner embedded + randomcutforest embedded: no SageMaker serving at all", async () => {
    const { plan, declared } = await validateAndPlan({ model: { dataUrl: CLASSIFIER }, lambda: { scoringMode: "embedded" }, anomalyDetector: { enabled: true, dataUrl: DETECTOR } }, "embed");
    expect(plan.resource_changes.map((r) => r.address).sort()).toEqual(declared);
    const types = new Set(plan.resource_changes.map((r) => r.type));
    for (const t of ["aws_sagemaker_model", "aws_sagemaker_endpoint_configuration", "aws_sagemaker_endpoint"]) expect(types, t).not.toContain(t);
    expect(after(plan, "aws_lambda_function").map((f) => f["handler"])).toEqual(["index.scheduled"]);
    expect(plan.planned_values.outputs["anomaly_model_data_url"]?.value).toBe(DETECTOR);
  }, 300_000);

  it("xgboost on an endpoint + randomcutforest embedded, serverless", async () => {
    const { plan, declared } = await validateAndPlan({ model: { dataUrl: CLASSIFIER, algorithm: "xgboost" }, endpoint: { mode: "serverless" }, anomalyDetector: { enabled: true, scoringMode: "embedded", dataUrl: DETECTOR } }, "mixed");
    expect(plan.resource_changes.map((r) => r.address).sort()).toEqual(declared);
    expect(after(plan, "aws_sagemaker_endpoint").map((e) => e["name"])).toEqual(["fraud-detection-mixed-endpoint"]);
  }, 300_000);
});
