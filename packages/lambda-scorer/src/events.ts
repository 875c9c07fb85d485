/**
 * The events the handlers accept, as zod schemas: EventBridge scheduled events and Function URL /
 * API Gateway HTTP API (payload 2.0) requests.
 * @packageDocumentation
 */
import { MAX_JSON_DEPTH } from "@fraud/contracts";
import * as z from "zod/mini";
import { MAX_BATCH_SIZE } from "./config.js";
import { ScorerError, quote } from "./errors.js";
import { describeIssue } from "./issues.js";

/**
 * An EventBridge scheduled event (`rate(1 minute)`). `id` seeds the simulator, so a retried event
 * regenerates the same transactions; `time` is their clock origin; `detail.count` (1–10,000)
 * overrides `BATCH_SIZE`. Other fields are ignored.
 * @public
 */
export const scheduledEventSchema = z.looseObject({
  /** Unique event id. */
  id: z.string({ error: "must be a string" }).check(z.minLength(1, { error: "must not be empty" }), z.maxLength(256, { error: "must be at most 256 characters" })),
  /** Event time, ISO 8601. */
  time: z.iso.datetime({ offset: true, error: "must be an ISO 8601 date-time" }),
  /** Optional overrides. */
  detail: z.optional(
    z.looseObject(
      {
        /** Transactions to draw instead of `BATCH_SIZE`. */
        count: z.optional(
          z.int({ error: `must be an integer from 1 to ${MAX_BATCH_SIZE}` }).check(z.gte(1, { error: `must be an integer from 1 to ${MAX_BATCH_SIZE}` }), z.lte(MAX_BATCH_SIZE, { error: `must be an integer from 1 to ${MAX_BATCH_SIZE}` })),
        ),
      },
      { error: "must be an object" },
    ),
  ),
});

/** A validated scheduled event. @public */
export type ScheduledEvent = z.infer<typeof scheduledEventSchema>;

/**
 * A Function URL / API Gateway HTTP API (payload 2.0) request; the fields the handler reads.
 * @public
 */
export const httpEventSchema = z.looseObject({
  /** Request body. */
  body: z.nullish(z.string({ error: "must be a string" })),
  /** Whether `body` is base64. */
  isBase64Encoded: z.optional(z.boolean({ error: "must be a boolean" })),
  /** Request headers (lower-case names). */
  headers: z.nullish(z.record(z.string(), z.optional(z.string()), { error: "must be an object of strings" })),
  /** Request context; `http.method` is checked. */
  requestContext: z.optional(
    z.looseObject(
      {
        /** HTTP details. */
        http: z.optional(
          z.looseObject(
            {
              /** Request method. */
              method: z.optional(z.string({ error: "must be a string" })),
            },
            { error: "must be an object" },
          ),
        ),
      },
      { error: "must be an object" },
    ),
  ),
});

/** A validated HTTP request. @public */
export type HttpEvent = z.infer<typeof httpEventSchema>;

/**
 * Deepest nesting of objects and arrays accepted in an event (the event itself is level 1): 64,
 * as for every JSON the packages read. Checked without recursion before any validation, so no
 * field, however deep, reaches a recursive walk or an error message.
 * @public
 */
export const MAX_EVENT_DEPTH = MAX_JSON_DEPTH;

/** Whether objects and arrays nest deeper than `limit` in `value`: an explicit stack, each object visited once. */
function nestedDeeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  const seen = new Set<object>();
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== "object" || v === null || seen.has(v)) continue;
    if (depth > limit) return true;
    seen.add(v);
    for (const child of Object.values(v)) if (typeof child === "object" && child !== null) stack.push([child, depth + 1]);
  }
  return false;
}

function parseWith<T>(schema: z.ZodMiniType<T>, name: string, event: unknown): T {
  if (typeof event !== "object" || event === null || Array.isArray(event)) {
    throw new ScorerError("INVALID_ARGUMENT", `${name} must be an object (got ${quote(event)})`);
  }
  let deep: boolean;
  try {
    deep = nestedDeeperThan(event, MAX_EVENT_DEPTH);
  } catch (err) {
    throw new ScorerError("INVALID_ARGUMENT", `${name} cannot be read (${String((err as Error)?.message ?? err).slice(0, 80)})`, { cause: err });
  }
  if (deep) throw new ScorerError("INVALID_ARGUMENT", `${name} nests objects or arrays deeper than ${MAX_EVENT_DEPTH} levels`);
  const parsed = schema.safeParse(event);
  if (!parsed.success) throw new ScorerError("INVALID_ARGUMENT", describeIssue(name, parsed.error.issues[0]!, event));
  return parsed.data;
}

/**
 * Validates a scheduled event.
 * @throws {@link ScorerError} `INVALID_ARGUMENT` naming the field and quoting the value.
 * @example
 * ```ts
 * parseScheduledEvent({ id: "5a1c…", time: "2025-06-01T12:00:00Z", detail: {} });
 * ```
 * @public
 */
export function parseScheduledEvent(event: unknown): ScheduledEvent {
  return parseWith(scheduledEventSchema, "event", event);
}

/**
 * Validates an HTTP request event.
 * @throws {@link ScorerError} `INVALID_ARGUMENT` naming the field and quoting the value.
 * @example
 * ```ts
 * parseHttpEvent({ requestContext: { http: { method: "POST" } }, body: "[]" });
 * ```
 * @public
 */
export function parseHttpEvent(event: unknown): HttpEvent {
  return parseWith(httpEventSchema, "event", event);
}
