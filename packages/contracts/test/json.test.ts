import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { JsonError, jsonContainers, jsonDepth, parseJsonBounded } from "@fraud/contracts";

describe("parseJsonBounded", () => {
  it.each([
    { text: "1", depth: 0 },
    { text: "[]", depth: 1 },
    { text: '{"a":[1,{"b":[]}]}', depth: 4 },
    { text: '["[[[[", "\\"[["]', depth: 1 },
  ])("depth of $text is $depth", ({ text, depth }) => {
    expect(jsonDepth(text)).toBe(depth);
  });

  it.each([
    { text: "[".repeat(5000) + "]".repeat(5000), code: "JSON_TOO_DEEP", message: "JSON nested deeper than 64 levels" },
    { text: '{"a":', code: "JSON_INVALID" },
  ])("refuses $code", ({ text, code, message }) => {
    let err: unknown;
    try {
      parseJsonBounded(text);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(JsonError);
    expect((err as JsonError).code).toBe(code);
    if (message) expect((err as JsonError).message).toBe(message);
  });

  it("refuses text over maxLength", () => {
    expect(() => parseJsonBounded("[1,2,3]", { maxLength: 3 })).toThrow("JSON text of 7 characters is over the limit of 3");
  });

  it("parses whatever JSON.parse parses, within the depth", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 10 }), (v) => {
        const text = JSON.stringify(v);
        expect(parseJsonBounded(text)).toEqual(JSON.parse(text));
      }),
    );
  });
});

describe("jsonContainers", () => {
  it.each([
    { text: "1", count: 0 },
    { text: '{"instances":[{"features":[1]}]}', count: 4 },
    { text: '["{[", {"a": "]}"}]', count: 2 },
    { text: "[]".repeat(1000), count: 1000 },
  ])("$text holds $count containers", ({ text, count }) => {
    expect(jsonContainers(text)).toBe(count);
  });

  it("stops one past the limit", () => {
    expect(jsonContainers("[]".repeat(1000), 10)).toBe(11);
  });

  it("counts what JSON.parse would build", () => {
    const count = (v: unknown): number => (Array.isArray(v) ? 1 + v.reduce((n: number, x) => n + count(x), 0) : typeof v === "object" && v !== null ? 1 + Object.values(v).reduce((n: number, x) => n + count(x), 0) : 0);
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (v) => {
        expect(jsonContainers(JSON.stringify(v))).toBe(count(v));
      }),
    );
  });
});
