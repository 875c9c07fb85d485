/**
 * Stage 6: Firehose flushed, every GZIP object found by the stack's key layout (the prefix
 * expression of `@fraud/contracts`, Hive-style `year=…/month=…/day=…/hour=…/`) and read back, and
 * each transaction accounted for: delivered exactly once, or in the on-failure destination, or
 * refused to its HTTP caller — never nowhere.
 * @packageDocumentation
 */
import { readFile, readdir } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { gunzipSync } from "node:zlib";
import { evaluateFirehosePrefix, firehosePrefixExpressions, firehosePrefixPattern } from "@fraud/contracts";
import { scoredRecordSchema } from "@fraud/lambda-scorer/config";
import type { FirehoseServer } from "@fraud/local-aws";
import { runStage } from "../stages.js";
import type { Reporter, StageTimes } from "../stages.js";
import { rel } from "./data.js";
import { FIREHOSE_PREFIX } from "./serve.js";
import type { StreamResult } from "./stream.js";

/** How the stream's transactions ended up. @internal */
export interface DeliveryCheck {
  /** Distinct transactions in the GZIP objects. */
  delivered: number;
  /** Transactions found nowhere: not delivered, not dead-lettered, not refused to a caller. */
  lost: number;
  /** Extra copies in the GZIP objects. */
  duplicates: number;
  /** Transactions not delivered whose event is in the on-failure destination. */
  deadLettered: number;
  /** Transactions not delivered whose HTTP caller was told. */
  refused: number;
  /** GZIP objects written. */
  objects: number;
}

/**
 * The objects under the run's bucket directory, found as a reader on S3 finds them: every key the
 * stack's prefix expression gives, with its partition checked against the run's time window. An
 * object the stand-in wrote elsewhere, or one it reported and that is not there, is an error.
 */
export async function listDelivered(bucketDir: string, reported: readonly string[], window: { from: Date; to: Date }): Promise<string[]> {
  const expression = firehosePrefixExpressions(FIREHOSE_PREFIX).prefix;
  const pattern = firehosePrefixPattern(expression);
  const hours = new Set<string>();
  for (let t = window.from.getTime() - 3_600_000; t <= window.to.getTime() + 3_600_000; t += 3_600_000) hours.add(evaluateFirehosePrefix(expression, { timestamp: new Date(t) }));
  const keys: string[] = [];
  for (const entry of await readdir(bucketDir, { recursive: true, withFileTypes: true }).catch(() => [])) {
    if (!entry.isFile()) continue;
    const key = relative(bucketDir, join(entry.parentPath, entry.name)).split(sep).join("/");
    const m = pattern.exec(key);
    if (!m) throw new Error(`object ${key} is not under the stack's layout ${expression}`);
    if (![...hours].some((h) => key.startsWith(h))) throw new Error(`object ${key} is in a partition outside the run (${window.from.toISOString()} to ${window.to.toISOString()})`);
    keys.push(key);
  }
  const found = new Set(keys);
  const missing = reported.filter((k) => !found.has(k));
  if (missing.length > 0) throw new Error(`${missing.length} object(s) Firehose reported are not under ${rel(bucketDir)}, e.g. ${missing[0]}`);
  return keys.sort();
}

/**
 * Reads every output record (checked against the scorer's record schema) and counts each
 * transaction; a record id seen with two transactions, or the reverse, is an error.
 */
async function readDelivered(firehoseDir: string, keys: readonly string[]): Promise<{ seen: Map<string, number>; lines: number }> {
  const seen = new Map<string, number>();
  const idOf = new Map<string, string>();
  let lines = 0;
  for (const key of keys) {
    const text = gunzipSync(await readFile(join(firehoseDir, key))).toString("utf8");
    for (const line of text.split("\n")) {
      if (line === "") continue;
      lines++;
      const parsed = scoredRecordSchema.safeParse(JSON.parse(line));
      if (!parsed.success) throw new Error(`${key}: record ${lines} does not match the output schema: ${parsed.error.issues[0]?.message ?? ""}`);
      const { id, transactionId } = parsed.data;
      if ((idOf.get(transactionId) ?? id) !== id) throw new Error(`${key}: transaction ${transactionId} delivered under two record ids`);
      idOf.set(transactionId, id);
      seen.set(transactionId, (seen.get(transactionId) ?? 0) + 1);
    }
  }
  return { seen, lines };
}

/** Stage `deliver`: fails when any transaction was lost or duplicated. @internal */
export function checkDelivery(firehose: FirehoseServer, firehoseDir: string, streamed: StreamResult, reporter: Reporter, times: StageTimes, started: Date = new Date()): Promise<DeliveryCheck> {
  return runStage("deliver", reporter, times, "flushing Firehose and checking the GZIP objects", async () => {
    await firehose.flush();
    const keys = await listDelivered(firehoseDir, firehose.objects, { from: started, to: new Date() });
    const { seen, lines } = await readDelivered(firehoseDir, keys);
    const check: DeliveryCheck = { delivered: seen.size, lost: 0, duplicates: lines - seen.size, deadLettered: 0, refused: 0, objects: keys.length };
    for (const id of streamed.expected) {
      if (seen.has(id)) continue;
      if (streamed.deadLetteredIds.has(id)) check.deadLettered++;
      else if (streamed.refused.has(id)) check.refused++;
      else check.lost++;
    }
    if (check.lost > 0 || check.duplicates > 0) throw new Error(`${check.lost} transaction(s) lost and ${check.duplicates} duplicated in ${check.objects} object(s)`);
    const undelivered = check.deadLettered + check.refused > 0 ? `; ${check.deadLettered} in the on-failure destination, ${check.refused} refused to HTTP callers` : "";
    return [check, `${check.delivered} records in ${check.objects} GZIP object(s) → ${rel(join(firehoseDir, FIREHOSE_PREFIX))}, none lost, none duplicated${undelivered}`];
  });
}
