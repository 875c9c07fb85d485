import { InvokeEndpointCommand, ModelError } from "@aws-sdk/client-sagemaker-runtime";
import { PutRecordBatchCommand } from "@aws-sdk/client-firehose";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { describe, expect, it } from "vitest";
import { recordId } from "@fraud/lambda-scorer";
import type { HttpScoreResponse } from "@fraud/lambda-scorer";
import { features } from "./helpers.js";
import { counts, createHarness, failAll, failShare, firehoseMock, post, sagemakerMock, sqsMock } from "./scorer-harness.js";

const good = { id: "tx-1", channel: "Mobile", timestamp: "2025-06-01T12:00:00.000Z", features: features(1) };

function body(result: { body: string }): HttpScoreResponse & { message?: string; code?: string } {
  return JSON.parse(result.body) as HttpScoreResponse;
}

describe("http handler: requests it refuses", () => {
  const cases: { name: string; event: unknown; status: number; message: RegExp | string }[] = [
    { name: "no event at all", event: null, status: 400, message: "event must be an object (got null)" },
    { name: "a string event", event: "hello", status: 400, message: 'event must be an object (got "hello")' },
    { name: "a numeric body", event: { ...post(""), body: 42 }, status: 400, message: "event.body must be a string (got 42)" },
    { name: "broken JSON", event: post('{"transactions": ['), status: 400, message: /^body is not valid JSON/ },
    { name: "an empty body", event: post(""), status: 400, message: "body is empty; send JSON transactions" },
    { name: "no body", event: { ...post(""), body: undefined }, status: 400, message: "body is empty; send JSON transactions" },
    { name: "29 features", event: post([{ features: features(1).slice(1) }]), status: 400, message: /^transactions\[0\]\.features must have 30 numbers \(got \[/ },
    { name: "a string feature", event: post([{ features: [...features(1).slice(1), "7"] }]), status: 400, message: 'transactions[0].features[29] must be a finite number (got "7")' },
    { name: "a null feature (NaN in JSON)", event: post(`[{"features":[${[...features(1).slice(1), "null"].join(",")}]}]`), status: 400, message: "transactions[0].features[29] must be a finite number (got null)" },
    { name: "a bad channel", event: post([{ ...good, channel: "Fax" }]), status: 400, message: 'transactions[0].channel must be Mobile, Web or Store (got "Fax")' },
    { name: "a bad timestamp", event: post([{ ...good, timestamp: "yesterday" }]), status: 400, message: 'transactions[0].timestamp must be an ISO 8601 date-time (got "yesterday")' },
    { name: "a bad id", event: post([{ ...good, id: "a b" }]), status: 400, message: 'transactions[0].id must be 1-128 characters of A-Z a-z 0-9 . _ : - (got "a b")' },
    { name: "a repeated id", event: post([good, { ...good }]), status: 400, message: 'transactions[1] has the same id as transactions[0] ("tx-1"); give each transaction its own id' },
    { name: "neither shape", event: post([{ amount: 3 }]), status: 400, message: 'transactions[0] needs "features" (30 numbers) or "time", "v" (28 numbers) and "amount"' },
    { name: "a simulator shape without amount", event: post([{ time: 1, v: features(1).slice(1, 29) }]), status: 400, message: "transactions[0].amount is missing" },
    { name: "too many transactions", event: post(Array.from({ length: 1001 }, (_, i) => ({ id: `t${i}`, features: features(0) }))), status: 400, message: "1001 transactions in one request, the limit is 1000" },
    { name: "a body over 1 MiB", event: post(`[${" ".repeat(1_100_000)}]`), status: 400, message: "body is 1100002 bytes, the limit is 1048576" },
    { name: "a number as body", event: post("42"), status: 400, message: "body must be a JSON object or array of transactions (got 42)" },
    { name: "a 1 MB bad value, quoted short", event: post([{ ...good, channel: "x".repeat(1000) }]), status: 400, message: `transactions[0].channel must be Mobile, Web or Store (got "${"x".repeat(77)}...")` },
    { name: "GET", event: post("[]", { requestContext: { http: { method: "GET" } } }), status: 405, message: "method GET not allowed; POST JSON transactions" },
    { name: "text/plain", event: post("[]", { headers: { "content-type": "text/plain" } }), status: 415, message: 'content-type "text/plain" not supported; send application/json' },
  ];

  it.each(cases)("answers $status to $name, with the reason", async ({ event, status, message }) => {
    // Prepare
    const h = createHarness();
    // Act
    const res = await h.handlers.http(event, h.context());
    // Assess
    expect(res.statusCode).toBe(status);
    expect(res.headers["content-type"]).toBe("application/json");
    if (typeof message === "string") expect(body(res).message).toBe(message);
    else expect(body(res).message).toMatch(message);
    expect(firehoseMock.commandCalls(PutRecordBatchCommand)).toHaveLength(0);
    expect(h.metric("InvalidRequests")).toBe(1);
  });
});

describe("http handler: delivery", () => {
  const batch = Array.from({ length: 400 }, (_, i) => ({ id: `tx-${i}`, channel: "Web", features: features(i) }));

  it("answers 200 with every id delivered, with 30% of entries failing on default settings", async () => {
    // Prepare
    const h = createHarness();
    h.setFirehose(failShare(0.3));
    // Act
    const res = await h.handlers.http(post({ transactions: batch }), h.context());
    // Assess
    expect(res.statusCode).toBe(200);
    const b = body(res);
    expect(b).toMatchObject({ modelVersion: "fraud-detection-endpoint", count: 400, failed: [] });
    expect(b.delivered).toEqual(batch.map((t) => t.id));
    expect(b.predictions[5]).toEqual({ transactionId: "tx-5", id: recordId("fraud-detection-endpoint", "tx-5"), score: expect.any(Number) as number, predictedLabel: expect.any(Number) as number });
    expect([...counts(h.accepted.map((r) => r.transactionId)).values()].every((n) => n === 1)).toBe(true);
    expect(h.accepted).toHaveLength(400);
  });

  it("answers 207 with the per-id detail when some records cannot be delivered, and a re-send of the failed ones completes", async () => {
    // Prepare: Firehose keeps refusing two records until the caller re-sends
    const h = createHarness();
    const stuck = new Set(["tx-2", "tx-7"]);
    h.setFirehose((r) => (stuck.has(r.transactionId) ? "InternalFailure" : undefined));
    // Act
    const first = await h.handlers.http(post({ transactions: batch }), h.context());
    h.setFirehose(undefined);
    const failedIds = body(first).failed.map((f) => f.transactionId);
    const second = await h.handlers.http(post({ transactions: batch.filter((t) => failedIds.includes(t.id)) }), h.context());
    // Assess
    expect(first.statusCode).toBe(207);
    expect(body(first).failed).toEqual([
      { transactionId: "tx-2", reason: "InternalFailure: Slow down." },
      { transactionId: "tx-7", reason: "InternalFailure: Slow down." },
    ]);
    expect(body(first).delivered).toHaveLength(398);
    expect(body(first).message).toBe("2 of 400 records not delivered; re-send the failed transactions");
    expect(second.statusCode).toBe(200);
    expect(body(second).delivered).toEqual(["tx-2", "tx-7"]);
    expect(h.accepted.map((r) => r.transactionId).sort()).toEqual(batch.map((t) => t.id).sort());
    // the HTTP handler reports instead of dead-lettering: the caller re-sends
    expect(sqsMock.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it("answers 503 with retry-after and every id failed when nothing is delivered", async () => {
    const h = createHarness();
    h.setFirehose(failAll);
    const res = await h.handlers.http(post(batch.slice(0, 3)), h.context(10_000));
    expect(res.statusCode).toBe(503);
    expect(res.headers["retry-after"]).toBe("1");
    expect(body(res)).toMatchObject({ delivered: [], failed: [{ transactionId: "tx-0" }, { transactionId: "tx-1" }, { transactionId: "tx-2" }] });
    expect(h.clock.now()).toBeLessThanOrEqual(10_000 - 5_000);
  });

  it("derives the same id for a transaction sent again without one", async () => {
    const h = createHarness();
    const anonymous = { time: 10, v: features(3).slice(1, 29), amount: 12.5, timestamp: "2025-06-01T12:00:00Z" };
    const a = body(await h.handlers.http(post([anonymous]), h.context()));
    const b = body(await h.handlers.http(post([anonymous]), h.context()));
    expect(a.delivered).toEqual(b.delivered);
    expect(a.delivered[0]).toMatch(/^[0-9a-f]{32}$/);
    expect(h.accepted.map((r) => r.id)).toEqual([a.predictions[0]!.id, a.predictions[0]!.id]);
  });

  it("accepts a base64 body and the simulator's transaction shape", async () => {
    const h = createHarness();
    const payload = Buffer.from(JSON.stringify([{ id: "sim-1", time: 10, v: features(3).slice(1, 29), amount: 12.5, label: 0 }])).toString("base64");
    const res = await h.handlers.http(post(payload, { isBase64Encoded: true }), h.context());
    expect(res.statusCode).toBe(200);
    expect(h.accepted[0]).toMatchObject({ transactionId: "sim-1", amount: 12.5, channel: "Web" });
  });

  it("answers 502 when the endpoint fails, delivering nothing", async () => {
    const h = createHarness();
    sagemakerMock.on(InvokeEndpointCommand).rejects(new ModelError({ message: "Received client error (400)", $metadata: {}, OriginalMessage: "unable to evaluate payload provided" }));
    const res = await h.handlers.http(post([good]), h.context());
    expect(res.statusCode).toBe(502);
    expect(body(res)).toEqual({ code: "ENDPOINT_FAILED", message: "InvokeEndpoint fraud-detection-endpoint failed: ModelError: unable to evaluate payload provided" });
    expect(h.accepted).toEqual([]);
  });
});
