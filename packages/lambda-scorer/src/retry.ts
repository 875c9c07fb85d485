/**
 * The one retry loop of the package: rounds of work separated by exponential back-off with full
 * jitter, bounded by a time budget rather than a fixed count. Firehose delivery and dead-lettering
 * both run on it.
 * @packageDocumentation
 */
import { setTimeout as delay } from "node:timers/promises";

/** How {@link retryRounds} waits and when it stops. @public */
export interface RetryPolicy {
  /**
   * Milliseconds still available for work; no back-off wait is started that would end past it.
   * The handlers pass the invocation's remaining time minus the safety margin.
   */
  remainingMs: () => number;
  /**
   * Base of the back-off: the wait before round n+1 is a random time in [1, min(maxDelayMs, baseDelayMs·2ⁿ)) ms.
   * @defaultValue 50
   */
  baseDelayMs?: number;
  /**
   * Cap of one back-off wait.
   * @defaultValue 2000
   */
  maxDelayMs?: number;
  /** Random source in [0, 1) for the jitter (jitter needs no reproducibility; tests inject it). @defaultValue Math.random */
  random?: () => number;
  /** Sleep (tests inject a manual clock's). @defaultValue `setTimeout` from `node:timers/promises` */
  sleep?: (ms: number) => Promise<void>;
}

/** What one round reports: how many items are still pending after it. @public */
export interface RoundResult {
  /** Items the round could not finish; 0 ends the loop. */
  pending: number;
  /** The round hit an error retrying cannot fix: stop now. @defaultValue false */
  stop?: boolean;
}

/** What {@link retryRounds} did. @public */
export interface RetryOutcome {
  /** Rounds run (1 = no retry). */
  rounds: number;
  /** Items still pending when it stopped (0 = everything done). */
  pending: number;
  /** Why it stopped with items pending: the budget ran out, or a round asked to stop. */
  stoppedBy?: "deadline" | "fatal";
}

/**
 * Runs `round(n)` (n = 1, 2, …) until a round leaves nothing pending, a round asks to stop, or the
 * next back-off wait would not end within the budget. The first round always runs.
 *
 * @example
 * ```ts
 * let left = 5;
 * const outcome = await retryRounds(async () => ({ pending: (left = Math.max(0, left - 2)) }), {
 *   remainingMs: () => context.getRemainingTimeInMillis() - 5_000,
 * });
 * ```
 * @public
 */
export async function retryRounds(
  round: (n: number) => Promise<RoundResult>,
  policy: RetryPolicy,
  onRetry?: (info: { round: number; pending: number; delayMs: number }) => void,
): Promise<RetryOutcome> {
  const base = policy.baseDelayMs ?? 50;
  const cap = policy.maxDelayMs ?? 2000;
  // back-off jitter, not data: no seed wanted
  const random = policy.random ?? Math.random;
  const sleep = policy.sleep ?? ((ms: number) => delay(ms));
  for (let n = 1; ; n++) {
    const { pending, stop } = await round(n);
    if (pending === 0) return { rounds: n, pending };
    if (stop) return { rounds: n, pending, stoppedBy: "fatal" };
    // at least 1 ms, so a loop on a manual clock always makes progress towards the deadline
    const delayMs = Math.max(1, random() * Math.min(cap, base * 2 ** n));
    if (policy.remainingMs() - delayMs <= 0) return { rounds: n, pending, stoppedBy: "deadline" };
    onRetry?.({ round: n, pending, delayMs });
    await sleep(delayMs);
  }
}
