import { describe, expect, it } from "vitest";
import { ScorerError, loadConfig, parseS3Uri } from "@fraud/lambda-scorer";

const base = { ENDPOINT_NAME: "fraud-detection-endpoint", DELIVERY_STREAM_NAME: "fraud-scores" };

describe("loadConfig", () => {
  it("applies defaults in endpoint mode", () => {
    expect(loadConfig(base)).toEqual({
      scoringMode: "endpoint",
      endpointName: "fraud-detection-endpoint",
      modelS3: undefined,
      deliveryStreamName: "fraud-scores",
      batchSize: 100,
      contentType: "text/csv",
      modelVersion: "fraud-detection-endpoint",
      fraudRate: undefined,
      maxRowsPerRequest: 1000,
      deliveryMaxAttempts: 6,
    });
  });

  it("reads every variable in embedded mode", () => {
    const c = loadConfig({
      SCORING_MODE: "embedded",
      MODEL_S3_URI: "s3://models-bucket/fraud/model.tar.gz",
      DELIVERY_STREAM_NAME: "s",
      BATCH_SIZE: "2500",
      CONTENT_TYPE: "application/x-recordio-protobuf",
      MODEL_VERSION: "v7",
      FRAUD_RATE: "0.01",
      MAX_ROWS_PER_REQUEST: "200",
      DELIVERY_MAX_ATTEMPTS: "3",
    });
    expect(c).toMatchObject({
      scoringMode: "embedded",
      modelS3: { bucket: "models-bucket", key: "fraud/model.tar.gz" },
      batchSize: 2500,
      contentType: "application/x-recordio-protobuf",
      modelVersion: "v7",
      fraudRate: 0.01,
      maxRowsPerRequest: 200,
      deliveryMaxAttempts: 3,
    });
  });

  it.each([
    [{}, "invalid configuration: ENDPOINT_NAME is missing (required when SCORING_MODE=endpoint); DELIVERY_STREAM_NAME is missing"],
    [{ SCORING_MODE: "embedded", DELIVERY_STREAM_NAME: "s" }, "invalid configuration: MODEL_S3_URI is missing (required when SCORING_MODE=embedded)"],
    [{ ...base, SCORING_MODE: "batch" }, 'invalid configuration: SCORING_MODE must be "endpoint" or "embedded" (got "batch")'],
    [{ ...base, BATCH_SIZE: "0" }, 'invalid configuration: BATCH_SIZE must be an integer from 1 to 10000 (got "0")'],
    [{ ...base, BATCH_SIZE: "1.5", FRAUD_RATE: "2" }, 'invalid configuration: BATCH_SIZE must be an integer from 1 to 10000 (got "1.5"); FRAUD_RATE must be a number between 0 and 1, exclusive (got "2")'],
    [{ ...base, CONTENT_TYPE: "text/plain" }, 'invalid configuration: CONTENT_TYPE must be one of text/csv, application/json, application/jsonlines, application/x-recordio-protobuf (got "text/plain")'],
    [{ ...base, MODEL_S3_URI: "https://bucket/key" }, 'invalid configuration: MODEL_S3_URI must look like s3://bucket/key (got "https://bucket/key")'],
    [{ ...base, ENDPOINT_NAME: "bad_name" }, 'invalid configuration: ENDPOINT_NAME is not a valid endpoint name (got "bad_name")'],
    [{ ...base, DELIVERY_STREAM_NAME: "a b" }, 'invalid configuration: DELIVERY_STREAM_NAME is not a valid stream name (got "a b")'],
  ])("lists every problem at once (%#)", (env, message) => {
    const err = (() => {
      try {
        loadConfig(env);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ScorerError);
    expect((err as ScorerError).code).toBe("CONFIG_INVALID");
    expect((err as ScorerError).message).toBe(message);
  });

  it.each([
    ["s3://bucket/key", { bucket: "bucket", key: "key" }],
    ["s3://my.bucket-1/a/b/c.tar.gz", { bucket: "my.bucket-1", key: "a/b/c.tar.gz" }],
    ["s3://bucket/", undefined],
    ["s3://B/key", undefined],
    ["bucket/key", undefined],
  ])("parseS3Uri(%s)", (uri, expected) => {
    expect(parseS3Uri(uri)).toEqual(expected);
  });
});
