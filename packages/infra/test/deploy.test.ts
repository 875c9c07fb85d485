// The phased deploy on a fresh account: a stand-in `terraform` on PATH (test/fake-terraform.mjs,
// which keeps its own state and answers plan -detailed-exitcode, output -json and show -json) and
// mocked S3 / SageMaker clients (aws-sdk-client-mock). Checks the order of the phases, what each
// one creates, that a second run changes nothing, that a run after a failure resumes, and destroy.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { encodeModelArtifact } from "@fraud/trainer/model";
import { generateDataset, writeCreditCardCsv } from "@fraud/simulator";
import { isInfraError } from "@fraud/infra";
import { loadState, runDeploy, runDestroy, runPlan } from "@fraud/infra/deploy";
import type { DeployOptions, DeployResult } from "@fraud/infra/deploy";
import { fakeS3, fakeSageMaker } from "./fake-aws.js";
import type { FakeS3 } from "./fake-aws.js";
import { fakeTerraformCalls, installFakeTerraform, tempDir, writeZip } from "./helpers.js";
import type { FakeTerraformCall } from "./helpers.js";

const creds = { AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE", AWS_SECRET_ACCESS_KEY: "fake" };
const ARTIFACTS = "fraud-detection-dev-artifacts-20260101";
/** The outputs only Terraform knows (names AWS picks, ARNs); the stand-in answers literal outputs from the configuration. */
const OUTPUTS = {
  account_id: "123456789012",
  artifact_bucket: ARTIFACTS,
  output_bucket: "fraud-detection-dev-output-20260101",
  sagemaker_role_arn: "arn:aws:iam::123456789012:role/fraud-detection-dev-sagemaker",
};
const JOB_PREFIX = "fraud-detection-dev-";

const FOUNDATION = ["aws_s3_bucket", "aws_iam_role", "aws_kinesis_firehose_delivery_stream", "aws_cloudwatch_log_group", "aws_sqs_queue", "aws_sns_topic"];
/** Types only the foundation creates (later phases add roles and log groups of their own). */
const FOUNDATION_ONLY = ["aws_s3_bucket", "aws_kinesis_firehose_delivery_stream", "aws_sqs_queue", "aws_sns_topic"];
const SERVING = ["aws_sagemaker_model", "aws_sagemaker_endpoint_configuration", "aws_sagemaker_endpoint"];
const SCORER = ["aws_lambda_function", "aws_cloudwatch_event_rule", "aws_cloudwatch_event_target"];

// Made when the file loads: the describe blocks below prepare their folders while being collected.
const tmp = tempDir("deploy");
installFakeTerraform(join(tmp.dir, "bin"));
async function model(seed: number): Promise<Uint8Array> {
  const weights = Array.from({ length: 30 }, (_, i) => Math.sin(seed * 31 + i) / 10);
  return encodeModelArtifact({ weights, bias: -2 - seed / 10, threshold: 0.4, predictorType: "binary_classifier" });
}
const modelBytes = await model(1);
const otherModelBytes = await model(2);

afterAll(() => tmp.cleanup());

/** A fresh infra folder (configuration, scorer zip, local model) and its stand-in terraform's record. */
function workspace(name: string): { work: string; record: string; env: NodeJS.ProcessEnv; modelFile: string } {
  const work = join(tmp.dir, name);
  mkdirSync(work, { recursive: true });
  writeZip(join(work, "lambda.zip"));
  writeFileSync(join(work, "infra.config.json"), JSON.stringify({ region: "eu-west-1", lambda: { zipPath: "lambda.zip" }, environments: { dev: {} } }));
  writeFileSync(join(work, "outputs.json"), JSON.stringify(OUTPUTS));
  const modelFile = join(work, "model.tar.gz");
  writeFileSync(modelFile, modelBytes);
  const record = join(work, "terraform-calls.jsonl");
  const env = { PATH: `${join(tmp.dir, "bin")}:/usr/bin:/bin`, FAKE_TF_RECORD: record, FAKE_TF_OUTPUTS: join(work, "outputs.json"), ...creds };
  return { work, record, env, modelFile };
}

function options(w: ReturnType<typeof workspace>, s3: FakeS3, more: Partial<DeployOptions> = {}): DeployOptions {
  return { environment: "dev", cwd: w.work, env: w.env, clients: { s3: s3.client }, ...more };
}

const commands = (calls: FakeTerraformCall[]): string[] => calls.map((c) => c.args[0]!);
const applies = (calls: FakeTerraformCall[]): FakeTerraformCall[] => calls.filter((c) => c.args[0] === "apply");
const statuses = (r: DeployResult): string[] => r.steps.map((s) => `${s.step}:${s.status}`);
const sha256 = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");

describe("deploy on a fresh account with a local model", () => {
  const w = workspace("fresh");
  const s3 = fakeS3();
  let first: DeployResult;

  beforeAll(async () => {
    first = await runDeploy(options(w, s3, { model: { kind: "file", path: w.modelFile } }));
  });

  it("runs every phase in order: foundation, outputs, model, serving, scorer", () => {
    expect(statuses(first)).toEqual(["foundation:applied", "outputs:done", "model:done", "serving:applied", "all:applied", "outputs:done"]);
    const calls = fakeTerraformCalls(w.record);
    // the first `output` looks for a deployment made without this state file: there is none
    expect(commands(calls)).toEqual(["init", "output", "validate", "plan", "apply", "output", "validate", "plan", "apply", "validate", "plan", "apply", "output"]);
    expect(new Set(calls.map((c) => c.cwd))).toEqual(new Set([join(w.work, "cdktf.out/stacks/dev")]));
    // validate always runs before plan, and every plan is saved and applied as saved
    for (const [i, c] of calls.entries()) if (c.args[0] === "plan") expect(calls[i - 1]!.args[0]).toBe("validate");
    for (const c of calls.filter((x) => x.args[0] === "plan")) expect(c.args).toContain("-detailed-exitcode");
  });

  it("creates the foundation first, then serving, then the scorer, and removes nothing", () => {
    const [foundation, serving, scorer] = applies(fakeTerraformCalls(w.record));
    for (const t of FOUNDATION) expect(foundation!.created, t).toContain(t);
    for (const t of [...SERVING, ...SCORER]) expect(foundation!.created, t).not.toContain(t);
    for (const t of SERVING) expect(serving!.created, t).toContain(t);
    for (const t of [...FOUNDATION_ONLY, ...SCORER]) expect(serving!.created, t).not.toContain(t);
    for (const t of SCORER) expect(scorer!.created, t).toContain(t);
    for (const t of [...FOUNDATION_ONLY, ...SERVING]) expect(scorer!.created, t).not.toContain(t);
    for (const a of applies(fakeTerraformCalls(w.record))) expect(a.removed).toEqual([]);
  });

  it("writes fraud-stack.json from terraform output", () => {
    const stack = JSON.parse(readFileSync(join(w.work, "fraud-stack.json"), "utf8")) as Record<string, unknown>;
    expect(stack).toEqual({
      version: 1,
      environment: "dev",
      region: "eu-west-1",
      partition: "aws",
      accountId: "123456789012",
      artifactBucket: ARTIFACTS,
      dataPrefix: "fraud-detection/data/",
      modelPrefix: "fraud-detection/models/",
      outputBucket: OUTPUTS.output_bucket,
      sagemakerRoleArn: OUTPUTS.sagemaker_role_arn,
      trainingJobPrefix: JOB_PREFIX,
      endpointName: "fraud-detection-dev-endpoint",
      scoringMode: "endpoint",
    });
    expect(first.stack).toEqual(stack);
  });

  it("uploads the model once, content-addressed under the model prefix, with its SHA-256", async () => {
    const hash = sha256(modelBytes);
    const url = `s3://${ARTIFACTS}/fraud-detection/models/uploads/${hash.slice(0, 16)}/model.tar.gz`;
    expect(s3.puts).toEqual([url]);
    expect(sha256(s3.objects.get(url)!)).toBe(hash);
    const state = await loadState(join(w.work, ".fraud/deploy-dev.json"), "dev");
    expect(state).toMatchObject({ phase: "all", model: { source: "upload", modelDataUrl: url, sha256: hash }, training: null });
    expect(Object.keys(state.applied).sort()).toEqual(["all", "foundation", "serving"]);
  });

  it("a second run with nothing changed plans once, applies nothing and uploads nothing", async () => {
    writeFileSync(w.record, "");
    const again = await runDeploy(options(w, s3, { model: { kind: "file", path: w.modelFile } }));
    expect(statuses(again)).toEqual(["foundation:unchanged", "outputs:done", "model:unchanged", "serving:unchanged", "all:unchanged", "outputs:done"]);
    const calls = fakeTerraformCalls(w.record);
    expect(commands(calls)).toEqual(["init", "validate", "plan", "output", "output"]);
    expect(calls.find((c) => c.args[0] === "plan")!.changed).toBe(false);
    expect(s3.puts).toHaveLength(1);
    expect(again.steps[1]!.detail).toMatch(/^unchanged /);
  });

  it("a run without model flags keeps the recorded model", async () => {
    writeFileSync(w.record, "");
    const again = await runDeploy(options(w, s3));
    expect(statuses(again)).toContain("model:unchanged");
    expect(applies(fakeTerraformCalls(w.record))).toEqual([]);
  });

  it("a new local model rolls serving (and the scorer's model version) without touching the foundation", async () => {
    writeFileSync(w.record, "");
    const newer = join(w.work, "model-2.tar.gz");
    writeFileSync(newer, otherModelBytes);
    const rolled = await runDeploy(options(w, s3, { model: { kind: "file", path: newer } }));
    expect(statuses(rolled)).toEqual(["foundation:unchanged", "outputs:done", "model:done", "serving:applied", "all:unchanged", "outputs:done"]);
    const [apply] = applies(fakeTerraformCalls(w.record));
    expect(apply!.removed).toEqual([]);
    expect(s3.puts).toHaveLength(2);
    expect(rolled.model?.sha256).toBe(sha256(otherModelBytes));
  });

  it("rolls the endpoint the way SageMaker serves without downtime: a new model and endpoint configuration first, the same endpoint", () => {
    const tf = JSON.parse(readFileSync(join(w.work, "cdktf.out/stacks/dev/cdk.tf.json"), "utf8")) as { resource: Record<string, Record<string, Record<string, unknown>>> };
    const only = (type: string): Record<string, unknown> => {
      const all = Object.values(tf.resource[type] ?? {});
      expect(all, type).toHaveLength(1);
      return all[0]!;
    };
    const model = only("aws_sagemaker_model");
    const config = only("aws_sagemaker_endpoint_configuration");
    const endpoint = only("aws_sagemaker_endpoint");
    expect(model["primary_container"]).toMatchObject({ model_data_url: `s3://${ARTIFACTS}/fraud-detection/models/uploads/${sha256(otherModelBytes).slice(0, 16)}/model.tar.gz` });
    // Replacing the model replaces the configuration (created before the old one is destroyed);
    // the endpoint keeps its name and is updated in place, which SageMaker does blue/green.
    expect(model["lifecycle"]).toEqual({ create_before_destroy: true });
    expect(config["lifecycle"]).toEqual({ create_before_destroy: true });
    expect(config["name"]).toBeUndefined();
    expect(endpoint["name"]).toBe("fraud-detection-dev-endpoint");
    // the scorer reports which model scored: the content hash of the upload
    const fn = only("aws_lambda_function") as { environment: { variables: Record<string, string> } };
    expect(fn.environment.variables["MODEL_VERSION"]).toBe(`sha256-${sha256(otherModelBytes).slice(0, 12)}`);
    expect(String(endpoint["endpoint_config_name"])).toMatch(/^\$\{aws_sagemaker_endpoint_configuration\.[\w-]+\.name\}$/);
  });

  it("without its state file (another machine), continues from what Terraform says is deployed instead of planning it away", async () => {
    rmSync(join(w.work, ".fraud"), { recursive: true, force: true });
    // plan, too, plans what is deployed: no changes
    expect(await runPlan({ environment: "dev", cwd: w.work, env: w.env })).toBe(false);
    writeFileSync(w.record, "");
    const lines: string[] = [];
    const again = await runDeploy(options(w, s3, { log: (l) => lines.push(l) }));
    expect(lines[0]).toMatch(/^no deploy state: continuing from what is deployed \(all, s3:\/\/.*\/model\.tar\.gz\)$/);
    expect(applies(fakeTerraformCalls(w.record))).toEqual([]);
    expect(again.model).toMatchObject({ source: "url", sha256: sha256(otherModelBytes) });
    expect(s3.puts).toHaveLength(2);
  });

  it("destroy plans a destroy, says what goes (endpoint included) and forgets the deploy", async () => {
    writeFileSync(w.record, "");
    const lines: string[] = [];
    const result = await runDestroy({ environment: "dev", cwd: w.work, env: w.env, log: (l) => lines.push(l) });
    const calls = fakeTerraformCalls(w.record);
    expect(commands(calls)).toEqual(["init", "validate", "plan", "show", "apply"]);
    expect(calls[2]!.args).toContain("-destroy");
    expect(new Set(applies(calls)[0]!.removed)).toEqual(new Set(result.removed.map((r) => r.type)));
    expect(result.summary).toMatch(/^\d+ resources: SageMaker endpoint, endpoint configuration, SageMaker model, \d+ S3 buckets, /);
    expect(lines.at(-1)).toMatch(/^destroyed \d+ resources: SageMaker endpoint.*; nothing of dev is left billing$/);
    expect(existsSync(join(w.work, ".fraud/deploy-dev.json"))).toBe(false);
    expect(existsSync(join(w.work, "fraud-stack.json"))).toBe(false);
    // destroying again finds nothing
    const none = await runDestroy({ environment: "dev", cwd: w.work, env: w.env });
    expect(none.removed).toEqual([]);
  });
});

describe("embedded scoring, with the notebook", () => {
  const w = workspace("embedded");
  const s3 = fakeS3();
  const env = { ...w.env, FRAUD_INFRA_SCORING_MODE: "embedded", FRAUD_INFRA_NOTEBOOK: "true", FRAUD_INFRA_NOTEBOOK_DIRECT_INTERNET: "true" };

  it("deploys no SageMaker model, configuration or endpoint, and writes endpointName null", async () => {
    const result = await runDeploy(options(w, s3, { env, model: { kind: "file", path: w.modelFile } }));
    const [foundation, ...rest] = applies(fakeTerraformCalls(w.record));
    expect(foundation!.created).toContain("aws_sagemaker_notebook_instance");
    const created = rest.flatMap((a) => a.created ?? []);
    for (const t of SERVING) expect(created).not.toContain(t);
    for (const t of SCORER) expect(created).toContain(t);
    expect(result.stack).toMatchObject({ scoringMode: "embedded", endpointName: null });
  });

  it("destroy names the notebook instance among what it removes", async () => {
    const lines: string[] = [];
    const result = await runDestroy({ environment: "dev", cwd: w.work, env, log: (l) => lines.push(l) });
    expect(result.summary).toMatch(/^\d+ resources: notebook instance, 2 S3 buckets, (\d+ )?Lambda functions?, /);
    expect(result.removed.map((r) => r.type)).toContain("aws_sagemaker_notebook_instance");
    expect(lines[0]).toBe(`destroying ${result.summary}`);
  });
});

describe("a deploy that fails in the middle", () => {
  const w = workspace("resume");
  const s3 = fakeS3();

  it("stops at the failing apply, then continues where it stopped", async () => {
    const failing = options(w, s3, { model: { kind: "file", path: w.modelFile }, env: { ...w.env, FAKE_TF_FAIL: "apply:aws_sagemaker_endpoint" } });
    const err = await runDeploy(failing).then(() => undefined, (e: unknown) => e);
    expect(isInfraError(err, "COMMAND_FAILED")).toBe(true);
    expect((err as Error).message).toBe("terraform apply failed with exit code 1");
    const state = await loadState(join(w.work, ".fraud/deploy-dev.json"), "dev");
    expect(state.phase).toBe("serving");
    expect(Object.keys(state.applied)).toEqual(["foundation"]);
    expect(state.model?.sha256).toBe(sha256(modelBytes));

    writeFileSync(w.record, "");
    const resumed = await runDeploy(options(w, s3, { model: { kind: "file", path: w.modelFile } }));
    const calls = fakeTerraformCalls(w.record);
    // The first plan of the resumed run is the serving stack: only the endpoint is left to create.
    expect(calls.find((c) => c.args[0] === "plan")!.create).toEqual(["aws_sagemaker_endpoint"]);
    const [serving, scorer] = applies(calls);
    expect(serving!.created).toEqual(["aws_sagemaker_endpoint"]);
    for (const t of SCORER) expect(scorer!.created).toContain(t);
    expect(statuses(resumed)).toEqual(["foundation:applied", "outputs:done", "model:unchanged", "serving:unchanged", "all:applied", "outputs:done"]);
    expect(s3.puts).toHaveLength(1);
  });
});

describe("training on SageMaker with the stack's bucket and role", () => {
  const w = workspace("train");
  const s3 = fakeS3();
  let served = modelBytes;
  let status: "Completed" | "InProgress" = "Completed";
  const sm = fakeSageMaker(s3, () => served, () => status);
  let clock = Date.parse("2026-01-02T03:04:05Z");
  const csv = join(w.work, "creditcard.csv");
  const waitOptions = { pollMs: 1, maxPollMs: 1, sleep: async () => {} };

  beforeAll(async () => {
    await writeCreditCardCsv(csv, generateDataset({ rows: 2000, seed: 11, fraudRate: 0.05 }));
  });
  beforeEach(() => {
    clock += 3_600_000;
  });
  const train = (more: Partial<DeployOptions> = {}): Promise<DeployResult> =>
    runDeploy(options(w, s3, { clients: { s3: s3.client, sagemaker: sm.client }, waitOptions, now: () => new Date(clock), ...more }));

  it("trains once, names the job <trainingJobPrefix><yyyyMMddHHmmss>, and serves its model", async () => {
    const result = await train({ model: { kind: "train", data: csv } });
    expect(sm.jobs.map((j) => j.TrainingJobName)).toEqual([`${JOB_PREFIX}20260102040405`]);
    const job = sm.jobs[0]!;
    expect(job.RoleArn).toBe(OUTPUTS.sagemaker_role_arn);
    for (const c of job.InputDataConfig ?? []) expect(c.DataSource?.S3DataSource?.S3Uri).toMatch(new RegExp(`^s3://${ARTIFACTS}/fraud-detection/data/`));
    expect(result.model).toMatchObject({ source: "train", jobName: `${JOB_PREFIX}20260102040405`, sha256: sha256(modelBytes), data: csv });
    expect(existsSync(join(w.work, `.fraud/training/${JOB_PREFIX}20260102040405/metrics.json`))).toBe(true);
    expect(statuses(result)).toEqual(["foundation:applied", "outputs:done", "model:done", "serving:applied", "all:applied", "outputs:done"]);
  });

  it("--train again with the same data is a no-op", async () => {
    writeFileSync(w.record, "");
    const again = await train({ model: { kind: "train", data: csv } });
    expect(sm.jobs).toHaveLength(1);
    expect(applies(fakeTerraformCalls(w.record))).toEqual([]);
    expect(statuses(again)).toContain("model:unchanged");
  });

  it("--retrain trains a new model and rolls serving to it, leaving the foundation alone", async () => {
    writeFileSync(w.record, "");
    served = otherModelBytes;
    const rolled = await train({ retrain: true });
    expect(sm.jobs).toHaveLength(2);
    expect(rolled.model).toMatchObject({ jobName: sm.jobs[1]!.TrainingJobName, sha256: sha256(otherModelBytes) });
    expect(statuses(rolled)).toEqual(["foundation:unchanged", "outputs:done", "model:done", "serving:applied", "all:unchanged", "outputs:done"]);
    expect(applies(fakeTerraformCalls(w.record))[0]!.removed).toEqual([]);
  });

  it("a deploy stopped while the job runs re-attaches to it instead of starting another", async () => {
    status = "InProgress";
    served = modelBytes;
    let polls = 0;
    const dies = { pollMs: 1, maxPollMs: 1, sleep: async () => { if (++polls > 2) throw new Error("connection reset"); } };
    const err = await train({ retrain: true, waitOptions: dies }).then(() => undefined, (e: unknown) => e);
    expect(isInfraError(err, "TRAINING_FAILED")).toBe(true);
    const started = sm.jobs.at(-1)!.TrainingJobName;
    expect((await loadState(join(w.work, ".fraud/deploy-dev.json"), "dev")).training?.jobName).toBe(started);

    status = "Completed";
    const resumed = await train();
    expect(sm.jobs.at(-1)!.TrainingJobName).toBe(started);
    expect(resumed.model).toMatchObject({ jobName: started, sha256: sha256(modelBytes) });
    expect((await loadState(join(w.work, ".fraud/deploy-dev.json"), "dev")).training).toBeNull();
  });

  it("stops after the foundation when no model is known yet", async () => {
    const fresh = workspace("no-model");
    const result = await runDeploy(options(fresh, fakeS3()));
    expect(statuses(result)).toEqual(["foundation:applied", "outputs:done", "model:done"]);
    expect(result.model).toBeNull();
    expect(result.steps.at(-1)!.detail).toMatch(/^no model yet/);
    rmSync(fresh.work, { recursive: true, force: true });
  });
});
