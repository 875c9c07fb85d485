import { FirehoseClient, PutRecordBatchCommand } from "@aws-sdk/client-firehose";
import type { PutRecordBatchCommandInput } from "@aws-sdk/client-firehose";
import { InvokeEndpointCommand, ModelError, SageMakerRuntimeClient } from "@aws-sdk/client-sagemaker-runtime";
import { mockClient } from "aws-sdk-client-mock";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { chunkRecords, createEmbeddedScorer, createEndpointScorer, deliverRecords, recordId, scoreTransactions } from "@fraud/lambda-scorer";
import { FIREHOSE_MAX_BATCH_BYTES as MAX_BATCH_BYTES, scoredRecordSchema } from "@fraud/lambda-scorer/config";
import { createManualClock } from "@fraud/lambda-scorer/testing";
import type { Scorer, ScoringTransaction } from "@fraud/lambda-scorer";
import { decodeRecords, encodeInferenceResponse } from "@fraud/recordio";
import { createModel } from "@fraud/trainer/model";
import { features, flaky } from "./helpers.js";

const firehose = mockClient(FirehoseClient);
const sagemaker = mockClient(SageMakerRuntimeClient);
afterEach(() => {
  firehose.reset();
  sagemaker.reset();
});

const noSleep = { sleep: () => Promise.resolve(), random: () => 0.5 };

function txs(n: number): ScoringTransaction[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `t${i}`,
    channel: (["Mobile", "Web", "Store"] as const)[i % 3]!,
    timestamp: new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString(),
    amount: i * 1.5,
    features: features(i),
  }));
}

/** Scores each row with its first feature; label 1 when that is positive. */
const firstFeature: Scorer = {
  description: "first feature",
  score: ({ data, rows, cols: dim }) => Promise.resolve(Array.from({ length: rows }, (_, i) => ({ score: data[i * dim]!, predictedLabel: data[i * dim]! > 0 ? 1 : 0 }))),
};

function sentRecords(): string[] {
  return firehose
    .commandCalls(PutRecordBatchCommand)
    .flatMap((c) => (c.args[0].input as PutRecordBatchCommandInput).Records!.map((r) => Buffer.from(r.Data!).toString()));
}

describe("chunkRecords", () => {
  it("keeps every chunk within 500 records and 4 MiB, in order (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1_024_000 }), { maxLength: 1200 }), (sizes) => {
        const records = sizes.map((s) => ({ length: s }) as Uint8Array);
        const chunks = chunkRecords(records);
        expect(chunks.flat()).toEqual(sizes.map((_, i) => i));
        for (const c of chunks) {
          expect(c.length).toBeGreaterThan(0);
          expect(c.length).toBeLessThanOrEqual(500);
          expect(c.reduce((a, i) => a + sizes[i]!, 0)).toBeLessThanOrEqual(MAX_BATCH_BYTES);
        }
      }),
      { numRuns: 100 },
    );
  });

  it("refuses a record over 1,000 KiB", () => {
    expect(() => chunkRecords([new Uint8Array(1_024_001)])).toThrow("record 0 is 1024001 bytes, over Firehose's 1024000-byte limit");
  });
});

