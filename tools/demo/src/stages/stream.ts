/**
 * Stage 5: the stream through the bundled Lambda, as AWS drives it — scheduled events (the
 * original's `rate(1 minute)` trigger, asynchronous: retried, then dead-lettered) and HTTP requests
 * with Poisson arrivals (clients re-sending on 5xx only what was not delivered).
 * @packageDocumentation
 */
import { drawTransactions, eventSeed } from "@fraud/lambda-scorer";
import { DEFAULT_FRAUD_RATE, transactionStream } from "@fraud/simulator";
import type { LiveTransaction } from "@fraud/simulator";
import { invokeAsync, postTransactions } from "../invoke.js";
import type { LambdaHost } from "../lambda-host.js";
import type { OnFailureDestination } from "../on-failure.js";
import type { ResolvedOptions } from "../options.js";
import { runStage } from "../stages.js";
import type { Reporter, StageTimes } from "../stages.js";

/** What the stream sent and what the function and its callers saw. @internal */
export interface StreamResult {
  /** Every transaction id sent, each once. */
  expected: Set<string>;
  /** Ids of transactions the callers know were not delivered (HTTP clients that gave up). */
  refused: Set<string>;
  /** Ids of the transactions of scheduled events sent to the on-failure destination. */
  deadLetteredIds: Set<string>;
  /** Transactions sent. */
  sent: number;
  /** Transactions the function flagged (in successful answers). */
  flagged: number;
  /** Transactions the anomaly detector flagged (in successful answers). */
  anomalous: number;
  /** Scheduled events. */
  scheduledInvocations: number;
  /** Lambda's retries of failed scheduled events. */
  asyncRetries: number;
  /** Scheduled events sent to the on-failure destination. */
  deadLettered: number;
  /** HTTP requests, re-sends included. */
  httpRequests: number;
  /** Transactions re-sent by HTTP clients after 5xx answers. */
  resent: number;
  /** Records the function itself re-sent to Firehose after partial failures (as it reports them). */
  firehoseRetries: number;
  /** Wall seconds of the stage. */
  seconds: number;
  /** Handler milliseconds of every invocation, sorted. */
  latencies: number[];
}

/** When the demo's scheduled events fire (fixed, so runs are reproducible). */
const T0 = Date.parse("2026-01-01T00:00:00Z");
/** The HTTP stream posts what arrived in each window of this many milliseconds as one request. */
const WINDOW_MS = 20;

async function scheduledEvents(o: ResolvedOptions, host: LambdaHost, dlq: OnFailureDestination, count: number, r: StreamResult, tick: () => void): Promise<void> {
  for (let left = count, i = 0; left > 0; i++) {
    const n = Math.min(o.batchSize, left);
    const event = { id: `demo-${o.seed}-${i}`, time: new Date(T0 + i * 60_000).toISOString(), "detail-type": "Scheduled Event", source: "aws.events", detail: { count: n } };
    const ids = drawTransactions(n, { seed: eventSeed(event.id), start: Date.parse(event.time), fraudRate: DEFAULT_FRAUD_RATE }).map((t) => t.id);
    for (const id of ids) r.expected.add(id);
    const outcome = await invokeAsync<{ flagged: number; anomalous?: number; retried?: number }>(host, "scheduled", event, { destination: dlq });
    r.scheduledInvocations++;
    r.asyncRetries += outcome.attempts - 1;
    r.latencies.push(...outcome.ms);
    if (outcome.result) {
      r.flagged += outcome.result.value!.flagged;
      r.anomalous += outcome.result.value!.anomalous ?? 0;
      r.firehoseRetries += outcome.result.value!.retried ?? 0;
    } else {
      r.deadLettered++;
      for (const id of ids) r.deadLetteredIds.add(id);
    }
    r.sent += n;
    left -= n;
    tick();
  }
}

async function httpStream(o: ResolvedOptions, host: LambdaHost, count: number, r: StreamResult, tick: () => void): Promise<void> {
  const post = async (batch: LiveTransaction[]): Promise<void> => {
    for (const t of batch) r.expected.add(t.id);
    const outcome = await postTransactions(host, batch);
    if (outcome.clientError) throw new Error(`the function refused a request: ${outcome.clientError}`);
    r.httpRequests += outcome.requests;
    r.resent += outcome.resent;
    r.flagged += outcome.flagged;
    r.anomalous += outcome.anomalous;
    r.firehoseRetries += outcome.firehoseRetries;
    r.latencies.push(...outcome.ms);
    for (const id of outcome.undelivered) r.refused.add(id);
    r.sent += batch.length;
    tick();
  };
  let batch: LiveTransaction[] = [];
  let windowEnd = performance.now() + WINDOW_MS;
  for await (const t of transactionStream({ rate: o.rate, count, seed: o.seed + 1, start: T0 })) {
    batch.push(t);
    if (performance.now() >= windowEnd || batch.length >= 500) {
      await post(batch);
      batch = [];
      windowEnd = performance.now() + WINDOW_MS;
    }
  }
  if (batch.length > 0) await post(batch);
}

/** Stage `stream`: half the transactions through scheduled events, half through HTTP. @internal */
export function streamTransactions(o: ResolvedOptions, host: LambdaHost, dlq: OnFailureDestination, reporter: Reporter, times: StageTimes): Promise<StreamResult> {
  return runStage("stream", reporter, times, `streaming ${o.transactions} transactions through the bundled Lambda`, async () => {
    const r: StreamResult = { expected: new Set(), refused: new Set(), deadLetteredIds: new Set(), sent: 0, flagged: 0, anomalous: 0, scheduledInvocations: 0, asyncRetries: 0, deadLettered: 0, httpRequests: 0, resent: 0, firehoseRetries: 0, seconds: 0, latencies: [] };
    const tick = (): void => reporter.progress("stream", r.sent, o.transactions);
    const started = performance.now();
    const scheduled = Math.floor(o.transactions / 2);
    await scheduledEvents(o, host, dlq, scheduled, r, tick);
    await httpStream(o, host, o.transactions - scheduled, r, tick);
    r.seconds = (performance.now() - started) / 1000;
    r.latencies.sort((a, b) => a - b);
    const retries = r.asyncRetries + r.resent > 0 ? `, ${r.asyncRetries} Lambda retries, ${r.resent} re-sent by clients` : "";
    const failed = r.deadLettered + r.refused.size > 0 ? `, ${r.deadLettered} event(s) to the on-failure destination, ${r.refused.size} refused to HTTP callers` : "";
    const line = `${r.sent} sent in ${r.scheduledInvocations} scheduled + ${r.httpRequests} HTTP invocations, ${r.flagged} flagged, ${r.anomalous} anomalous, ${(r.sent / r.seconds).toFixed(0)}/s${retries}${failed}`;
    return [r, line];
  });
}
