/**
 * `@fraud/lambda-scorer/testing`: test doubles for code that runs as (or drives) the scorer Lambda.
 * No dependencies.
 * @packageDocumentation
 */
import type { LambdaContext } from "./context.js";

export type { LambdaContext } from "./context.js";

/** Options of {@link createFakeContext}. @public */
export interface FakeContextOptions {
  /** Function name. @defaultValue "fraud-scorer" */
  functionName?: string;
  /** Request id. @defaultValue "c6af9ac6-7b61-11e6-9a41-93e812345678" */
  awsRequestId?: string;
  /** The invocation's timeout: `getRemainingTimeInMillis()` starts here. @defaultValue 60000 */
  timeoutMs?: number;
  /** Clock in milliseconds the remaining time counts down with (tests pass a {@link ManualClock}'s `now`). @defaultValue performance.now */
  now?: () => number;
}

/**
 * A fake Lambda context whose `getRemainingTimeInMillis()` counts down from `timeoutMs` on the
 * given clock (never below 0), as the Lambda runtime's does.
 * @example
 * ```ts
 * const clock = createManualClock();
 * const context = createFakeContext({ timeoutMs: 10_000, now: clock.now });
 * clock.advance(4_000);
 * context.getRemainingTimeInMillis(); // 6000
 * ```
 * @public
 */
export function createFakeContext(options: FakeContextOptions = {}): LambdaContext {
  const name = options.functionName ?? "fraud-scorer";
  const now = options.now ?? (() => performance.now());
  const deadline = now() + (options.timeoutMs ?? 60_000);
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: name,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${name}`,
    memoryLimitInMB: "512",
    awsRequestId: options.awsRequestId ?? "c6af9ac6-7b61-11e6-9a41-93e812345678",
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: "2025/01/01/[$LATEST]0123456789abcdef0123456789abcdef",
    getRemainingTimeInMillis: () => Math.max(0, Math.round(deadline - now())),
  };
}

/** A clock that moves only when told to (see {@link createManualClock}). @public */
export interface ManualClock {
  /** Current time in milliseconds. */
  now(): number;
  /** Moves the clock forward. */
  advance(ms: number): void;
  /** A `sleep` that advances the clock by `ms` and resolves at once (inject it where code waits). */
  sleep(ms: number): Promise<void>;
}

/**
 * A manual clock for tests that must not race the wall clock: pass `now` to
 * {@link createFakeContext} and `sleep` to the code under test.
 * @example
 * ```ts
 * const clock = createManualClock();
 * await clock.sleep(250);
 * clock.now(); // 250
 * ```
 * @public
 */
export function createManualClock(start = 0): ManualClock {
  let t = start;
  return {
    now: () => t,
    advance(ms) {
      t += ms;
    },
    sleep(ms) {
      t += ms;
      return Promise.resolve();
    },
  };
}