describe("deliverRecords", () => {
  const client = new FirehoseClient({});

  it("resends only the failed entries until all are accepted, backing off with jitter", async () => {
    // Prepare: the first call fails records 1 and 3, the retry succeeds
    let call = 0;
    firehose.on(PutRecordBatchCommand).callsFake((input: PutRecordBatchCommandInput) => {
      call++;
      return {
        FailedPutCount: call === 1 ? 2 : 0,
        RequestResponses: input.Records!.map((_, i) => (call === 1 && i % 2 === 1 ? { ErrorCode: "ServiceUnavailableException", ErrorMessage: "Slow down." } : { RecordId: `r${call}-${i}` })),
      };
    });
    const waits: number[] = [];
    const records = ["a", "b", "c", "d"].map((s) => Buffer.from(s));
    const delivered: number[][] = [];
    // Act
    const report = await deliverRecords(records, {
      client,
      streamName: "s",
      baseDelayMs: 100,
      random: () => 0.25,
      remainingMs: () => 10_000,
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
      onDelivered: (k) => delivered.push([...k]),
    });
    // Assess
    expect(report).toEqual({ delivered: [0, 1, 2, 3], failed: [], calls: 2, retried: 2, rounds: 2, lastError: "ServiceUnavailableException: Slow down.", stoppedBy: undefined });
    expect(sentRecords()).toEqual(["a", "b", "c", "d", "b", "d"]);
    expect(waits).toEqual([0.25 * 100 * 2]);
    expect(delivered).toEqual([[0, 2], [1, 3]]);
  });

  it("keeps retrying while the budget lasts, never waiting past it, then reports what failed", async () => {
    // Prepare: Firehose refuses one record forever
    firehose.on(PutRecordBatchCommand).callsFake((input: PutRecordBatchCommandInput) => ({
      FailedPutCount: 1,
      RequestResponses: input.Records!.map((r) => (Buffer.from(r.Data!).toString() === "x" ? { ErrorCode: "InternalFailure", ErrorMessage: "boom" } : { RecordId: "ok" })),
    }));
    const clock = createManualClock();
    // Act
    const report = await deliverRecords([Buffer.from("x"), Buffer.from("y")], { client, streamName: "s", remainingMs: () => 20_000 - clock.now(), sleep: clock.sleep });
    // Assess
    expect(report).toMatchObject({ delivered: [1], failed: [0], stoppedBy: "deadline", lastError: "InternalFailure: boom" });
    expect(report.rounds).toBeGreaterThan(10);
    expect(clock.now()).toBeLessThanOrEqual(20_000);
    expect(firehose.commandCalls(PutRecordBatchCommand)).toHaveLength(report.rounds);
  });

  it("stops at once when Firehose refuses the call for good", async () => {
    const notFound = Object.assign(new Error("Firehose s not found."), { name: "ResourceNotFoundException", $metadata: { httpStatusCode: 400 } });
    firehose.on(PutRecordBatchCommand).rejects(notFound);
    const report = await deliverRecords([Buffer.from("x")], { client, streamName: "s", ...noSleep });
    expect(report).toMatchObject({ delivered: [], failed: [0], stoppedBy: "fatal", lastError: "ResourceNotFoundException: Firehose s not found.", calls: 1 });
  });

  it("retries a whole call that failed with a 5xx after the SDK's own retries", async () => {
    const unavailable = Object.assign(new Error("unavailable"), { name: "ServiceUnavailableException", $metadata: { httpStatusCode: 500 } });
    firehose.on(PutRecordBatchCommand).rejectsOnce(unavailable).resolves({ FailedPutCount: 0, RequestResponses: [{ RecordId: "1" }] });
    const report = await deliverRecords([Buffer.from("x")], { client, streamName: "s", ...noSleep });
    expect(report).toMatchObject({ delivered: [0], failed: [], calls: 2, rounds: 2 });
  });

  it("stops and reports everything in flight as failed when the deadline aborts the call", async () => {
    const controller = new AbortController();
    firehose.on(PutRecordBatchCommand).callsFake(() => {
      controller.abort();
      throw Object.assign(new Error("Request aborted"), { name: "AbortError" });
    });
    const report = await deliverRecords([Buffer.from("x"), Buffer.from("y")], { client, streamName: "s", signal: controller.signal, ...noSleep });
    expect(report).toMatchObject({ delivered: [], failed: [0, 1], stoppedBy: "deadline", calls: 1 });
  });

  it("delivers every record exactly once whatever fails, with the default back-off (property)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 1200 }), fc.integer({ min: 0, max: 2 ** 31 }), async (n, seed) => {
        firehose.reset();
        const accepted: string[] = [];
        let call = 0;
        firehose.on(PutRecordBatchCommand).callsFake((input: PutRecordBatchCommandInput) => {
          call++;
          const res = input.Records!.map((r) => {
            const data = Buffer.from(r.Data!).toString();
            return flaky(`${seed}:${call}:${data}`, 0.3) ? { ErrorCode: "ServiceUnavailableException" } : { RecordId: data };
          });
          accepted.push(...res.flatMap((r) => (r.RecordId ? [r.RecordId] : [])));
          return { FailedPutCount: res.filter((r) => r.ErrorCode).length, RequestResponses: res };
        });
        const clock = createManualClock();
        const records = Array.from({ length: n }, (_, i) => Buffer.from(String(i)));
        const report = await deliverRecords(records, { client, streamName: "s", remainingMs: () => 55_000 - clock.now(), sleep: clock.sleep });
        expect(report.failed).toEqual([]);
        expect(accepted.map(Number).sort((a, b) => a - b)).toEqual(records.map((_, i) => i));
      }),
      { numRuns: 25 },
    );
  });
});

