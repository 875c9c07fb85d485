// The deploy with an XGBoost classifier and with two models (a classifier and a Random Cut Forest
// anomaly detector): the model step recognises each artifact's algorithm with the model registry
// and refuses what its role cannot serve; the phased deploy (stand-in terraform, mocked S3) serves
// the image of the algorithm recognised and both models, and a second run changes nothing.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { beforeAll, afterAll, describe, expect, it } from "vitest";
import { regionImage } from "@fraud/contracts";
import { encodeModelArtifact } from "@fraud/trainer/model";
import { isInfraError } from "@fraud/infra";
import { emptyState, loadState, resolveModel, runDeploy, stackOutputsFromTerraform } from "@fraud/infra/deploy";
import type { DeployOptions, DeployResult, DeployState, ModelRole, ModelSource, ModelStepOptions, StackTrainer } from "@fraud/infra/deploy";
import { fakeS3 } from "./fake-aws.js";
import type { FakeS3 } from "./fake-aws.js";
import { fakeTerraformCalls, installFakeTerraform, tempDir, writeZip } from "./helpers.js";

const fixture = (name: string): Uint8Array => readFileSync(fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url)));
const XGBOOST = fixture("xgboost-1.7.4.tar.gz");
const FOREST = fixture("randomcutforest-local.tar.gz");
const LINEAR = await encodeModelArtifact({ weights: Array.from({ length: 30 }, (_, i) => i / 100), bias: -3, threshold: 0.5, predictorType: "binary_classifier" });

/** One regular file in a ustar archive, gzip-compressed: how SageMaker packs a training job's model. */
function tarGz(name: string, content: Uint8Array): Uint8Array {
  const header = Buffer.alloc(512);
  header.write(name, 0, "utf8");
  header.write("0000644\0", 100);
  header.write("0000000\0", 108);
  header.write("0000000\0", 116);
  header.write(`${content.length.toString(8).padStart(11, "0")}\0`, 124);
  header.write(`${Math.floor(Date.UTC(2026, 0, 1) / 1000).toString(8).padStart(11, "0")}\0`, 136);
  header.write("        ", 148);
  header.write("0", 156);
  header.write("ustar\0", 257);
  header.write("00", 263);
  let sum = 0;
  for (const b of header) sum += b;
  header.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148);
  const body = Buffer.alloc(Math.ceil(content.length / 512) * 512);
  Buffer.from(content).copy(body);
  return gzipSync(Buffer.concat([header, body, Buffer.alloc(1024)]));
}
/** What a SageMaker Random Cut Forest job writes: `model_algo-1`, a blob in SageMaker's undocumented format naming the algorithm. */
const SAGEMAKER_FOREST = tarGz("model_algo-1", Buffer.from("{\"algorithm\": \"randomcutforest\", \"num_samples_per_tree\": 256, \"state\": \"...\"}"));

const tmp = tempDir("deploy-models");
afterAll(() => tmp.cleanup());

const STACK = stackOutputsFromTerraform(
  {
    environment: "dev",
    region: "eu-west-1",
    partition: "aws",
    account_id: "123456789012",
    artifact_bucket: "fraud-artifacts-1",
    data_prefix: "fraud-detection/data/",
    model_prefix: "fraud-detection/models/",
    output_bucket: "fraud-output-1",
    sagemaker_role_arn: "arn:aws:iam::123456789012:role/fraud-dev-sagemaker",
    training_job_prefix: "fraud-dev-",
    scoring_mode: "endpoint",
  },
  "dev",
);

function file(name: string, bytes: Uint8Array): string {
  mkdirSync(join(tmp.dir, "models"), { recursive: true });
  const path = join(tmp.dir, "models", name);
  writeFileSync(path, bytes);
  return path;
}

async function step(source: ModelSource | undefined, more: Partial<ModelStepOptions> = {}, s3: FakeS3 = fakeS3(), state: DeployState = emptyState("dev")) {
  const result = await resolveModel({
    source,
    retrain: false,
    stack: STACK,
    state,
    save: async () => {},
    s3: s3.client,
    sagemaker: () => {
      throw new Error("no SageMaker in this test");
    },
    hyperparameters: {},
    trainingDir: join(tmp.dir, "training"),
    log: () => {},
    now: () => new Date("2026-01-02T03:04:05Z"),
    ...more,
  });
  return { result, s3, state };
}

