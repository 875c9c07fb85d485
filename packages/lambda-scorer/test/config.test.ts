import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  FIREHOSE_STREAM_NAME_PATTERN,
  SCORER_ENV_NAMES,
  isScorerError,
  parseScorerEnv,
  scoredRecordSchema,
  scorerEnv,
} from "@fraud/lambda-scorer/config";
import type { ScorerConfigInput, ScorerError } from "@fraud/lambda-scorer/config";
import { SAGEMAKER_NAME_RULES } from "@fraud/contracts";

const base = { ENDPOINT_NAME: "fraud-detection-endpoint", DELIVERY_STREAM_NAME: "fraud-scores" };

function thrown(fn: () => unknown): ScorerError {
  try {
    fn();
  } catch (err) {
    if (isScorerError(err)) return err;
    throw err;
  }
  throw new Error("did not throw");
}

describe("parseScorerEnv", () => {
  it("applies defaults in endpoint mode", () => {
    expect(parseScorerEnv(base)).toEqual({
      scoringMode: "endpoint",
      endpointName: "fraud-detection-endpoint",
      modelMaxBytes: 16 * 1024 * 1024,
      deliveryStreamName: "fraud-scores",
      batchSize: 100,
      contentType: "text/csv",
      modelVersion: "fraud-detection-endpoint",
      maxRowsPerRequest: 1000,
      deliverySafetyMarginMs: 5000,
      serviceName: "fraud-scorer",
      metricsNamespace: "FraudDetection",
      logLevel: "INFO",
    });
  });

  it("reads every variable in embedded mode and ignores variables it does not know", () => {
    const c = parseScorerEnv({
      SCORING_MODE: "embedded",
      MODEL_S3_URI: "s3://models-bucket/fraud/model.tar.gz",
      MODEL_MAX_BYTES: "2048",
      DELIVERY_STREAM_NAME: "s",
      BATCH_SIZE: " 2500 ",
      CONTENT_TYPE: "application/x-recordio-protobuf",
      MODEL_VERSION: "v7",
      FRAUD_RATE: "0.01",
      MAX_ROWS_PER_REQUEST: "200",
      DELIVERY_SAFETY_MARGIN_MS: "0",
      ON_FAILURE_QUEUE_URL: "https://sqs.eu-west-1.amazonaws.com/123456789012/fraud-dev-on-failure",
      POWERTOOLS_SERVICE_NAME: "svc",
      POWERTOOLS_METRICS_NAMESPACE: "Fraud/Dev",
      POWERTOOLS_LOG_LEVEL: "WARN",
      PATH: "/usr/bin",
      DELIVERY_MAX_ATTEMPTS: "20",
    });
    expect(c).toEqual({
      scoringMode: "embedded",
      modelS3Uri: "s3://models-bucket/fraud/model.tar.gz",
      modelMaxBytes: 2048,
      deliveryStreamName: "s",
      batchSize: 2500,
      contentType: "application/x-recordio-protobuf",
      modelVersion: "v7",
      fraudRate: 0.01,
      maxRowsPerRequest: 200,
      deliverySafetyMarginMs: 0,
      onFailureQueueUrl: "https://sqs.eu-west-1.amazonaws.com/123456789012/fraud-dev-on-failure",
      serviceName: "svc",
      metricsNamespace: "Fraud/Dev",
      logLevel: "WARN",
    });
  });

  it("treats blank variables as unset", () => {
    expect(parseScorerEnv({ ...base, BATCH_SIZE: "", FRAUD_RATE: "  " })).toMatchObject({ batchSize: 100 });
    expect(parseScorerEnv({ ...base, FRAUD_RATE: "" }).fraudRate).toBeUndefined();
  });

  it.each([
    [{}, "ENDPOINT_NAME is missing (required in endpoint scoring mode); DELIVERY_STREAM_NAME is missing"],
    [{ SCORING_MODE: "embedded", DELIVERY_STREAM_NAME: "s" }, "MODEL_S3_URI is missing (required in embedded scoring mode)"],
    [{ ...base, SCORING_MODE: "batch" }, 'SCORING_MODE must be "endpoint" or "embedded" (got "batch")'],
    [{ ...base, BATCH_SIZE: "0" }, 'BATCH_SIZE must be an integer from 1 to 10000 (got 0)'],
    [{ ...base, BATCH_SIZE: "ten" }, 'BATCH_SIZE must be an integer from 1 to 10000 (got "ten")'],
    [{ ...base, BATCH_SIZE: "1.5", FRAUD_RATE: "2" }, "BATCH_SIZE must be an integer from 1 to 10000 (got 1.5); FRAUD_RATE must be a number strictly between 0 and 1 (got 2)"],
    [{ ...base, BATCH_SIZE: "1e3" }, 'BATCH_SIZE must be an integer from 1 to 10000 (got "1e3")'],
    [{ ...base, MAX_ROWS_PER_REQUEST: "+5" }, 'MAX_ROWS_PER_REQUEST must be an integer from 1 to 10000 (got "+5")'],
    [{ ...base, FRAUD_RATE: "0" }, "FRAUD_RATE must be a number strictly between 0 and 1 (got 0)"],
    [{ ...base, FRAUD_RATE: "1" }, "FRAUD_RATE must be a number strictly between 0 and 1 (got 1)"],
    [{ ...base, CONTENT_TYPE: "text/plain" }, 'CONTENT_TYPE must be one of text/csv, application/json, application/jsonlines, application/x-recordio-protobuf (got "text/plain")'],
    [{ ...base, MODEL_S3_URI: "https://bucket/key" }, 'MODEL_S3_URI must be an s3://bucket/key URI (got "https://bucket/key")'],
    [{ ...base, MODEL_S3_URI: "s3://Bucket/key" }, 'MODEL_S3_URI must be an s3://bucket/key URI (invalid bucket name (use 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit)) (got "s3://Bucket/key")'],
    [{ ...base, MODEL_S3_URI: "s3://bucket/" }, 'MODEL_S3_URI must be an s3://bucket/key URI (the object key is missing) (got "s3://bucket/")'],
    [{ ...base, ENDPOINT_NAME: "e".repeat(64) }, `ENDPOINT_NAME must be a SageMaker endpoint name (1-63 letters, digits, hyphens) (got "${"e".repeat(64)}")`],
    [{ ...base, ENDPOINT_NAME: "bad_name" }, 'ENDPOINT_NAME must be a SageMaker endpoint name (1-63 letters, digits, hyphens) (got "bad_name")'],
    [{ ...base, DELIVERY_STREAM_NAME: "a b" }, 'DELIVERY_STREAM_NAME must be a Firehose stream name (1-64 of a-z A-Z 0-9 _ . -) (got "a b")'],
    [{ ...base, ON_FAILURE_QUEUE_URL: "ftp://queue" }, 'ON_FAILURE_QUEUE_URL must be an http(s) SQS queue URL (got "ftp://queue")'],
    [{ ...base, DELIVERY_SAFETY_MARGIN_MS: "-1" }, "DELIVERY_SAFETY_MARGIN_MS must be an integer from 0 to 300000 (got -1)"],
    [{ ...base, MODEL_MAX_BYTES: "12" }, "MODEL_MAX_BYTES must be an integer from 1024 to 536870912 (got 12)"],
    [{ ...base, POWERTOOLS_LOG_LEVEL: "LOUD" }, 'POWERTOOLS_LOG_LEVEL must be one of TRACE, DEBUG, INFO, WARN, ERROR, CRITICAL, SILENT (got "LOUD")'],
    [{ ...base, MODEL_VERSION: "x".repeat(200) }, `MODEL_VERSION must be 1-128 printable characters without spaces (got "${"x".repeat(77)}...")`],
  ])("lists every problem at once, naming the variable and the value (%#)", (env, message) => {
    const err = thrown(() => parseScorerEnv(env));
    expect(err.code).toBe("INVALID_ARGUMENT");
    expect(err.message).toBe(`invalid scorer configuration: ${message}`);
    expect(err.issues.length).toBe(message.split("; ").length);
  });

  it("carries each issue with its field and variable", () => {
    const err = thrown(() => parseScorerEnv({ ...base, BATCH_SIZE: "0" }));
    expect(err.issues).toEqual([{ field: "batchSize", env: "BATCH_SIZE", message: "must be an integer from 1 to 10000 (got 0)" }]);
  });
});