describe("scoreTransactions", () => {
  const client = new FirehoseClient({});
  const okFirehose = () =>
    firehose.on(PutRecordBatchCommand).callsFake((input: PutRecordBatchCommandInput) => ({ FailedPutCount: 0, RequestResponses: input.Records!.map(() => ({ RecordId: "x" })) }));

  it("writes one JSON line per transaction with a stable id and every field, in PutRecordBatch-sized calls", async () => {
    // Prepare
    okFirehose();
    const batch = txs(1234);
    // Act
    const result = await scoreTransactions(batch, { scorer: firstFeature, firehose: client, streamName: "scores", modelVersion: "v3" });
    // Assess
    const calls = firehose.commandCalls(PutRecordBatchCommand);
    expect(calls.map((c) => c.args[0].input.Records!.length)).toEqual([500, 500, 234]);
    expect(calls.every((c) => c.args[0].input.DeliveryStreamName === "scores")).toBe(true);
    const lines = sentRecords();
    expect(lines.every((l) => l.endsWith("\n"))).toBe(true);
    const parsed = lines.map((l) => scoredRecordSchema.parse(JSON.parse(l)));
    expect(parsed[4]).toEqual({
      id: recordId("v3", "t4"),
      timestamp: batch[4]!.timestamp,
      transactionId: "t4",
      channel: "Web",
      amount: 6,
      score: features(4)[0],
      predictedLabel: features(4)[0]! > 0 ? 1 : 0,
      modelVersion: "v3",
    });
    expect(Object.keys(JSON.parse(lines[0]!) as object)).toEqual(["id", "timestamp", "transactionId", "channel", "amount", "score", "predictedLabel", "modelVersion"]);
    expect(parsed.map((p) => p.transactionId)).toEqual(batch.map((t) => t.id));
    expect(new Set(parsed.map((p) => p.id)).size).toBe(batch.length);
    expect(result.flagged).toBe(batch.filter((t) => t.features[0]! > 0).length);
    expect(result.counts).toEqual({ delivered: 1234, already: 0, "dead-lettered": 0, failed: 0 });
  });

  it("gives a transaction the same record id every time, and a new one under a new model version", () => {
    expect(recordId("v1", "tx-1")).toBe(recordId("v1", "tx-1"));
    expect(recordId("v1", "tx-1")).toMatch(/^[0-9a-f]{32}$/);
    expect(recordId("v2", "tx-1")).not.toBe(recordId("v1", "tx-1"));
  });

  it("writes predictedLabel null for a regressor", async () => {
    okFirehose();
    const regressor: Scorer = { description: "r", score: () => Promise.resolve([{ score: 12.5 }]) };
    await scoreTransactions(txs(1), { scorer: regressor, firehose: client, streamName: "s", modelVersion: "v" });
    expect(JSON.parse(sentRecords()[0]!)).toMatchObject({ score: 12.5, predictedLabel: null });
  });

  it("refuses rows of different widths before scoring", async () => {
    const bad = txs(2);
    bad[1] = { ...bad[1]!, features: [1, 2] };
    await expect(scoreTransactions(bad, { scorer: firstFeature, firehose: client, streamName: "s", modelVersion: "v" })).rejects.toThrow(
      "transaction 1 (t1) has 2 features, the first has 30",
    );
    expect(firehose.calls()).toHaveLength(0);
  });
});