const embedded: ModelRole = { kind: "anomalyDetector", scoringMode: "embedded" };
const endpoint: ModelRole = { kind: "anomalyDetector", scoringMode: "endpoint" };

describe("the model step recognises the algorithm", () => {
  it.each([
    ["an XGBoost 1.7.4 artifact", XGBOOST, "xgboost"],
    ["a Linear Learner artifact", LINEAR, "linear-learner"],
  ] as const)("uploads %s as the classifier and records its algorithm", async (_name, bytes, algorithm) => {
    const { result } = await step({ kind: "file", path: file(`${algorithm}.tar.gz`, bytes) });
    expect(result).toMatchObject({ source: "upload", algorithm });
  });

  it("reads an XGBoost model given by URL", async () => {
    const s3 = fakeS3();
    const url = "s3://fraud-artifacts-1/jobs/xgb/output/model.tar.gz";
    s3.objects.set(url, XGBOOST);
    expect((await step({ kind: "url", url }, {}, s3)).result).toMatchObject({ source: "url", algorithm: "xgboost", modelDataUrl: url });
  });

  it.each([
    ["a local forest, embedded", FOREST, embedded],
    ["a SageMaker forest, on an endpoint", SAGEMAKER_FOREST, endpoint],
  ] as const)("takes %s as the anomaly detector", async (_name, bytes, role) => {
    const s3 = fakeS3();
    const url = "s3://fraud-artifacts-1/rcf/model.tar.gz";
    s3.objects.set(url, bytes);
    const { result, state } = await step({ kind: "url", url }, { role }, s3);
    expect(result).toMatchObject({ algorithm: "randomcutforest", modelDataUrl: url });
    // the classifier's record is untouched
    expect(state.model).toBeNull();
  });

  it.each([
    ["a forest as the classifier", FOREST, undefined, /rcf\.tar\.gz is a randomcutforest anomaly detector, not a classifier \(linear-learner or xgboost\): give it as the anomaly detector \(--anomaly-model\)$/],
    ["an XGBoost model as the detector", XGBOOST, embedded, /xgb\.tar\.gz is a xgboost model, not an anomaly detector \(randomcutforest\)$/],
    ["a local forest on an endpoint", FOREST, endpoint, /rcf\.tar\.gz: a randomcutforest model trained locally is served embedded only \(SageMaker's container cannot read it\): set anomalyDetector\.scoringMode to embedded$/],
    ["a SageMaker forest embedded", SAGEMAKER_FOREST, embedded, /sm-rcf\.tar\.gz: a randomcutforest model trained by SageMaker is served only by a SageMaker endpoint: set anomalyDetector\.scoringMode to endpoint/],
    ["a SageMaker forest as the classifier", SAGEMAKER_FOREST, undefined, /sm-rcf\.tar\.gz is not a classifier model\.tar\.gz \(linear-learner or xgboost\): /],
  ] as const)("refuses %s in one line", async (_name, bytes, role, message) => {
    const name = bytes === FOREST ? "rcf.tar.gz" : bytes === XGBOOST ? "xgb.tar.gz" : "sm-rcf.tar.gz";
    const err = await step({ kind: "file", path: file(name, bytes) }, role ? { role } : {}).catch((e: unknown) => e);
    expect(isInfraError(err, "MODEL_INVALID")).toBe(true);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toContain("\n");
  });

  it("keeps the recorded detector apart from the classifier, and does not train one", async () => {
    const s3 = fakeS3();
    const url = "s3://fraud-artifacts-1/rcf/model.tar.gz";
    s3.objects.set(url, FOREST);
    const recorded = (await step({ kind: "url", url }, { role: embedded }, s3)).result!;
    const state: DeployState = { ...emptyState("dev"), anomalyDetector: recorded };
    expect((await step(undefined, { role: embedded }, s3, state)).result).toEqual(recorded);
    expect((await step(undefined, {}, s3, state)).result).toBeNull();
    const err = await step({ kind: "train", data: "c.csv" }, { role: embedded }).catch((e: unknown) => e);
    expect(isInfraError(err, "INVALID_ARGUMENT")).toBe(true);
  });
});

describe("training either classifier algorithm", () => {
  /** The stand-in trainer below never calls SageMaker; the step only hands the client over. */
  const noSageMaker = (): never => ({}) as never;
  /** A trainer that writes `bytes` where SageMaker would and records what it was asked. */
  function trainer(bytes: Uint8Array, s3: FakeS3, asked: unknown[]): StackTrainer {
    return async (r) => {
      asked.push(r.algorithm);
      const url = `s3://${r.stack.artifactBucket}/${r.stack.modelPrefix}${r.jobName}/output/model.tar.gz`;
      s3.objects.set(url, bytes);
      return { modelDataUrl: url };
    };
  }

  it("asks the trainer for XGBoost and records the XGBoost model it wrote", async () => {
    const s3 = fakeS3();
    const asked: unknown[] = [];
    const { result, state } = await step({ kind: "train", data: "creditcard.csv" }, { algorithm: "xgboost", trainer: trainer(XGBOOST, s3, asked), sagemaker: noSageMaker }, s3);
    expect(asked).toEqual(["xgboost"]);
    expect(result).toMatchObject({ source: "train", algorithm: "xgboost", jobName: "fraud-dev-20260102030405" });
    expect(state.training).toBeNull();
    // the same data and algorithm again: nothing trained; another algorithm: a new job
    const again = await step({ kind: "train", data: "creditcard.csv" }, { algorithm: "xgboost", trainer: trainer(XGBOOST, s3, asked), sagemaker: noSageMaker }, s3, { ...emptyState("dev"), model: result });
    expect(again.result).toEqual(result);
    expect(asked).toEqual(["xgboost"]);
    await step({ kind: "train", data: "creditcard.csv" }, { algorithm: "linear-learner", trainer: trainer(LINEAR, s3, asked), sagemaker: noSageMaker }, s3, { ...emptyState("dev"), model: result });
    expect(asked).toEqual(["xgboost", "linear-learner"]);
  });

  it("refuses a trained model of another algorithm than asked (a trainer that ignored --algorithm)", async () => {
    const s3 = fakeS3();
    const err = await step({ kind: "train", data: "creditcard.csv" }, { algorithm: "xgboost", trainer: trainer(LINEAR, s3, []), sagemaker: noSageMaker }, s3).catch((e: unknown) => e);
    expect(isInfraError(err, "TRAINING_FAILED")).toBe(true);
    expect((err as Error).message).toBe("training job fraud-dev-20260102030405 wrote a linear-learner model, not the xgboost model asked for");
  });
});

describe("the phased deploy", () => {
  const creds = { AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE", AWS_SECRET_ACCESS_KEY: "fake" };
  const OUTPUTS = {
    account_id: "123456789012",
    artifact_bucket: "fraud-detection-dev-artifacts-20260101",
    output_bucket: "fraud-detection-dev-output-20260101",
    sagemaker_role_arn: "arn:aws:iam::123456789012:role/fraud-detection-dev-sagemaker",
  };
  installFakeTerraform(join(tmp.dir, "bin"));

  function workspace(name: string, config: Record<string, unknown> = {}): { work: string; record: string; env: NodeJS.ProcessEnv } {
    const work = join(tmp.dir, name);
    mkdirSync(work, { recursive: true });
    writeZip(join(work, "lambda.zip"));
    writeFileSync(join(work, "infra.config.json"), JSON.stringify({ region: "eu-west-1", lambda: { zipPath: "lambda.zip" }, environments: { dev: config } }));
    writeFileSync(join(work, "outputs.json"), JSON.stringify(OUTPUTS));
    writeFileSync(join(work, "xgb.tar.gz"), XGBOOST);
    writeFileSync(join(work, "rcf.tar.gz"), FOREST);
    const record = join(work, "terraform-calls.jsonl");
    return { work, record, env: { PATH: `${join(tmp.dir, "bin")}:/usr/bin:/bin`, FAKE_TF_RECORD: record, FAKE_TF_OUTPUTS: join(work, "outputs.json"), ...creds } };
  }
  const options = (w: ReturnType<typeof workspace>, s3: FakeS3, more: Partial<DeployOptions>): DeployOptions => ({ environment: "dev", cwd: w.work, env: w.env, clients: { s3: s3.client }, ...more });
  const synthesized = (w: ReturnType<typeof workspace>): { resource: Record<string, Record<string, Record<string, unknown>>> } =>
    JSON.parse(readFileSync(join(w.work, "cdktf.out/stacks/dev/cdk.tf.json"), "utf8")) as { resource: Record<string, Record<string, Record<string, unknown>>> };
  const statuses = (r: DeployResult): string[] => r.steps.map((s) => `${s.step}:${s.status}`);

  describe("an XGBoost model from fraud-train local", () => {
    const w = workspace("xgb");
    const s3 = fakeS3();
    let first: DeployResult;
    beforeAll(async () => {
      first = await runDeploy(options(w, s3, { model: { kind: "file", path: join(w.work, "xgb.tar.gz") } }));
    });

    it("serves it on the region's XGBoost image and tells the scorer its algorithm", () => {
      expect(statuses(first)).toEqual(["foundation:applied", "outputs:done", "model:done", "serving:applied", "all:applied", "outputs:done"]);
      expect(first.model).toMatchObject({ source: "upload", algorithm: "xgboost" });
      const tf = synthesized(w);
      const [model] = Object.values(tf.resource["aws_sagemaker_model"]!);
      expect(model!["primary_container"]).toMatchObject({ image: regionImage("xgboost", "eu-west-1"), model_data_url: first.model!.modelDataUrl });
      const fn = Object.values(tf.resource["aws_lambda_function"]!).find((f) => f["handler"] === "index.scheduled")!;
      expect((fn["environment"] as { variables: Record<string, string> }).variables).toMatchObject({ MODEL_ALGORITHM: "xgboost" });
    });

    it("records the algorithm, so a run without flags plans the same stack and applies nothing", async () => {
      expect((await loadState(join(w.work, ".fraud/deploy-dev.json"), "dev")).model?.algorithm).toBe("xgboost");
      const before = fakeTerraformCalls(w.record).filter((c) => c.args[0] === "apply").length;
      const again = await runDeploy(options(w, s3, {}));
      expect(statuses(again)).toEqual(["foundation:unchanged", "outputs:done", "model:unchanged", "serving:unchanged", "all:unchanged", "outputs:done"]);
      expect(fakeTerraformCalls(w.record).filter((c) => c.args[0] === "apply")).toHaveLength(before);
    });
  });

  describe("two models: XGBoost on an endpoint and a local forest embedded", () => {
    const w = workspace("two", { anomalyDetector: { enabled: true, modelPath: "rcf.tar.gz", threshold: 2.5 } });
    const s3 = fakeS3();
    let first: DeployResult;
    beforeAll(async () => {
      first = await runDeploy(options(w, s3, { model: { kind: "file", path: join(w.work, "xgb.tar.gz") } }));
    });

    it("uploads both, serves the classifier's endpoint and gives the scorer the forest", () => {
      expect(statuses(first)).toEqual(["foundation:applied", "outputs:done", "model:done", "model:done", "serving:applied", "all:applied", "outputs:done"]);
      expect(first.anomalyDetector).toMatchObject({ source: "upload", algorithm: "randomcutforest" });
      expect(s3.puts).toEqual([first.model!.modelDataUrl, first.anomalyDetector!.modelDataUrl]);
      const tf = synthesized(w);
      expect(Object.values(tf.resource["aws_sagemaker_endpoint"]!).map((e) => e["name"])).toEqual(["fraud-detection-dev-endpoint"]);
      const fn = Object.values(tf.resource["aws_lambda_function"]!).find((f) => f["handler"] === "index.scheduled")!;
      expect((fn["environment"] as { variables: Record<string, string> }).variables).toMatchObject({
        MODEL_ALGORITHM: "xgboost",
        ANOMALY_SCORING_MODE: "embedded",
        ANOMALY_MODEL_S3_URI: first.anomalyDetector!.modelDataUrl,
        ANOMALY_THRESHOLD: "2.5",
        ANOMALY_MODEL_VERSION: `sha256-${first.anomalyDetector!.sha256.slice(0, 12)}`,
      });
      const scorerPolicy = Object.values(tf.resource["aws_iam_role_policy"]!).find((p) => p["name"] === "score-and-stream")!;
      const read = (JSON.parse(scorerPolicy["policy"] as string) as { Statement: { Sid: string; Resource: string[] }[] }).Statement.find((st) => st.Sid === "ReadModel");
      const objectArn = first.anomalyDetector!.modelDataUrl.replace(/^s3:\/\//, "arn:aws:s3:::");
      expect(read?.Resource).toEqual([objectArn]);
    });

    it("resumes from its state: a second run uploads nothing and applies nothing", async () => {
      const applies = fakeTerraformCalls(w.record).filter((c) => c.args[0] === "apply").length;
      const again = await runDeploy(options(w, s3, {}));
      expect(statuses(again)).toEqual(["foundation:unchanged", "outputs:done", "model:unchanged", "model:unchanged", "serving:unchanged", "all:unchanged", "outputs:done"]);
      expect(s3.puts).toHaveLength(2);
      expect(fakeTerraformCalls(w.record).filter((c) => c.args[0] === "apply")).toHaveLength(applies);
    });

    it("continues from terraform's outputs without the state file (a new machine): both models adopted, nothing applied", async () => {
      rmSync(join(w.work, ".fraud/deploy-dev.json"));
      const applies = fakeTerraformCalls(w.record).filter((c) => c.args[0] === "apply").length;
      const adopted = await runDeploy(options(w, s3, {}));
      expect(adopted.model?.modelDataUrl).toBe(first.model!.modelDataUrl);
      expect(adopted.anomalyDetector).toMatchObject({ modelDataUrl: first.anomalyDetector!.modelDataUrl, algorithm: "randomcutforest" });
      expect(fakeTerraformCalls(w.record).filter((c) => c.args[0] === "apply")).toHaveLength(applies);
    });

    it("removes the detector when the configuration switches it off, keeping the classifier", async () => {
      const off = await runDeploy(options(w, s3, { env: { ...w.env, FRAUD_INFRA_ANOMALY_DETECTOR: "false" } }));
      expect(off.anomalyDetector).toBeNull();
      const fn = Object.values(synthesized(w).resource["aws_lambda_function"]!).find((f) => f["handler"] === "index.scheduled")!;
      expect(Object.keys((fn["environment"] as { variables: Record<string, string> }).variables).filter((k) => k.startsWith("ANOMALY_"))).toEqual([]);
      expect(off.model?.algorithm).toBe("xgboost");
    });
  });

  it("keeps a detector given once by --anomaly-model on later runs without the flag", async () => {
    const w = workspace("flag");
    const s3 = fakeS3();
    const first = await runDeploy(options(w, s3, { model: { kind: "file", path: join(w.work, "xgb.tar.gz") }, anomalyModel: { kind: "file", path: join(w.work, "rcf.tar.gz") } }));
    expect(first.anomalyDetector).toMatchObject({ algorithm: "randomcutforest" });
    const again = await runDeploy(options(w, s3, {}));
    expect(again.anomalyDetector).toEqual(first.anomalyDetector);
    expect(statuses(again)).toEqual(["foundation:unchanged", "outputs:done", "model:unchanged", "model:unchanged", "serving:unchanged", "all:unchanged", "outputs:done"]);
  });

  it("refuses a local forest for an endpoint detector before anything is planned", async () => {
    const w = workspace("refuse");
    const err = await runDeploy(options(w, fakeS3(), { model: { kind: "file", path: join(w.work, "xgb.tar.gz") }, anomalyModel: { kind: "file", path: join(w.work, "rcf.tar.gz") }, env: { ...w.env, FRAUD_INFRA_ANOMALY_SCORING_MODE: "endpoint", FRAUD_INFRA_ANOMALY_THRESHOLD: "1" } })).catch((e: unknown) => e);
    expect(isInfraError(err, "MODEL_INVALID")).toBe(true);
    expect((err as Error).message).toMatch(/served embedded only/);
    expect(fakeTerraformCalls(w.record)).toEqual([]);
  });
});
