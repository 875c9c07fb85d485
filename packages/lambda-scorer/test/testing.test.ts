import { describe, expect, it } from "vitest";
import { createFakeContext, createManualClock } from "@fraud/lambda-scorer/testing";

describe("createFakeContext", () => {
  it("counts the remaining time down on the given clock, never below 0", async () => {
    // Prepare
    const clock = createManualClock(1_000);
    const context = createFakeContext({ timeoutMs: 10_000, now: clock.now, functionName: "scorer-http" });
    // Act
    clock.advance(4_000);
    const afterAdvance = context.getRemainingTimeInMillis();
    await clock.sleep(5_500);
    const afterSleep = context.getRemainingTimeInMillis();
    clock.advance(1_000);
    // Assess
    expect(afterAdvance).toBe(6_000);
    expect(afterSleep).toBe(500);
    expect(context.getRemainingTimeInMillis()).toBe(0);
    expect(context).toMatchObject({ functionName: "scorer-http", logGroupName: "/aws/lambda/scorer-http", invokedFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:scorer-http" });
  });

  it("defaults to a 60 s invocation on the real clock", () => {
    const remaining = createFakeContext().getRemainingTimeInMillis();
    expect(remaining).toBeGreaterThan(0);
    expect(remaining).toBeLessThanOrEqual(60_000);
  });
});
