import { PutRecordBatchCommand } from "@aws-sdk/client-firehose";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { describe, expect, it } from "vitest";
import { ScorerError, drawTransactions, eventSeed, recordId } from "@fraud/lambda-scorer";
import { DEAD_LETTER_MAX_MESSAGE_BYTES } from "@fraud/lambda-scorer/config";
import { QUEUE_URL, counts, createHarness, failAll, failShare, firehoseMock, scheduledEvent, sqsMock } from "./scorer-harness.js";

function expectedIds(event: { id: string; time: string }, count: number): string[] {
  return drawTransactions(count, { seed: eventSeed(event.id), start: Date.parse(event.time) }).map((t) => recordId("fraud-detection-endpoint", t.id));
}

describe("scheduled handler", () => {
  it("delivers every record exactly once with 30% of entries failing, on default settings", async () => {
    // Prepare
    const h = createHarness({ BATCH_SIZE: "5000" });
    h.setFirehose(failShare(0.3));
    const event = scheduledEvent(1);
    // Act
    const result = await h.handlers.scheduled(event, h.context());
    // Assess
    const ids = expectedIds(event, 5000);
    expect(result).toMatchObject({ eventId: event.id, scored: 5000, delivered: 5000, alreadyDelivered: 0, deadLettered: 0 });
    expect(result.retried).toBeGreaterThan(1000);
    expect([...counts(h.accepted.map((r) => r.id)).values()].every((n) => n === 1)).toBe(true);
    expect(h.accepted.map((r) => r.id).sort()).toEqual([...ids].sort());
    expect(sqsMock.commandCalls(SendMessageCommand)).toHaveLength(0);
    expect(h.metric("DeliveredRecords")).toBe(5000);
    expect(h.metric("DeliveryRetriedRecords")).toBe(result.retried);
    // the retries fit in the invocation, before the safety margin
    expect(h.clock.now()).toBeLessThan(60_000 - 5_000);
  });

  it("draws the same transactions for the same event id, and other ones for another", async () => {
    const h = createHarness({ BATCH_SIZE: "50" });
    await h.handlers.scheduled(scheduledEvent(1), h.context());
    const first = h.accepted.map((r) => r.transactionId);
    const again = drawTransactions(50, { seed: eventSeed(scheduledEvent(1).id), start: Date.parse(scheduledEvent(1).time) }).map((t) => t.id);
    const other = drawTransactions(50, { seed: eventSeed(scheduledEvent(2).id), start: Date.parse(scheduledEvent(2).time) }).map((t) => t.id);
    expect(first).toEqual(again);
    expect(other.filter((id) => first.includes(id))).toEqual([]);
  });

  it("sends what Firehose would not take to the on-failure queue and completes", async () => {
    // Prepare: Firehose fails everything
    const h = createHarness({ BATCH_SIZE: "3000" });
    h.setFirehose(failAll);
    const event = scheduledEvent(2);
    // Act
    const result = await h.handlers.scheduled(event, h.context());
    // Assess: the whole batch is in SQS, in messages under 256 KiB, each record once
    expect(result).toMatchObject({ scored: 3000, delivered: 0, deadLettered: 3000 });
    const calls = sqsMock.commandCalls(SendMessageCommand);
    expect(calls.length).toBeGreaterThan(1);
    expect(calls.every((c) => c.args[0].input.QueueUrl === QUEUE_URL && Buffer.byteLength(c.args[0].input.MessageBody!) <= DEAD_LETTER_MAX_MESSAGE_BYTES)).toBe(true);
    const queued = h.queued.flatMap((m) => m.records.map((r) => r.id));
    expect(queued.sort()).toEqual(expectedIds(event, 3000).sort());
    expect(h.queued[0]).toMatchObject({ version: 1, deliveryStreamName: "fraud-scores", eventId: event.id, reason: "ServiceUnavailableException: Slow down." });
    expect(h.accepted).toEqual([]);
    expect(h.metric("DeadLetteredRecords")).toBe(3000);
    // delivery gave up at the safety margin, dead-lettering finished before the last fifth of it
    expect(h.clock.now()).toBeGreaterThan(60_000 - 5_000 - 2_000);
    expect(h.clock.now()).toBeLessThanOrEqual(60_000 - 1_000);
  });

  it("does not re-send records a retried event already delivered", async () => {
    // Prepare: a first attempt that completes
    const h = createHarness({ BATCH_SIZE: "800" });
    h.setFirehose(failShare(0.3));
    const event = scheduledEvent(3);
    await h.handlers.scheduled(event, h.context());
    const callsBefore = firehoseMock.commandCalls(PutRecordBatchCommand).length;
    // Act: Lambda retries the same event in the same container
    const again = await h.handlers.scheduled(event, h.context());
    // Assess
    expect(again).toMatchObject({ scored: 800, delivered: 0, alreadyDelivered: 800, deadLettered: 0, deliveryCalls: 0 });
    expect(firehoseMock.commandCalls(PutRecordBatchCommand)).toHaveLength(callsBefore);
    expect(h.accepted).toHaveLength(800);
  });

  it("fails when records can go nowhere, and the retry sends only those", async () => {
    // Prepare: Firehose takes the first round partly, then fails; SQS is down too
    const h = createHarness({ BATCH_SIZE: "1000" });
    h.setFirehose((r, call) => (call <= 2 ? failShare(0.4)(r, call) : "ServiceUnavailableException"));
    h.setSqsDown(true);
    const event = scheduledEvent(4);
    // Act
    const error = await h.handlers.scheduled(event, h.context()).catch((e: unknown) => e);
    const deliveredFirst = h.accepted.length;
    h.setFirehose(undefined);
    h.setSqsDown(false);
    const retry = await h.handlers.scheduled(event, h.context());
    // Assess
    expect(error).toBeInstanceOf(ScorerError);
    expect(error).toMatchObject({ code: "DELIVERY_FAILED", failedCount: 1000 - deliveredFirst, deliveredCount: deliveredFirst });
    expect((error as Error).message).toMatch(/^\d+ of 1000 records not delivered and the on-failure queue did not take them either \(last error ServiceUnavailableException: Slow down\.; dead-letter queue: InternalError: We encountered an internal error\.\)$/);
    expect(deliveredFirst).toBeGreaterThan(300);
    expect(retry).toMatchObject({ alreadyDelivered: deliveredFirst, delivered: 1000 - deliveredFirst });
    expect([...counts(h.accepted.map((r) => r.id)).values()].every((n) => n === 1)).toBe(true);
    expect(h.accepted).toHaveLength(1000);
    expect(h.metric("DeliveryFailedRecords")).toBe(1000 - deliveredFirst);
  });

  it("fails with the count when no on-failure queue is configured", async () => {
    const h = createHarness({ BATCH_SIZE: "20", ON_FAILURE_QUEUE_URL: "" });
    h.setFirehose(failAll);
    await expect(h.handlers.scheduled(scheduledEvent(5), h.context())).rejects.toMatchObject({
      code: "DELIVERY_FAILED",
      failedCount: 20,
      message: "20 of 20 records not delivered and no ON_FAILURE_QUEUE_URL is configured (last error ServiceUnavailableException: Slow down.)",
    });
    expect(sqsMock.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it("still tries once when the invocation starts inside the safety margin", async () => {
    const h = createHarness({ BATCH_SIZE: "10" });
    const result = await h.handlers.scheduled(scheduledEvent(6), h.context(3_000));
    expect(result).toMatchObject({ delivered: 10 });
  });

  it.each([
    [null, "event must be an object (got null)"],
    [{ time: "2025-06-01T12:00:00Z" }, "event.id is missing"],
    [{ id: "e", time: "yesterday" }, 'event.time must be an ISO 8601 date-time (got "yesterday")'],
    [{ id: "e", time: "2025-06-01T12:00:00Z", detail: { count: 0 } }, "event.detail.count must be an integer from 1 to 10000 (got 0)"],
    [{ id: "e", time: "2025-06-01T12:00:00Z", detail: { count: "5" } }, 'event.detail.count must be an integer from 1 to 10000 (got "5")'],
  ])("refuses a malformed event (%#)", async (event, message) => {
    const h = createHarness();
    await expect(h.handlers.scheduled(event, h.context())).rejects.toMatchObject({ code: "INVALID_ARGUMENT", message });
    expect(firehoseMock.commandCalls(PutRecordBatchCommand)).toHaveLength(0);
  });

  it("draws detail.count transactions when the event asks", async () => {
    const h = createHarness();
    await expect(h.handlers.scheduled(scheduledEvent(7, { count: 7 }), h.context())).resolves.toMatchObject({ scored: 7, delivered: 7 });
  });
});
