import { Readable } from "node:stream";
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { GetObjectCommandInput } from "@aws-sdk/client-s3";
import { InvokeEndpointCommand } from "@aws-sdk/client-sagemaker-runtime";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { drawTransactions, eventSeed, loadEmbeddedModel, s3ModelFetcher } from "@fraud/lambda-scorer";
import { createModel, encodeModelArtifact } from "@fraud/trainer/model";
import { createHarness, post, sagemakerMock, scheduledEvent } from "./scorer-harness.js";
import { features } from "./helpers.js";

const s3 = mockClient(S3Client);
afterEach(() => s3.reset());

const MODEL_URI = "s3://fraud-artifacts/fraud-detection/models/model.tar.gz";
const params = { predictorType: "binary_classifier" as const, weights: Array.from({ length: 30 }, (_, j) => Math.sin(j) / 5), bias: -2 };
let artifact: Uint8Array;

beforeAll(async () => {
  artifact = await encodeModelArtifact(params);
});

/** S3 answers GetObject for the model with its bytes, as a stream; anything else is NoSuchKey. */
function serveModel(bytes: Uint8Array, contentLength: number | null = bytes.length): void {
  s3.on(GetObjectCommand).callsFake((input: GetObjectCommandInput) => {
    if (`s3://${input.Bucket}/${input.Key}` !== MODEL_URI) throw Object.assign(new Error("The specified key does not exist."), { name: "NoSuchKey", $metadata: { httpStatusCode: 404 } });
    return { Body: Readable.from([bytes.subarray(0, 100), bytes.subarray(100)]) as never, ...(contentLength === null ? {} : { ContentLength: contentLength }) };
  });
}

describe("embedded scoring", () => {
  it("loads the model from S3 at cold start and scores in-process, with no endpoint call", async () => {
    // Prepare
    serveModel(artifact);
    const h = createHarness({ SCORING_MODE: "embedded", MODEL_S3_URI: MODEL_URI, ENDPOINT_NAME: "", BATCH_SIZE: "200" });
    const event = scheduledEvent(1);
    // Act
    const result = await h.handlers.scheduled(event, h.context());
    const res = await h.handlers.http(post([{ id: "tx-1", features: features(1) }]), h.context());
    // Assess
    expect(result).toMatchObject({ scored: 200, delivered: 200, modelVersion: MODEL_URI });
    const expected = createModel(params).predict(drawTransactions(200, { seed: eventSeed(event.id), start: Date.parse(event.time) }).map((t) => Array.from(t.features)));
    expect(h.accepted.slice(0, 200).map((r) => r.score)).toEqual(expected.map((p) => expect.closeTo(p.score, 12) as number));
    expect(h.accepted.slice(0, 200).map((r) => r.predictedLabel)).toEqual(expected.map((p) => p.predictedLabel));
    expect(res.statusCode).toBe(200);
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(1);
    expect(sagemakerMock.commandCalls(InvokeEndpointCommand)).toHaveLength(0);
  });

  it.each([
    ["an object over MODEL_MAX_BYTES by its ContentLength", 5000, "MODEL_TOO_LARGE", `model ${MODEL_URI} is 5000 bytes, over MODEL_MAX_BYTES (2048)`],
    ["an object over MODEL_MAX_BYTES without a ContentLength", null, "MODEL_TOO_LARGE", `model ${MODEL_URI} is more than 2048 bytes, over MODEL_MAX_BYTES (2048)`],
  ])("refuses %s before buffering it", async (_name, contentLength, code, message) => {
    serveModel(new Uint8Array(5000), contentLength);
    await expect(loadEmbeddedModel(MODEL_URI, { fetch: s3ModelFetcher(), maxBytes: 2048 })).rejects.toMatchObject({ name: "ScorerError", code, message });
  });

  it("refuses a missing object and a corrupt artifact with MODEL_LOAD_FAILED", async () => {
    serveModel(new Uint8Array(300).fill(7));
    await expect(loadEmbeddedModel("s3://fraud-artifacts/other/model.tar.gz", { fetch: s3ModelFetcher(), maxBytes: 1 << 20 })).rejects.toMatchObject({
      code: "MODEL_LOAD_FAILED",
      message: "cannot fetch model s3://fraud-artifacts/other/model.tar.gz: NoSuchKey: The specified key does not exist.",
    });
    await expect(loadEmbeddedModel(MODEL_URI, { fetch: s3ModelFetcher(), maxBytes: 1 << 20 })).rejects.toMatchObject({
      code: "MODEL_LOAD_FAILED",
      message: expect.stringMatching(new RegExp(`^cannot read model ${MODEL_URI}: MODEL_CORRUPT: `)) as string,
    });
  });

  it("answers 502 while the model cannot be loaded, and loads it once it can", async () => {
    // Prepare: S3 serves a corrupt object first
    serveModel(new Uint8Array(300).fill(7));
    const h = createHarness({ SCORING_MODE: "embedded", MODEL_S3_URI: MODEL_URI, ENDPOINT_NAME: "" });
    // Act
    const failed = await h.handlers.http(post([{ id: "tx-1", features: features(1) }]), h.context());
    serveModel(artifact);
    const ok = await h.handlers.http(post([{ id: "tx-1", features: features(1) }]), h.context());
    // Assess
    expect(failed.statusCode).toBe(502);
    expect(JSON.parse(failed.body)).toMatchObject({ code: "MODEL_LOAD_FAILED" });
    expect(ok.statusCode).toBe(200);
  });
});
