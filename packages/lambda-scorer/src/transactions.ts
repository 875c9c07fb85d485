/**
 * Transactions in: drawn from `@fraud/simulator` (scheduled handler) or parsed and validated from
 * an HTTP body.
 * @packageDocumentation
 */
import { randomUUID } from "node:crypto";
import { FEATURE_COUNT, V_COUNT, createTransactionSource, transactionFeatures } from "@fraud/simulator";
import type { LiveTransaction } from "@fraud/simulator";
import type { ScoringTransaction } from "./core.js";
import { ScorerError } from "./errors.js";

/** Most transactions one HTTP request may carry. @public */
export const MAX_HTTP_TRANSACTIONS = 1000;
/** Largest HTTP body accepted, in bytes (decoded). @public */
export const MAX_HTTP_BODY_BYTES = 1024 * 1024;
const CHANNELS = new Set(["Mobile", "Web", "Store"]);
const ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Turns a simulator transaction into a {@link ScoringTransaction}. @public */
export function fromLiveTransaction(t: LiveTransaction): ScoringTransaction {
  return { id: t.id, channel: t.channel, timestamp: t.timestamp, amount: t.amount, features: transactionFeatures(t) };
}

/** The simulator seed the scheduled handler derives from an event id (32-bit FNV-1a). @public */
export function eventSeed(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Draws `count` transactions from the simulator. The same `seed` and `start` give the same
 * transactions (ids included), so a retried event re-sends identical records.
 *
 * @example
 * ```ts
 * const batch = drawTransactions(100, { seed: 42, start: Date.parse("2025-01-01T00:00:00Z") });
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

function fail(message: string): never {
  throw new ScorerError("INVALID_ARGUMENT", message);
}

function finiteArray(value: unknown, length: number, where: string): number[] {
  if (!Array.isArray(value)) fail(`${where} must be an array of ${length} numbers`);
  if (value.length !== length) fail(`${where} must have ${length} numbers, got ${value.length}`);
  value.forEach((v: unknown, j) => {
    if (typeof v !== "number" || !Number.isFinite(v)) fail(`${where}[${j}] must be a finite number, got ${JSON.stringify(v) ?? String(v)}`);
  });
  return value as number[];
}

/**
 * Validates one transaction of an HTTP body. Accepted shapes: `{ "features": [30 numbers] }` or the
 * simulator's `{ "time", "v": [28 numbers], "amount" }`, each with optional `id`, `channel`
 * (`Mobile`/`Web`/`Store`, default `Web`) and `timestamp` (ISO 8601, default now).
 * @throws {@link ScorerError} `INVALID_INPUT` naming the transaction and field.
 * @public
 */
export function parseTransaction(value: unknown, index: number, now: () => Date = () => new Date()): ScoringTransaction {
  const where = `transactions[${index}]`;
  if (typeof value !== "object" || value === null || Array.isArray(value)) fail(`${where} must be an object`);
  const o = value as Record<string, unknown>;
  let features: number[];
  if ("features" in o) {
    features = finiteArray(o["features"], FEATURE_COUNT, `${where}.features`);
  } else if ("v" in o) {
    const v = finiteArray(o["v"], V_COUNT, `${where}.v`);
    for (const k of ["time", "amount"]) {
      if (typeof o[k] !== "number" || !Number.isFinite(o[k])) fail(`${where}.${k} must be a finite number, got ${JSON.stringify(o[k]) ?? "nothing"}`);
    }
    features = [o["time"] as number, ...v, o["amount"] as number];
  } else {
    fail(`${where} needs "features" (${FEATURE_COUNT} numbers) or "time", "v" (${V_COUNT} numbers) and "amount"`);
  }
  let id: string;
  if (o["id"] === undefined) id = randomUUID();
  else if (typeof o["id"] === "string" && ID.test(o["id"])) id = o["id"];
  else fail(`${where}.id must be 1-128 characters of A-Z a-z 0-9 . _ : -, got ${JSON.stringify(o["id"])}`);
  let channel = "Web";
  if (o["channel"] !== undefined) {
    if (typeof o["channel"] !== "string" || !CHANNELS.has(o["channel"])) fail(`${where}.channel must be Mobile, Web or Store, got ${JSON.stringify(o["channel"])}`);
    channel = o["channel"];
  }
  let timestamp: string;
  if (o["timestamp"] === undefined) timestamp = now().toISOString();
  else {
    const ts = o["timestamp"];
    const ms = typeof ts === "string" && /^\d{4}-\d{2}-\d{2}T/.test(ts) ? Date.parse(ts) : NaN;
    if (Number.isNaN(ms)) fail(`${where}.timestamp must be an ISO 8601 date-time, got ${JSON.stringify(ts)}`);
    timestamp = new Date(ms).toISOString();
  }
  return { id, channel, timestamp, amount: features[FEATURE_COUNT - 1]!, features };
}

/**
 * Parses and validates an HTTP request body: a JSON array of transactions, `{"transactions": […]}`
 * or a single transaction object; at most {@link MAX_HTTP_TRANSACTIONS} and
 * {@link MAX_HTTP_BODY_BYTES}.
 * @throws {@link ScorerError} `INVALID_INPUT` with the reason.
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
    doc = JSON.parse(body);
  } catch (err) {
    fail(`body is not valid JSON: ${(err as Error).message}`);
  }
  let list: unknown[];
  if (Array.isArray(doc)) list = doc;
  else if (typeof doc === "object" && doc !== null && "transactions" in doc) {
    const t = (doc as { transactions: unknown }).transactions;
    if (!Array.isArray(t)) fail('"transactions" must be an array');
    list = t;
  } else if (typeof doc === "object" && doc !== null) list = [doc];
  else fail("body must be a JSON object or array of transactions");
  if (list.length === 0) fail("no transactions in the body");
  if (list.length > MAX_HTTP_TRANSACTIONS) fail(`${list.length} transactions in one request, the limit is ${MAX_HTTP_TRANSACTIONS}`);
  return list.map((v, i) => parseTransaction(v, i, now));
}
