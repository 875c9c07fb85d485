/**
 * Transactions in: drawn from `@fraud/simulator` for a scheduled event (deterministically, from
 * the event id), or parsed and validated from an HTTP body.
 * @packageDocumentation
 */
import { createHash } from "node:crypto";
import { FEATURE_COUNT, V_COUNT, createTransactionSource, transactionFeatures } from "@fraud/simulator";
import type { LiveTransaction } from "@fraud/simulator";
import { MAX_JSON_DEPTH, parseJsonBounded } from "@fraud/contracts";
import * as z from "zod/mini";
import type { ScoringTransaction } from "./core.js";
import { ScorerError, quote } from "./errors.js";
import { describeIssue } from "./issues.js";

/** Most transactions one HTTP request may carry. @public */
export const MAX_HTTP_TRANSACTIONS = 1000;
/** Largest HTTP body accepted, in bytes (decoded). @public */
export const MAX_HTTP_BODY_BYTES = 1024 * 1024;

/** Turns a simulator transaction into a {@link ScoringTransaction}. @public */
export function fromLiveTransaction(t: LiveTransaction): ScoringTransaction {
  return { id: t.id, channel: t.channel, timestamp: t.timestamp, amount: t.amount, features: transactionFeatures(t) };
}

/**
 * The simulator seed of a scheduled event: the first 52 bits of SHA-256 of its id, so every event
 * draws its own transactions and a retried event draws the same ones.
 * @example
 * ```ts
 * eventSeed("5a1c…"); // the same integer every time, below 2 ** 52
 * ```
 * @public
 */
export function eventSeed(eventId: string): number {
  return parseInt(createHash("sha256").update(eventId).digest("hex").slice(0, 13), 16);
}

/**
 * Draws `count` transactions from the simulator. The same `seed` and `start` give the same
 * transactions (ids included), so a retried event regenerates identical records.
 *
 * @example
 * ```ts
 * const batch = drawTransactions(100, { seed: eventSeed(event.id), start: Date.parse(event.time) });
 * ```
 * @public
 */
export function drawTransactions(count: number, options: { seed: number; start?: number; fraudRate?: number | undefined }): ScoringTransaction[] {
  const source = createTransactionSource({
    seed: options.seed,
    ...(options.start !== undefined ? { start: options.start } : {}),
    ...(options.fraudRate !== undefined ? { fraudRate: options.fraudRate } : {}),
  });
  return source.take(count).map(fromLiveTransaction);
}

const ID = /^[A-Za-z0-9._:-]{1,128}$/;
const finite = z.number({ error: "must be a finite number" });
const common = {
  id: z.optional(z.string({ error: "must be a string" }).check(z.regex(ID, { error: "must be 1-128 characters of A-Z a-z 0-9 . _ : -" }))),
  channel: z.optional(z.literal(["Mobile", "Web", "Store"], { error: "must be Mobile, Web or Store" })),
  timestamp: z.optional(z.iso.datetime({ offset: true, error: "must be an ISO 8601 date-time" })),
};
const numbers = (n: number) => z.array(finite, { error: `must be an array of ${n} numbers` }).check(z.length(n, { error: `must have ${n} numbers` }));
const byFeatures = z.looseObject({ features: numbers(FEATURE_COUNT), ...common });
const bySimulator = z.looseObject({ time: finite, v: numbers(V_COUNT), amount: finite, ...common });

function simulatorFeatures(t: z.infer<typeof bySimulator>): number[] {
  return [t.time, ...t.v, t.amount];
}

function fail(message: string): never {
  throw new ScorerError("INVALID_ARGUMENT", message);
}

/** An id for a transaction sent without one: 32 hex digits of SHA-256 of its JSON, so a re-sent transaction keeps its id. */
function derivedId(value: unknown): string {
  return createHash("sha256").update(JSON.stringify(value)).digest("hex").slice(0, 32);
}

