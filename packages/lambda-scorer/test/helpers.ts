import type { LambdaContext } from "@fraud/lambda-scorer";

/** A fake Lambda context, as Powertools' testing package provides. */
export function fakeContext(name = "fraud-scorer"): LambdaContext & Record<string, unknown> {
  return {
    awsRequestId: "c6af9ac6-7b61-11e6-9a41-93e812345678",
    functionName: name,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${name}`,
    memoryLimitInMB: "512",
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: "2025/01/01/[$LATEST]abcdef",
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** 30 features for transaction i. */
export function features(i: number): number[] {
  return Array.from({ length: 30 }, (_, j) => ((i * 7 + j * 3) % 11) / 4 - 1);
}
