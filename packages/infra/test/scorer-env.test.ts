// One contract for the Lambda's environment: the stack writes it with the scorer's own scorerEnv,
// the Lambda's own parseScorerEnv reads it back, and infra's configuration accepts exactly what
// the Lambda accepts.
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isScorerError, parseScorerEnv, scorerEnv } from "@fraud/lambda-scorer/config";
import { isInfraError, resolveConfig, scorerConfig, scorerEnvironment } from "@fraud/infra";
import type { InfraConfigFile } from "@fraud/infra";
import { ref, synth, tempDir, writeZip } from "./helpers.js";
import type { Synth } from "./helpers.js";
import { lambdaEnv } from "./stack-helpers.js";

const MODEL = "s3://trained-models-bucket/fraud/model.tar.gz";
const QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/fraud-detection-dev-scorer-failures";
let tmp: ReturnType<typeof tempDir>;
let zip: string;

beforeAll(() => {
  tmp = tempDir("scorer-env");
  zip = join(tmp.dir, "lambda.zip");
  writeZip(zip);
});
afterAll(() => tmp.cleanup());

/** The env as Lambda sees it after apply: Terraform references replaced by what they resolve to. */
function applied(s: Synth, env: Record<string, string>): Record<string, string> {
  const queueUrl = ref(s, "aws_sqs_queue", "url");
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === queueUrl ? QUEUE_URL : v]));
}

describe("the synthesized Lambda environment parses with the Lambda's own loader", () => {
  const cases: { name: string; file: InfraConfigFile; expected: Record<string, unknown> }[] = [
    {
      name: "endpoint scoring, defaults",
      file: { model: { dataUrl: MODEL } },
      expected: { scoringMode: "endpoint", endpointName: "fraud-detection-dev-endpoint", modelS3Uri: MODEL, batchSize: 100, contentType: "text/csv", modelVersion: "fraud-detection-dev-endpoint" },
    },
    {
      name: "embedded scoring with every lambda setting",
      file: { model: { dataUrl: MODEL, version: "job-7" }, lambda: { scoringMode: "embedded", batchSize: 250, fraudRate: 0.01, logLevel: "DEBUG", contentType: "application/json", modelMaxBytes: 4_194_304 } },
      expected: { scoringMode: "embedded", modelS3Uri: MODEL, batchSize: 250, fraudRate: 0.01, logLevel: "DEBUG", contentType: "application/json", modelMaxBytes: 4_194_304, modelVersion: "job-7" },
    },
  ];

  it.each(cases)("$name", ({ file, expected }) => {
    const s = synth(tmp.dir, zip, file);
    const env = applied(s, lambdaEnv(s));
    const parsed = parseScorerEnv(env);
    expect(parsed).toMatchObject({ ...expected, deliveryStreamName: s.one("aws_kinesis_firehose_delivery_stream")["name"], onFailureQueueUrl: QUEUE_URL });
    if (parsed.scoringMode === "endpoint") expect(parsed.endpointName).toBe(s.one("aws_sagemaker_endpoint")["name"]);
    else expect(parsed.endpointName).toBeUndefined();
    const http = synth(tmp.dir, zip, { ...file, lambda: { ...file.lambda, functionUrl: { enabled: true } } });
    expect(lambdaEnv(http, "index.http")).toEqual(lambdaEnv(http));
  });
});

describe("infra accepts exactly what the Lambda accepts", () => {
  const base = { model: { dataUrl: MODEL } };
  function infraAccepts(lambda: Record<string, unknown>): boolean {
    try {
      resolveConfig({ ...base, lambda } as InfraConfigFile, "dev", { env: {} });
      return true;
    } catch (err) {
      if (isInfraError(err, "INVALID_ARGUMENT")) return false;
      throw err;
    }
  }
  function lambdaAccepts(input: Record<string, unknown>): boolean {
    try {
      scorerEnv({ deliveryStreamName: "s", endpointName: "e", ...input });
      return true;
    } catch (err) {
      if (isScorerError(err, "INVALID_ARGUMENT")) return false;
      throw err;
    }
  }

  it.each([
    ["fraudRate", 0],
    ["fraudRate", 1],
    ["fraudRate", -0.5],
    ["fraudRate", 0.0017],
    ["batchSize", 0],
    ["batchSize", 10_001],
    ["batchSize", 2.5],
    ["batchSize", 10_000],
    ["logLevel", "VERBOSE"],
    ["logLevel", "TRACE"],
    ["contentType", "text/plain"],
    ["modelMaxBytes", 100],
  ])("%s = %s", (field, value) => {
    expect(infraAccepts({ [field]: value })).toBe(lambdaAccepts({ [field]: value }));
  });

  it("agrees on arbitrary values of every field the stack passes on", () => {
    const value = fc.oneof(fc.double(), fc.integer({ min: -5, max: 20_000 }), fc.constantFrom("INFO", "WARN", "text/csv", "application/jsonlines", "", "x"), fc.boolean());
    const field = fc.constantFrom("fraudRate", "batchSize", "logLevel", "contentType", "modelMaxBytes");
    fc.assert(
      fc.property(field, value, (f, v) => {
        expect(infraAccepts({ [f]: v }), `${f}=${String(v)}`).toBe(lambdaAccepts({ [f]: v }));
      }),
      { numRuns: 300 },
    );
  });

  it("round-trips what it accepts: parseScorerEnv(scorerEnvironment(config)) gives the settings back", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.double({ min: 1e-6, max: 0.999, noNaN: true }), (batchSize, fraudRate) => {
        const config = resolveConfig({ ...base, lambda: { batchSize, fraudRate } }, "dev", { env: {} });
        const parsed = parseScorerEnv(scorerEnvironment(config, QUEUE_URL));
        expect(parsed).toMatchObject({ batchSize, fraudRate, deliveryStreamName: scorerConfig(config, QUEUE_URL).deliveryStreamName });
      }),
      { numRuns: 50 },
    );
  });

  it("names the infra field when only the Lambda's cross-field rule rejects it", () => {
    const config = resolveConfig({ model: { dataUrl: MODEL } }, "dev", { env: {} });
    expect(() => scorerEnvironment({ ...config, model: { ...config.model, dataUrl: undefined }, lambda: { ...config.lambda, scoringMode: "embedded" } }, QUEUE_URL)).toThrow(
      expect.objectContaining({ code: "INVALID_ARGUMENT", field: "model.dataUrl", message: expect.stringMatching(/^invalid configuration: model\.dataUrl: the scorer Lambda would reject it: .*MODEL_S3_URI/) }),
    );
  });
});
