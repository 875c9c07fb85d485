// Hostile requests and events: deeply nested JSON in the body and in every event field, and
// arbitrary JSON. The HTTP handler answers 4xx with a reason; the scheduled handler throws
// ScorerError INVALID_ARGUMENT; neither throws anything else (no RangeError).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_EVENT_DEPTH, isScorerError, parseTransactionsBody } from "@fraud/lambda-scorer";
import { createHarness, post, scheduledEvent } from "./scorer-harness.js";

/** `depth` levels of arrays (or objects under key "a") around `leaf`, built without recursion. */
function nest(depth: number, kind: "array" | "object", leaf: unknown = 1): unknown {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = kind === "array" ? [v] : { a: v };
  return v;
}

const deepText = (depth: number): string => "[".repeat(depth) + "]".repeat(depth);

function reason(res: { body: string }): { message: string; code?: string } {
  return JSON.parse(res.body) as { message: string; code?: string };
}

describe("http handler: deeply nested bodies", () => {
  it.each([
    { name: "[×5000 ]×5000 (the 10 KB crash)", body: deepText(5000), message: "body nests JSON deeper than 64 levels" },
    { name: "[×65 ]×65", body: deepText(65), message: "body nests JSON deeper than 64 levels" },
    { name: "objects 100,000 deep", body: '{"a":'.repeat(100_000) + "1" + "}".repeat(100_000), message: "body nests JSON deeper than 64 levels" },
    { name: "deep under transactions", body: JSON.stringify({ transactions: [{ features: nest(200, "array") }] }), message: "body nests JSON deeper than 64 levels" },
    { name: "unterminated 500,000 deep", body: "[".repeat(500_000), message: "body nests JSON deeper than 64 levels" },
  ])("answers 400 to $name", async ({ body, message }) => {
    // Prepare
    const h = createHarness();
    // Act
    const res = await h.handlers.http(post(body), h.context());
    // Assess
    expect(res.statusCode).toBe(400);
    expect(reason(res)).toEqual({ message, code: "INVALID_ARGUMENT" });
  });

  it("accepts 64 levels of nesting as far as the JSON reader goes (then refuses the shape)", () => {
    expect(() => parseTransactionsBody(deepText(64))).toThrow(/^transactions\[0\] must be an object/);
  });
});

const FIELDS = ["id", "time", "detail", "detail.count", "body", "headers", "headers.content-type", "isBase64Encoded", "requestContext", "requestContext.http", "requestContext.http.method", "extra"] as const;

/** Sets `path` (dotted) in a copy of `event` to `value`. */
function withField(event: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const out = structuredClone(event);
  const keys = path.split(".");
  let o = out;
  for (const k of keys.slice(0, -1)) {
    if (typeof o[k] !== "object" || o[k] === null) o[k] = {};
    o = o[k] as Record<string, unknown>;
  }
  o[keys.at(-1)!] = value;
  return out;
}

describe("deeply nested event fields", () => {
  const cases = FIELDS.flatMap((field) => [
    { field, kind: "array" as const, depth: 5000 },
    { field, kind: "object" as const, depth: 5000 },
  ]);

  it.each(cases)("http: $field as $kind $depth deep → 400", async ({ field, kind, depth }) => {
    const h = createHarness();
    const res = await h.handlers.http(withField(post("[]"), field, nest(depth, kind)), h.context());
    expect(res.statusCode).toBe(400);
    expect(reason(res)).toEqual({ message: `event nests objects or arrays deeper than ${MAX_EVENT_DEPTH} levels`, code: "INVALID_ARGUMENT" });
  });

  it.each(cases)("scheduled: $field as $kind $depth deep → INVALID_ARGUMENT", async ({ field, kind, depth }) => {
    const h = createHarness();
    const err = await h.handlers.scheduled(withField(scheduledEvent(1), field, nest(depth, kind)), h.context()).catch((e: unknown) => e);
    expect(isScorerError(err, "INVALID_ARGUMENT"), String(err)).toBe(true);
    expect((err as Error).message).toBe(`event nests objects or arrays deeper than ${MAX_EVENT_DEPTH} levels`);
  });
});

/** A value nested `depth` deep in arrays or objects, with an arbitrary leaf. */
const deepValue = fc.tuple(fc.integer({ min: MAX_EVENT_DEPTH, max: 3000 }), fc.constantFrom("array" as const, "object" as const), fc.jsonValue({ maxDepth: 2 })).map(([d, k, leaf]) => nest(d, k, leaf));

describe("properties", () => {
  it("any JSON body gets a 4xx with a reason, never an exception", async () => {
    const h = createHarness();
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.json({ maxDepth: 6 }), deepValue.map((v) => JSON.stringify(v)), fc.string()), async (body) => {
        const res = await h.handlers.http(post(body), h.context());
        expect(res.statusCode).toBeGreaterThanOrEqual(400);
        expect(res.statusCode).toBeLessThan(500);
        expect(reason(res).message.length).toBeGreaterThan(0);
      }),
      { numRuns: 150 },
    );
  });

  it("any value in any event field: http answers 4xx, scheduled throws only INVALID_ARGUMENT", async () => {
    const h = createHarness();
    const value = fc.oneof(fc.anything({ maxDepth: 4 }), deepValue);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...FIELDS), value, async (field, v) => {
        const res = await h.handlers.http(withField(post("[]"), field, v), h.context());
        expect(res.statusCode).toBeGreaterThanOrEqual(400);
        expect(res.statusCode).toBeLessThan(500);
        const err = await h.handlers.scheduled(withField(scheduledEvent(2, { count: 1 }), field, v), h.context()).then(
          () => undefined,
          (e: unknown) => e,
        );
        if (err !== undefined) expect(isScorerError(err, "INVALID_ARGUMENT"), String(err)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});