describe("scorerEnv", () => {
  it("writes only what is given, as strings", () => {
    expect(scorerEnv({ endpointName: "fraud-detection-endpoint-dev", deliveryStreamName: "fraud-dev-stream", batchSize: 500, fraudRate: 0.0017 })).toEqual({
      ENDPOINT_NAME: "fraud-detection-endpoint-dev",
      DELIVERY_STREAM_NAME: "fraud-dev-stream",
      BATCH_SIZE: "500",
      FRAUD_RATE: "0.0017",
    });
  });

  it("refuses what the Lambda would refuse, naming the field and its variable", () => {
    const err = thrown(() => scorerEnv({ endpointName: "e", deliveryStreamName: "s", fraudRate: 1, batchSize: 20_000 }));
    expect(err.code).toBe("INVALID_ARGUMENT");
    expect(err.message).toBe(
      "invalid scorer configuration: batchSize (BATCH_SIZE) must be an integer from 1 to 10000 (got 20000); fraudRate (FRAUD_RATE) must be a number strictly between 0 and 1 (got 1)",
    );
    expect(() => scorerEnv({ scoringMode: "embedded", deliveryStreamName: "s" })).toThrow(
      "invalid scorer configuration: modelS3Uri (MODEL_S3_URI) is missing (required in embedded scoring mode)",
    );
    expect(() => scorerEnv({ deliveryStreamName: "s", endpointName: "e", batchsize: 5 } as ScorerConfigInput)).toThrow('unknown scorer configuration field "batchsize"');
    expect(() => scorerEnv(null as unknown as ScorerConfigInput)).toThrow("scorer configuration must be an object (got null)");
  });

  it("writes deploy-time tokens as given when told which values are unresolved", () => {
    const token = "${TfToken[TOKEN.42]}";
    const env = scorerEnv({ endpointName: token, deliveryStreamName: "s", onFailureQueueUrl: token }, { isUnresolved: (v) => v.startsWith("${TfToken[") });
    expect(env).toEqual({ ENDPOINT_NAME: token, DELIVERY_STREAM_NAME: "s", ON_FAILURE_QUEUE_URL: token });
    expect(() => scorerEnv({ endpointName: token, deliveryStreamName: "s" })).toThrow(/ENDPOINT_NAME\) must be a SageMaker endpoint name/);
  });

  it("round-trips through the Lambda's loader (property)", () => {
    const input = fc.record(
      {
        scoringMode: fc.constant("endpoint" as const),
        endpointName: fc.stringMatching(SAGEMAKER_NAME_RULES.endpoint.pattern).filter((n) => n.length <= 63),
        deliveryStreamName: fc.stringMatching(FIREHOSE_STREAM_NAME_PATTERN),
        batchSize: fc.integer({ min: 1, max: 10_000 }),
        fraudRate: fc.double({ min: 1e-9, max: 1 - 1e-9, noNaN: true }),
        maxRowsPerRequest: fc.integer({ min: 1, max: 10_000 }),
        deliverySafetyMarginMs: fc.integer({ min: 0, max: 300_000 }),
        contentType: fc.constantFrom("text/csv" as const, "application/json" as const, "application/x-recordio-protobuf" as const),
      },
      { requiredKeys: ["endpointName", "deliveryStreamName"] },
    );
    fc.assert(
      fc.property(input, (c) => {
        const parsed = parseScorerEnv(scorerEnv(c));
        for (const [k, v] of Object.entries(c)) expect(parsed[k as keyof typeof parsed]).toBe(v);
      }),
      { numRuns: 200 },
    );
  });

  it("names a variable for every field", () => {
    expect(new Set(Object.values(SCORER_ENV_NAMES)).size).toBe(Object.keys(SCORER_ENV_NAMES).length);
  });
});

describe("scoredRecordSchema", () => {
  const record = {
    id: "0123456789abcdef0123456789abcdef",
    timestamp: "2025-06-01T12:00:00.340Z",
    transactionId: "tx-1",
    channel: "Store",
    amount: 206.08,
    score: 0.0164,
    predictedLabel: 0,
    modelVersion: "v1",
  };
  it("accepts an output line and refuses one without a stable id", () => {
    expect(scoredRecordSchema.parse(record)).toEqual(record);
    expect(scoredRecordSchema.safeParse({ ...record, id: undefined }).success).toBe(false);
    expect(scoredRecordSchema.safeParse({ ...record, id: "ABC" }).success).toBe(false);
    expect(scoredRecordSchema.safeParse({ ...record, extra: 1 }).success).toBe(false);
  });
});