/**
 * Validates one transaction of an HTTP body. Accepted shapes: `{ "features": [30 numbers] }` or the
 * simulator's `{ "time", "v": [28 numbers], "amount" }`, each with optional `id` (default: derived
 * from the transaction's JSON, so re-sending it gives the same id), `channel`
 * (`Mobile`/`Web`/`Store`, default `Web`) and `timestamp` (ISO 8601, default now). Other fields
 * are ignored.
 * @throws {@link ScorerError} `INVALID_ARGUMENT` naming the transaction, the field and the value.
 * @example
 * ```ts
 * parseTransaction({ id: "tx-1", features: new Array(30).fill(0) }, 0).id; // "tx-1"
 * ```
 * @public
 */
export function parseTransaction(value: unknown, index: number, now: () => Date = () => new Date()): ScoringTransaction {
  const where = `transactions[${index}]`;
  if (typeof value !== "object" || value === null || Array.isArray(value)) fail(`${where} must be an object (got ${quote(value)})`);
  const useFeatures = "features" in value;
  if (!useFeatures && !("v" in value)) fail(`${where} needs "features" (${FEATURE_COUNT} numbers) or "time", "v" (${V_COUNT} numbers) and "amount"`);
  const parsed = useFeatures ? byFeatures.safeParse(value) : bySimulator.safeParse(value);
  if (!parsed.success) fail(describeIssue(where, parsed.error.issues[0]!, value));
  const t = parsed.data;
  const features = useFeatures ? (t as z.infer<typeof byFeatures>).features : simulatorFeatures(t as z.infer<typeof bySimulator>);
  return {
    id: t.id ?? derivedId(value),
    channel: t.channel ?? "Web",
    timestamp: new Date(t.timestamp ?? now()).toISOString(),
    amount: features[FEATURE_COUNT - 1]!,
    features,
  };
}

function transactionList(doc: unknown): unknown[] {
  if (Array.isArray(doc)) return doc;
  if (typeof doc !== "object" || doc === null) fail(`body must be a JSON object or array of transactions (got ${quote(doc)})`);
  if (!("transactions" in doc)) return [doc];
  const list = doc.transactions;
  if (!Array.isArray(list)) fail(`"transactions" must be an array (got ${quote(list)})`);
  return list;
}

/**
 * Parses and validates an HTTP request body: a JSON array of transactions, `{"transactions": […]}`
 * or a single transaction object; at most {@link MAX_HTTP_TRANSACTIONS} and
 * {@link MAX_HTTP_BODY_BYTES}, JSON nested at most 64 levels (checked in one linear pass before
 * parsing); transaction ids unique within the request.
 * @throws {@link ScorerError} `INVALID_ARGUMENT` with the reason.
 * @example
 * ```ts
 * const txs = parseTransactionsBody('{"transactions":[{"features":[0,1,2,…]}]}');
 * ```
 * @public
 */
export function parseTransactionsBody(body: string, now?: () => Date): ScoringTransaction[] {
  const bytes = Buffer.byteLength(body);
  if (bytes > MAX_HTTP_BODY_BYTES) fail(`body is ${bytes} bytes, the limit is ${MAX_HTTP_BODY_BYTES}`);
  if (body.trim() === "") fail("body is empty; send JSON transactions");
  let doc: unknown;
  try {
    doc = parseJsonBounded(body, { maxDepth: MAX_JSON_DEPTH });
  } catch (err) {
    const e = err as Error & { code?: string };
    if (e.code === "JSON_TOO_DEEP") fail(`body nests JSON deeper than ${MAX_JSON_DEPTH} levels`);
    fail(`body is not valid JSON: ${e.message.replace(/^invalid JSON: /, "").slice(0, 80)}`);
  }
  const list = transactionList(doc);
  if (list.length === 0) fail("no transactions in the body");
  if (list.length > MAX_HTTP_TRANSACTIONS) fail(`${list.length} transactions in one request, the limit is ${MAX_HTTP_TRANSACTIONS}`);
  const seen = new Map<string, number>();
  return list.map((v, i) => {
    const t = parseTransaction(v, i, now);
    const first = seen.get(t.id);
    if (first !== undefined) fail(`transactions[${i}] has the same id as transactions[${first}] (${quote(t.id)}); give each transaction its own id`);
    seen.set(t.id, i);
    return t;
  });
}
