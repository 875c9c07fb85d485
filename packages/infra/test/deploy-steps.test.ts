// The deploy's steps one by one, without terraform: fraud-stack.json from terraform outputs, the
// state file, the model step against a mocked S3 (aws-sdk-client-mock), the flag rules and the
// destroy summary.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, describe, expect, it } from "vitest";
import { encodeModelArtifact } from "@fraud/trainer/model";
import { isInfraError } from "@fraud/infra";
import { describeRemoval, emptyState, laterPhase, loadState, modelSource, modelVersionLabel, resolveModel, saveState, stackOutputsFromTerraform, uploadUrl, writeStackFile } from "@fraud/infra/deploy";
import type { DeployState, ModelSource, ModelStepOptions } from "@fraud/infra/deploy";
import { fakeS3 } from "./fake-aws.js";
import { tempDir } from "./helpers.js";

const tmp = tempDir("steps");
afterAll(() => tmp.cleanup());

const TF: Record<string, unknown> = {
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
  endpoint_name: "fraud-detection-dev-endpoint",
  scoring_mode: "endpoint",
};
const STACK = stackOutputsFromTerraform(TF, "dev");

describe("fraud-stack.json from terraform output -json", () => {
  it("maps every snake_case output to its field", () => {
    expect(STACK).toEqual({
      version: 1,
      environment: "dev",
      region: "eu-west-1",
      partition: "aws",
      accountId: "123456789012",
      artifactBucket: "fraud-artifacts-1",
      dataPrefix: "fraud-detection/data/",
      modelPrefix: "fraud-detection/models/",
      outputBucket: "fraud-output-1",
      sagemakerRoleArn: "arn:aws:iam::123456789012:role/fraud-dev-sagemaker",
      trainingJobPrefix: "fraud-dev-",
      endpointName: "fraud-detection-dev-endpoint",
      scoringMode: "endpoint",
    });
  });

  it("reads a missing endpoint_name (embedded mode, or before serving) as null and a missing environment as the deployed one", () => {
    const { endpoint_name: _e, environment: _n, ...rest } = TF;
    expect(stackOutputsFromTerraform({ ...rest, scoring_mode: "embedded" }, "stage")).toMatchObject({ endpointName: null, environment: "stage", scoringMode: "embedded" });
  });

  const bad: { name: string; outputs: Record<string, unknown>; message: RegExp }[] = [
    { name: "a missing output", outputs: { ...TF, artifact_bucket: undefined }, message: /^terraform output has no "artifact_bucket" \(needed for fraud-stack\.json field artifactBucket\)$/ },
    { name: "a bad account id", outputs: { ...TF, account_id: "12345" }, message: /^terraform output "account_id": .* \(got "12345"\)$/ },
    { name: "an unknown scoring mode", outputs: { ...TF, scoring_mode: "batch" }, message: /^terraform output "scoring_mode": .* \(got "batch"\)$/ },
    { name: "a role that is not a role ARN", outputs: { ...TF, sagemaker_role_arn: "x".repeat(200) }, message: /^terraform output "sagemaker_role_arn": .* \(got "x{77}\.\.\."\)$/ },
  ];
  it.each(bad)("rejects $name with OUTPUTS_INVALID", ({ outputs, message }) => {
    const err = (() => {
      try {
        stackOutputsFromTerraform(outputs, "dev");
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(isInfraError(err, "OUTPUTS_INVALID")).toBe(true);
    expect((err as Error).message).toMatch(message);
  });

  it("writes the file only when its content changes", async () => {
    const file = join(tmp.dir, "out", "fraud-stack.json");
    expect(await writeStackFile(file, STACK)).toBe(true);
    expect(await writeStackFile(file, STACK)).toBe(false);
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual(STACK);
    expect(await writeStackFile(file, { ...STACK, endpointName: null })).toBe(true);
  });

  it.each([
    ["a folder the system refuses", "/proc/no-such-process/fraud-stack.json", /^\/proc\/no-such-process: cannot create the folder \(ENOENT\)$/],
    ["a folder under a missing one", "missing/deeper/fraud-stack.json", /missing\/deeper: cannot create the folder \(ENOENT\)$/],
  ])("refuses %s at once with IO_ERROR", async (_name, path, message) => {
    const file = path.startsWith("/") ? path : join(tmp.dir, path);
    const err = await writeStackFile(file, STACK).catch((e: unknown) => e);
    expect(isInfraError(err, "IO_ERROR")).toBe(true);
    expect((err as Error).message).toMatch(message);
  });
});

describe("the state file", () => {
  it("is fresh when absent, and round-trips", async () => {
    const file = join(tmp.dir, "state", "deploy-dev.json");
    const fresh = await loadState(file, "dev");
    expect(fresh).toMatchObject({ version: 1, environment: "dev", phase: null, applied: {}, model: null, training: null });
    const next: DeployState = { ...fresh, phase: "serving", applied: { foundation: { at: "2026-01-01T00:00:00.000Z", config: "a".repeat(64), changed: true } } };
    await saveState(file, next, new Date("2026-01-02T00:00:00Z"));
    expect(await loadState(file, "dev")).toEqual({ ...next, updatedAt: "2026-01-02T00:00:00.000Z" });
  });

  const corrupt: { name: string; text: string; message: RegExp }[] = [
    { name: "not JSON", text: "{", message: /: not valid JSON; delete it to start over/ },
    { name: "another environment", text: JSON.stringify(emptyState("prod")), message: /: records environment "prod", not "dev"$/ },
    { name: "an unknown phase", text: JSON.stringify({ ...emptyState("dev"), phase: "scorer" }), message: /: phase: / },
    { name: "a bad model hash", text: JSON.stringify({ ...emptyState("dev"), model: { source: "upload", modelDataUrl: "s3://bkt-1/m.tar.gz", sha256: "abc", at: "2026-01-01T00:00:00.000Z" } }), message: /: model\.sha256: / },
  ];
  it.each(corrupt)("rejects $name with STATE_INVALID", async ({ text, message }) => {
    const file = join(tmp.dir, "corrupt.json");
    writeFileSync(file, text);
    const err = await loadState(file, "dev").catch((e: unknown) => e);
    expect(isInfraError(err, "STATE_INVALID")).toBe(true);
    expect((err as Error).message).toMatch(message);
  });

  it.each([
    [null, "foundation", "foundation"],
    ["foundation", "serving", "serving"],
    ["all", "foundation", "all"],
    ["serving", "all", "all"],
  ] as const)("laterPhase(%s, %s) = %s", (a, b, expected) => {
    expect(laterPhase(a, b)).toBe(expected);
  });
});

describe("the model step", () => {
  const model = encodeModelArtifact({ weights: Array.from({ length: 30 }, (_, i) => i / 100), bias: -3, threshold: 0.5, predictorType: "binary_classifier" });

  async function step(source: ModelSource | undefined, s3 = fakeS3(), state: DeployState = emptyState("dev"), more: Partial<ModelStepOptions> = {}) {
    const log: string[] = [];
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
      log: (l) => log.push(l),
      now: () => new Date("2026-01-02T03:04:05Z"),
      ...more,
    });
    return { result, s3, state, log };
  }

  async function modelFile(name: string, bytes: Uint8Array): Promise<string> {
    mkdirSync(join(tmp.dir, "models"), { recursive: true });
    const path = join(tmp.dir, "models", name);
    writeFileSync(path, bytes);
    return path;
  }

  it("uploads a local model content-addressed, with a checksum S3 verifies, and only once", async () => {
    const bytes = await model;
    const path = await modelFile("model.tar.gz", bytes);
    const hash = createHash("sha256").update(bytes).digest("hex");
    const first = await step({ kind: "file", path });
    expect(first.result).toMatchObject({ source: "upload", sha256: hash, modelDataUrl: uploadUrl(STACK, hash), file: path });
    expect(first.result!.modelDataUrl).toBe(`s3://fraud-artifacts-1/fraud-detection/models/uploads/${hash.slice(0, 16)}/model.tar.gz`);
    const put = first.s3.mock.commandCalls(PutObjectCommand)[0]!.args[0].input;
    expect(put.ChecksumSHA256).toBe(createHash("sha256").update(bytes).digest("base64"));
    // Same bytes again, even with the state lost: S3's checksum says it is there.
    const again = await step({ kind: "file", path }, first.s3);
    expect(first.s3.puts).toHaveLength(1);
    expect(again.log[0]).toMatch(/is already at s3:\/\//);
  });

  it("serves a model already in S3 by URL, reading it only when its ETag changes", async () => {
    const s3 = fakeS3();
    const url = "s3://fraud-artifacts-1/elsewhere/model.tar.gz";
    s3.objects.set(url, await model);
    const first = await step({ kind: "url", url }, s3);
    expect(first.result).toMatchObject({ source: "url", modelDataUrl: url });
    const state = { ...emptyState("dev"), model: first.result };
    await step({ kind: "url", url }, s3, state);
    expect(s3.mock.commandCalls(GetObjectCommand)).toHaveLength(1);
  });

  it("keeps the recorded model when no source is given, and says so when there is none", async () => {
    const s3 = fakeS3();
    const url = "s3://fraud-artifacts-1/m/model.tar.gz";
    s3.objects.set(url, await model);
    const recorded = (await step({ kind: "url", url }, s3)).result!;
    expect((await step(undefined, s3, { ...emptyState("dev"), model: recorded })).result).toEqual(recorded);
    expect((await step(undefined, s3)).result).toBeNull();
  });

  const failures: { name: string; source: () => Promise<ModelSource | undefined>; state?: () => Promise<DeployState>; retrain?: boolean; code: string; message: RegExp }[] = [
    { name: "a file that is not a model", source: async () => ({ kind: "file", path: await modelFile("notes.tar.gz", Buffer.from("hello")) }), code: "MODEL_INVALID", message: /notes\.tar\.gz is not a classifier model\.tar\.gz \(linear-learner or xgboost\): / },
    { name: "a missing file", source: async () => ({ kind: "file", path: join(tmp.dir, "nope.tar.gz") }), code: "MODEL_INVALID", message: /^cannot read model .*nope\.tar\.gz \(ENOENT\)$/ },
    { name: "a URL with no object", source: async () => ({ kind: "url", url: "s3://fraud-artifacts-1/none/model.tar.gz" }), code: "MODEL_INVALID", message: /^model s3:\/\/fraud-artifacts-1\/none\/model\.tar\.gz does not exist$/ },
    { name: "a URL that is not s3://", source: async () => ({ kind: "url", url: "https://example.com/model.tar.gz" }), code: "INVALID_ARGUMENT", message: /^"https:\/\/example\.com\/model\.tar\.gz" is not an s3:\/\/bucket\/key URI$/ },
    { name: "--retrain with nothing trained before", source: async () => undefined, retrain: true, code: "INVALID_ARGUMENT", message: /^--retrain needs training data: add --data FILE/ },
    {
      name: "a recorded model that was deleted",
      source: async () => undefined,
      state: async () => ({ ...emptyState("dev"), model: { source: "url", modelDataUrl: "s3://fraud-artifacts-1/gone/model.tar.gz", sha256: "0".repeat(64), at: "2026-01-01T00:00:00.000Z" } }),
      code: "MODEL_INVALID",
      message: /^recorded model s3:\/\/fraud-artifacts-1\/gone\/model\.tar\.gz no longer exists; deploy with --model FILE or --retrain$/,
    },
  ];
  it.each(failures)("rejects $name with $code", async ({ source, state, retrain, code, message }) => {
    const err = await step(await source(), fakeS3(), state ? await state() : emptyState("dev"), { retrain: retrain ?? false }).catch((e: unknown) => e);
    expect(isInfraError(err)).toBe(true);
    expect((err as { code: string }).code).toBe(code);
    expect((err as Error).message).toMatch(message);
  });
});

describe("flags", () => {
  it.each([
    [{}, undefined],
    [{ model: "m.tar.gz" }, { kind: "file", path: "m.tar.gz" }],
    [{ modelUrl: "s3://b/k" }, { kind: "url", url: "s3://b/k" }],
    [{ train: true, data: "c.csv" }, { kind: "train", data: "c.csv" }],
    [{ retrain: true, data: "c.csv" }, { kind: "train", data: "c.csv" }],
    [{ retrain: true }, undefined],
  ] as const)("modelSource(%j) = %j", (flags, expected) => {
    expect(modelSource(flags)).toEqual(expected);
  });

  it.each([
    [{ model: "m", modelUrl: "s3://b/k" }, /^give only one of/],
    [{ data: "c.csv" }, /^--data is for --train or --retrain$/],
    [{ train: true }, /^--train needs --data FILE/],
    [{ retrain: true, modelUrl: "s3://b/k" }, /^--retrain trains on SageMaker/],
  ] as const)("modelSource(%j) is refused", (flags, message) => {
    expect(() => modelSource(flags)).toThrow(message);
  });
});

describe("modelVersionLabel", () => {
  it.each([
    ["s3://b/fraud-detection/models/uploads/3a7bd3e2360a3d29/model.tar.gz", "sha256-3a7bd3e2360a"],
    ["s3://b/fraud-detection/models/fraud-detection-dev-20260102030405/output/model.tar.gz", "fraud-detection-dev-20260102030405"],
    ["s3://b/elsewhere/model.tar.gz", undefined],
    ["s3://b/fraud-detection/models/uploads/NOTHEX/model.tar.gz", undefined],
  ])("%s → %s", (url, label) => {
    expect(modelVersionLabel(url)).toBe(label);
  });
});

describe("describeRemoval", () => {
  const rc = (type: string): { address: string; type: string; actions: string[] } => ({ address: `${type}.x`, type, actions: ["delete"] });
  it.each([
    [[rc("aws_sagemaker_endpoint")], "1 resource: SageMaker endpoint"],
    [[rc("aws_s3_bucket"), rc("aws_s3_bucket"), rc("aws_sagemaker_notebook_instance"), rc("aws_s3_bucket_policy")], "4 resources: notebook instance, 2 S3 buckets, 1 other"],
    [[rc("aws_lambda_function"), rc("aws_sagemaker_endpoint"), rc("aws_lambda_function")], "3 resources: SageMaker endpoint, 2 Lambda functions"],
  ])("%# names the billed resources first", (changes, expected) => {
    expect(describeRemoval(changes)).toBe(expected);
  });
});

