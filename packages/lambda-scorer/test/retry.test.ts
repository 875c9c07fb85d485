import { SQSClient, SendMessageCommand } from "@aws-sdk/client-sqs";
import type { SendMessageCommandInput } from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { createDeliveryLedger, deadLetterRecords, retryRounds } from "@fraud/lambda-scorer";
import { DEAD_LETTER_MAX_MESSAGE_BYTES, deadLetterMessageSchema } from "@fraud/lambda-scorer/config";
import { createManualClock } from "@fraud/lambda-scorer/testing";

const sqs = mockClient(SQSClient);
afterEach(() => sqs.reset());

describe("retryRounds", () => {
  it("waits a full-jitter exponential back-off between rounds, capped", async () => {
    const clock = createManualClock();
    const waits: number[] = [];
    let left = 9;
    const outcome = await retryRounds(() => Promise.resolve({ pending: --left }), {
      remainingMs: () => 1e9,
      random: () => 0.5,
      sleep: (ms) => {
        waits.push(ms);
        return clock.sleep(ms);
      },
    });
    expect(outcome).toEqual({ rounds: 9, pending: 0 });
    expect(waits).toEqual([50, 100, 200, 400, 800, 1000, 1000, 1000]);
  });

  it("never starts a wait that would end past the budget (property)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 60_000 }), fc.double({ min: 0.01, max: 0.999, noNaN: true }), async (budget, r) => {
        const clock = createManualClock();
        const outcome = await retryRounds(() => Promise.resolve({ pending: 1 }), { remainingMs: () => budget - clock.now(), random: () => r, sleep: clock.sleep });
        expect(outcome.stoppedBy).toBe("deadline");
        expect(clock.now()).toBeLessThan(Math.max(budget, 1));
      }),
      { numRuns: 200 },
    );
  });

  it("stops at once when a round asks to", async () => {
    const outcome = await retryRounds(() => Promise.resolve({ pending: 3, stop: true }), { remainingMs: () => 1e9 });
    expect(outcome).toEqual({ rounds: 1, pending: 3, stoppedBy: "fatal" });
  });
});

describe("deadLetterRecords", () => {
  const header = { deliveryStreamName: "fraud-scores", eventId: "evt-1", reason: "ServiceUnavailableException: Slow down." };
  const line = (i: number) =>
    JSON.stringify({ id: i.toString(16).padStart(32, "0"), timestamp: "2025-06-01T12:00:00.000Z", transactionId: `tx-${i}`, channel: "Web", amount: 1, score: 0.5, predictedLabel: 0, modelVersion: "v1".padEnd(100, "x") });

  it("packs records into messages under 256 KiB, each record once, re-sending failed messages", async () => {
    // Prepare: SQS fails every third call
    let calls = 0;
    const bodies: string[] = [];
    sqs.on(SendMessageCommand).callsFake((input: SendMessageCommandInput) => {
      if (++calls % 3 === 0) throw Object.assign(new Error("throttled"), { name: "ThrottlingException", $metadata: { httpStatusCode: 400 } });
      bodies.push(input.MessageBody!);
      return { MessageId: String(calls) };
    });
    const lines = Array.from({ length: 6000 }, (_, i) => line(i));
    const clock = createManualClock();
    const sent: number[] = [];
    // Act
    const report = await deadLetterRecords(lines, lines.map((_, i) => i), {
      client: new SQSClient({}),
      queueUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/q",
      header,
      remainingMs: () => 10_000 - clock.now(),
      sleep: clock.sleep,
      onSent: (k) => sent.push(...k),
    });
    // Assess
    expect(report.failed).toEqual([]);
    expect(report.sent).toHaveLength(6000);
    expect(bodies.length).toBe(report.messages);
    expect(bodies.length).toBeGreaterThan(5);
    expect(bodies.every((b) => Buffer.byteLength(b) <= DEAD_LETTER_MAX_MESSAGE_BYTES)).toBe(true);
    const ids = bodies.flatMap((b) => deadLetterMessageSchema.parse(JSON.parse(b)).records.map((r) => r.transactionId));
    expect(ids.sort()).toEqual(lines.map((_, i) => `tx-${i}`).sort());
    expect(sent.sort((a, b) => a - b)).toEqual(report.sent);
  });

  it("reports what could not be queued when the queue refuses for good", async () => {
    sqs.on(SendMessageCommand).rejects(Object.assign(new Error("The specified queue does not exist."), { name: "QueueDoesNotExist", $metadata: { httpStatusCode: 400 } }));
    const report = await deadLetterRecords([line(0), line(1)], [0, 1], { client: new SQSClient({}), queueUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/q", header, remainingMs: () => 10_000 });
    expect(report).toMatchObject({ sent: [], failed: [0, 1], messages: 0, calls: 1, lastError: "QueueDoesNotExist: The specified queue does not exist." });
  });
});

describe("createDeliveryLedger", () => {
  it("remembers ids per event and forgets the oldest events past its bound", () => {
    const ledger = createDeliveryLedger({ maxIds: 5 });
    ledger.add("e1", ["a", "b", "c"]);
    ledger.add("e2", ["a", "b"]);
    expect(ledger.has("e1", "a")).toBe(true);
    expect(ledger.has("e2", "c")).toBe(false);
    ledger.add("e2", ["b", "c"]);
    expect(ledger.size).toBe(3);
    expect(ledger.has("e1", "a")).toBe(false);
    expect(ledger.has("e2", "c")).toBe(true);
  });

  it("keeps the current event even when it alone is over the bound", () => {
    const ledger = createDeliveryLedger({ maxIds: 2 });
    ledger.add("e1", ["a", "b", "c"]);
    expect(ledger.has("e1", "c")).toBe(true);
  });
});
