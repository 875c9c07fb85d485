// Delivery as AWS drives the scorer: the bundled Lambda (the zip that would be deployed) against
// the local endpoint and Firehose, with the scorer's default settings. Scheduled events are
// asynchronous invocations (Lambda retries a failed one twice, then sends it to the on-failure
// destination); HTTP clients re-send on 5xx only the transactions the answer lists as undelivered.
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { drawTransactions, eventSeed } from "@fraud/lambda-scorer";
import { startEndpoint, startFirehose } from "@fraud/local-aws";
import type { EndpointServer, FirehoseServer } from "@fraud/local-aws";
import { DEFAULT_FRAUD_RATE, createTransactionSource } from "@fraud/simulator";
import { writeModelArtifact } from "@fraud/trainer";
import { REPO_ROOT, invokeAsync, jsonLinesDestination, localLambdaEnv, postTransactions, startLambda } from "../src/index.js";
import type { LambdaHost, OnFailureDestination } from "../src/index.js";

const ZIP = join(REPO_ROOT, "packages/lambda-scorer/dist/lambda/lambda.zip");
const STREAM = "fraud-scores";
const ENDPOINT = "fraud-detection-endpoint";

interface Rig {
  dir: string;
  endpoint: EndpointServer;
  firehose: FirehoseServer;
  lambda: LambdaHost;
  dlq: OnFailureDestination;
}

let model: string;
let work: string;
const rigs: Rig[] = [];

beforeAll(async () => {
  expect(existsSync(ZIP), `${ZIP} (nx run lambda-scorer:bundle)`).toBe(true);
  work = await mkdtemp(join(tmpdir(), "demo-delivery-"));
  model = join(work, "model.tar.gz");
  await writeModelArtifact(model, { predictorType: "binary_classifier", weights: Array.from({ length: 30 }, (_, j) => Math.cos(j) / 8), bias: -4, threshold: 0.5 });
  return () => rm(work, { recursive: true, force: true });
});

afterEach(async () => {
  for (const r of rigs.splice(0)) {
    await r.lambda.close();
    await r.endpoint.close();
    await r.firehose.close().catch(() => undefined);
  }
});

/** The three services, wired as the stack wires them; only the Firehose failure rate varies. */
async function rig(failRate: number, timeoutMs?: number): Promise<Rig> {
  const dir = await mkdtemp(join(work, "run-"));
  const endpoint = await startEndpoint({ model, name: ENDPOINT });
  const firehose = await startFirehose({ dir: join(dir, "s3"), failRate, seed: 11, streamName: STREAM, bufferSeconds: 900, warn: () => undefined });
  const env = localLambdaEnv({ sagemakerRuntime: endpoint.url, firehose: firehose.url }, { endpointName: ENDPOINT, deliveryStreamName: STREAM });
  const lambda = await startLambda(ZIP, env, join(dir, "lambda.log"), timeoutMs === undefined ? {} : { timeoutMs });
  const r = { dir, endpoint, firehose, lambda, dlq: jsonLinesDestination(join(dir, "on-failure.jsonl")) };
  rigs.push(r);
  return r;
}

/** Every record in the Firehose objects. */
async function delivered(r: Rig): Promise<{ id: string; transactionId: string }[]> {
  await r.firehose.flush();
  const out: { id: string; transactionId: string }[] = [];
  for (const key of r.firehose.objects) {
    for (const line of gunzipSync(await readFile(join(r.dir, "s3", key))).toString("utf8").split("\n")) {
      if (line !== "") out.push(JSON.parse(line) as { id: string; transactionId: string });
    }
  }
  return out;
}

const scheduled = (i: number, count: number) => ({ id: `evt-${i}`, time: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(), "detail-type": "Scheduled Event", source: "aws.events", detail: { count } });
const eventIds = (e: ReturnType<typeof scheduled>): string[] =>
  drawTransactions(e.detail.count, { seed: eventSeed(e.id), start: Date.parse(e.time), fraudRate: DEFAULT_FRAUD_RATE }).map((t) => t.id);

describe("the bundled Lambda driven as AWS drives it, with the scorer's defaults", () => {
  it("delivers every transaction exactly once when 30% of Firehose records fail", async () => {
    // Prepare: one scheduled event of 5,000 transactions and five HTTP requests of 1,000
    const r = await rig(0.3);
    const event = scheduled(0, 5000);
    const posted = createTransactionSource({ seed: 5, start: Date.UTC(2026, 0, 1) }).take(5000);
    // Act
    const async = await invokeAsync(r.lambda, "scheduled", event, { destination: r.dlq });
    const http = [];
    for (let i = 0; i < 5; i++) http.push(await postTransactions(r.lambda, posted.slice(i * 1000, (i + 1) * 1000)));
    const records = await delivered(r);
    // Assess
    const expected = new Set([...eventIds(event), ...posted.map((t) => t.id)]);
    expect(expected.size).toBe(10_000);
    const byTransaction = new Map<string, number>();
    for (const rec of records) byTransaction.set(rec.transactionId, (byTransaction.get(rec.transactionId) ?? 0) + 1);
    expect([...expected].filter((id) => !byTransaction.has(id))).toEqual([]); // 0 lost
    expect([...byTransaction.values()].filter((n) => n > 1)).toEqual([]); // 0 duplicated
    expect(new Set(records.map((rec) => rec.id)).size).toBe(records.length); // stable record ids, each once
    expect(records).toHaveLength(10_000);
    expect(r.dlq.records).toEqual([]);
    expect(async.sentToDestination).toBe(false);
    for (const h of http) expect(h.undelivered).toEqual([]);
  }, 240_000);

  it("sends the undelivered batch to the on-failure destination when Firehose fails every record", async () => {
    // Prepare: a short function timeout so the scorer's time-bounded retries end soon
    const r = await rig(1, 8000);
    const event = scheduled(1, 300);
    const posted = createTransactionSource({ seed: 6, start: Date.UTC(2026, 0, 1) }).take(200);
    // Act
    const async = await invokeAsync(r.lambda, "scheduled", event, { destination: r.dlq });
    const http = await postTransactions(r.lambda, posted);
    const records = await delivered(r);
    // Assess
    expect(records).toEqual([]);
    expect(async.sentToDestination).toBe(true);
    expect(async.attempts).toBe(3);
    expect(r.dlq.records).toHaveLength(1);
    expect(r.dlq.records[0]).toMatchObject({ requestContext: { condition: "RetriesExhausted", approximateInvokeCount: 3 }, requestPayload: event });
    const file = (await readFile(join(r.dir, "on-failure.jsonl"), "utf8")).trim().split("\n");
    expect(file.map((l) => JSON.parse(l) as unknown)).toEqual(r.dlq.records);
    expect(new Set(http.undelivered)).toEqual(new Set(posted.map((t) => t.id)));
  }, 240_000);
});
