/**
 * An in-process harness for the handlers: mocked AWS clients (aws-sdk-client-mock), a Firehose that
 * fails a chosen share of entries, a recording SQS queue, a fake Lambda context on a manual clock.
 */
import { FirehoseClient, PutRecordBatchCommand } from "@aws-sdk/client-firehose";
import type { PutRecordBatchCommandInput } from "@aws-sdk/client-firehose";
import { InvokeEndpointCommand, SageMakerRuntimeClient } from "@aws-sdk/client-sagemaker-runtime";
import { SQSClient, SendMessageCommand } from "@aws-sdk/client-sqs";
import type { SendMessageCommandInput } from "@aws-sdk/client-sqs";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { mockClient } from "aws-sdk-client-mock";
import { vi } from "vitest";
import { createHandlers, createRuntime, parseScorerEnv } from "@fraud/lambda-scorer";
import type { Handlers, RuntimeOverrides, ScorerRuntime } from "@fraud/lambda-scorer";
import { deadLetterMessageSchema, scoredRecordSchema } from "@fraud/lambda-scorer/config";
import type { DeadLetterMessage, ScoredRecord } from "@fraud/lambda-scorer/config";
import { createFakeContext, createManualClock } from "@fraud/lambda-scorer/testing";
import type { LambdaContext, ManualClock } from "@fraud/lambda-scorer/testing";
import { flaky } from "./helpers.js";

export const firehoseMock = mockClient(FirehoseClient);
export const sagemakerMock = mockClient(SageMakerRuntimeClient);
export const sqsMock = mockClient(SQSClient);

export const QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/fraud-on-failure";
export const BASE_ENV = { ENDPOINT_NAME: "fraud-detection-endpoint", DELIVERY_STREAM_NAME: "fraud-scores", ON_FAILURE_QUEUE_URL: QUEUE_URL, POWERTOOLS_LOG_LEVEL: "SILENT" };

/** What Firehose does to each entry: fail it (with an error code) or take it. */
export type FirehoseFault = (record: ScoredRecord, call: number) => string | undefined;

/** Fails a share of entries, drawn independently per call. */
export const failShare = (rate: number): FirehoseFault => (r, call) => (flaky(`${call}:${r.id}`, rate) ? "ServiceUnavailableException" : undefined);
/** Fails every entry. */
export const failAll: FirehoseFault = () => "ServiceUnavailableException";

export interface Harness {
  handlers: Handlers;
  runtime: ScorerRuntime;
  clock: ManualClock;
  metrics: Metrics;
  /** A fresh invocation context (60 s timeout) on the harness clock. */
  context(timeoutMs?: number): LambdaContext;
  /** Records Firehose accepted, in order. */
  accepted: ScoredRecord[];
  /** Dead-letter messages SQS accepted. */
  queued: DeadLetterMessage[];
  /** Sets what Firehose does from now on. */
  setFirehose(fault: FirehoseFault | undefined): void;
  /** Sets whether SQS refuses messages from now on. */
  setSqsDown(down: boolean): void;
  /** Sum of one metric over all `addMetric` calls. */
  metric(name: string): number;
}

/** The endpoint scores a CSV row by its first feature; label 1 above 0.5. */
function mockEndpoint(): void {
  sagemakerMock.on(InvokeEndpointCommand).callsFake((input: { Body: Uint8Array }) => {
    const rows = Buffer.from(input.Body).toString().split("\n");
    const predictions = rows.map((row) => {
      const score = 1 / (1 + Math.exp(-Number(row.split(",")[1])));
      return { score, predicted_label: score > 0.5 ? 1 : 0 };
    });
    return { Body: Buffer.from(JSON.stringify({ predictions })) as unknown as never, ContentType: "application/json" };
  });
}

export function createHarness(env: Record<string, string> = {}, overrides: RuntimeOverrides = {}): Harness {
  firehoseMock.reset();
  sagemakerMock.reset();
  sqsMock.reset();
  mockEndpoint();
  const clock = createManualClock();
  const accepted: ScoredRecord[] = [];
  const queued: DeadLetterMessage[] = [];
  let fault: FirehoseFault | undefined;
  let sqsDown = false;
  let call = 0;
  const parsed = new Map<string, ScoredRecord>();
  const parse = (line: string): ScoredRecord => {
    let record = parsed.get(line);
    if (!record) parsed.set(line, (record = scoredRecordSchema.parse(JSON.parse(line))));
    return record;
  };
  firehoseMock.on(PutRecordBatchCommand).callsFake((input: PutRecordBatchCommandInput) => {
    call++;
    const responses = input.Records!.map((entry) => {
      const record = parse(Buffer.from(entry.Data!).toString());
      const code = fault?.(record, call);
      if (code) return { ErrorCode: code, ErrorMessage: "Slow down." };
      accepted.push(record);
      return { RecordId: `r-${accepted.length}` };
    });
    return { FailedPutCount: responses.filter((r) => "ErrorCode" in r).length, RequestResponses: responses };
  });
  sqsMock.on(SendMessageCommand).callsFake((input: SendMessageCommandInput) => {
    if (sqsDown) throw Object.assign(new Error("We encountered an internal error."), { name: "InternalError", $metadata: { httpStatusCode: 500 } });
    queued.push(deadLetterMessageSchema.parse(JSON.parse(input.MessageBody!)));
    return { MessageId: `m-${queued.length}` };
  });
  const metrics = new Metrics({ namespace: "FraudDetection", serviceName: "fraud-scorer" });
  Object.assign(metrics, { console: { log: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined, info: () => undefined } });
  const addMetric = vi.spyOn(metrics, "addMetric");
  const runtime = createRuntime(parseScorerEnv({ ...BASE_ENV, ...env }), {
    metrics,
    firehose: new FirehoseClient({}),
    sqs: new SQSClient({}),
    sagemaker: new SageMakerRuntimeClient({}),
    retry: { sleep: clock.sleep },
    ...overrides,
  });
  return {
    handlers: createHandlers(runtime),
    runtime,
    clock,
    metrics,
    context: (timeoutMs = 60_000) => createFakeContext({ timeoutMs, now: clock.now }),
    accepted,
    queued,
    setFirehose(f) {
      fault = f;
    },
    setSqsDown(down) {
      sqsDown = down;
    },
    metric: (name) => addMetric.mock.calls.filter((c) => c[0] === name).reduce((a, c) => a + c[2], 0),
  };
}

/** An EventBridge scheduled event. */
export function scheduledEvent(i: number, detail: object = {}): { id: string; time: string; "detail-type": string; source: string; detail: object } {
  return { id: `5a1c${String(i).padStart(4, "0")}-0000-4000-8000-000000000000`, time: new Date(Date.UTC(2025, 5, 1, 12, i)).toISOString(), "detail-type": "Scheduled Event", source: "aws.events", detail };
}

/** A Function URL POST of a JSON body. */
export function post(body: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: "2.0",
    headers: { "content-type": "application/json" },
    requestContext: { http: { method: "POST" } },
    body: typeof body === "string" ? body : JSON.stringify(body),
    isBase64Encoded: false,
    ...extra,
  };
}

/** Each id's count in a list. */
export function counts(ids: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const id of ids) m.set(id, (m.get(id) ?? 0) + 1);
  return m;
}