describe("createEndpointScorer", () => {
  it.each([
    ["text/csv", "application/json"],
    ["application/json", "application/json"],
    ["application/jsonlines", "application/jsonlines"],
    ["application/x-recordio-protobuf", "application/x-recordio-protobuf"],
  ] as const)("sends %s in requests of at most maxRowsPerRequest rows and reads %s", async (contentType, accept) => {
    // Prepare: the fake endpoint scores each row by its first value
    sagemaker.on(InvokeEndpointCommand).callsFake((input: { Body: Uint8Array; ContentType: string; Accept: string }) => {
      const text = Buffer.from(input.Body).toString();
      let firsts: number[];
      if (input.ContentType === "text/csv") firsts = text.split("\n").map((l) => Number(l.split(",")[0]));
      else if (input.ContentType === "application/json") firsts = (JSON.parse(text) as { instances: { features: number[] }[] }).instances.map((i) => i.features[0]!);
      else if (input.ContentType === "application/jsonlines") firsts = text.split("\n").map((l) => (JSON.parse(l) as { features: number[] }).features[0]!);
      else {
        return { Body: encodeInferenceResponse(firstValues(input.Body).map((f) => ({ score: f, predicted_label: 1 }))), ContentType: input.Accept };
      }
      const preds = firsts.map((f) => ({ score: f, predicted_label: 1 }));
      const body = input.Accept === "application/jsonlines" ? preds.map((p) => JSON.stringify(p)).join("\n") : JSON.stringify({ predictions: preds });
      return { Body: Buffer.from(body), ContentType: input.Accept };
    });
    const scorer = createEndpointScorer({ client: new SageMakerRuntimeClient({}), endpointName: "ep", contentType, maxRowsPerRequest: 40 });
    const rows = 100;
    const data = new Float64Array(rows * 30).map((_, k) => (k % 30 === 0 ? k / 30 + 0.5 : 1));
    // Act
    const scores = await scorer.score({ data, rows, cols: 30 });
    // Assess
    const calls = sagemaker.commandCalls(InvokeEndpointCommand);
    expect(calls).toHaveLength(3);
    expect(calls.every((c) => c.args[0].input.ContentType === contentType && c.args[0].input.Accept === accept && c.args[0].input.EndpointName === "ep")).toBe(true);
    expect(scores.map((s) => s.score)).toEqual(Array.from({ length: rows }, (_, i) => i + 0.5));
    expect(scores.every((s) => s.predictedLabel === 1)).toBe(true);
  });

  it("turns a ModelError into ENDPOINT_FAILED with the container's message", async () => {
    sagemaker.on(InvokeEndpointCommand).rejects(
      new ModelError({ message: "Received client error (400)", $metadata: {}, OriginalMessage: "unable to evaluate payload provided", OriginalStatusCode: 400 }),
    );
    const scorer = createEndpointScorer({ client: new SageMakerRuntimeClient({}), endpointName: "ep" });
    await expect(scorer.score({ data: new Float64Array(30), rows: 1, cols: 30 })).rejects.toThrow("InvokeEndpoint ep failed: ModelError: unable to evaluate payload provided");
  });

  it("refuses an answer with the wrong number of predictions", async () => {
    sagemaker.on(InvokeEndpointCommand).resolves({ Body: Buffer.from('{"predictions":[{"score":0.1}]}') as unknown as never });
    const scorer = createEndpointScorer({ client: new SageMakerRuntimeClient({}), endpointName: "ep" });
    await expect(scorer.score({ data: new Float64Array(60), rows: 2, cols: 30 })).rejects.toThrow("endpoint answered 1 predictions for 2 rows");
  });
});

describe("createEmbeddedScorer", () => {
  it("scores in-process and checks the feature count", async () => {
    const model = createModel({ predictorType: "regressor", weights: [1, 1], bias: 0 });
    const scorer = createEmbeddedScorer(model);
    expect(await scorer.score({ data: Float64Array.of(1, 2, 3, 4), rows: 2, cols: 2 })).toEqual([{ score: 3 }, { score: 7 }]);
    await expect(scorer.score({ data: new Float64Array(3), rows: 1, cols: 3 })).rejects.toThrow("rows have 3 features, the model expects 2");
  });
});

/** First feature of every record of a RecordIO request. */
function firstValues(body: Uint8Array): number[] {
  return decodeRecords(body).map((r) => {
    const v = r.features["values"]!;
    if (v.type === "bytes" || v.type === "none") throw new Error("no tensor");
    return v.values[0]!;
  });
}
