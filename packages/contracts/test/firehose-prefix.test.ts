import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  FIREHOSE_DATE_PARTITIONS,
  FIREHOSE_PREFIX_DEFAULTS,
  evaluateFirehosePrefix,
  firehoseObjectName,
  firehosePrefixExpressions,
  firehosePrefixPattern,
  isContractError,
} from "@fraud/contracts";

const stack = firehosePrefixExpressions();

describe("firehosePrefixExpressions", () => {
  it("gives the stack's Hive-style prefix and error-output prefix", () => {
    expect(stack).toEqual({
      prefix: "fraud-detection/firehose/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/",
      errorOutputPrefix: "fraud-detection/firehose-errors/!{firehose:error-output-type}/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/",
    });
    expect(firehosePrefixExpressions(FIREHOSE_PREFIX_DEFAULTS.prefix, FIREHOSE_PREFIX_DEFAULTS.errorPrefix)).toEqual(stack);
    expect(stack.prefix.endsWith(FIREHOSE_DATE_PARTITIONS)).toBe(true);
  });

  it.each([
    ["out", "err/", 'firehose prefix "out" must be a key prefix ending with "/" and without expressions'],
    ["out/", "err/!{timestamp:yyyy}/", 'firehose error prefix "err/!{timestamp:yyyy}/" must be a key prefix ending with "/" and without expressions'],
  ])("refuses %s / %s", (prefix, errorPrefix, message) => {
    expect(() => firehosePrefixExpressions(prefix, errorPrefix)).toThrow(message);
  });
});

describe("evaluateFirehosePrefix", () => {
  it.each([
    [stack.prefix, {}, "fraud-detection/firehose/year=2026/month=03/day=04/hour=05/"],
    [stack.errorOutputPrefix, { errorOutputType: "processing-failed" }, "fraud-detection/firehose-errors/processing-failed/year=2026/month=03/day=04/hour=05/"],
    ["a/!{timestamp:yyyy/MM/dd/HH/}", {}, "a/2026/03/04/05/"],
    ["!{timestamp:yy-M-d H:mm:ss}", {}, "26-3-4 5:06:07"],
    ["!{timestamp:'y='yyyy''}", {}, "y=2026'"],
    ["plain/", {}, "plain/"],
    ["r/!{firehose:random-string}/", { randomString: () => "abcdefghijk" }, "r/abcdefghijk/"],
  ])("%s", (expression, extra, key) => {
    expect(evaluateFirehosePrefix(expression, { timestamp: new Date("2026-03-04T05:06:07.890Z"), ...extra })).toBe(key);
  });

  it.each([
    ["a/!{timestamp:yyyy", "unclosed expression at character 3"],
    ["a/!{partitionKeyFromQuery:id}/", 'unsupported expression "!{partitionKeyFromQuery:id}"'],
    ["a/!{timestamp:}/", 'unsupported expression "!{timestamp:}"'],
    ["a/!{timestamp:EEE}/", 'unsupported timestamp pattern "EEE"'],
    ["a/!{timestamp:yyy}/", 'unsupported timestamp pattern "yyy"'],
    ["a/!{timestamp:'yyyy}/", "unterminated quote"],
    [stack.errorOutputPrefix, "!{firehose:error-output-type} is only evaluated for an error output"],
    ["!{firehose:random-string}", "needs a random-string source"],
  ])("refuses %s with INVALID_ARGUMENT", (expression, message) => {
    let caught: unknown;
    try {
      evaluateFirehosePrefix(expression, { timestamp: new Date(0) });
    } catch (err) {
      caught = err;
    }
    expect(isContractError(caught, "INVALID_ARGUMENT")).toBe(true);
    expect((caught as Error).message).toContain(message);
  });

  it("refuses an invalid timestamp", () => {
    expect(() => evaluateFirehosePrefix(stack.prefix, { timestamp: new Date(Number.NaN) })).toThrow("timestamp must be a valid Date");
  });

  it("agrees with the UTC calendar, and its keys read back by firehosePrefixPattern (property)", () => {
    const pattern = firehosePrefixPattern(stack.prefix);
    fc.assert(
      fc.property(fc.date({ min: new Date("1970-01-01T00:00:00Z"), max: new Date("9999-12-31T23:59:59Z"), noInvalidDate: true }), (t) => {
        const key = evaluateFirehosePrefix(stack.prefix, { timestamp: t });
        const iso = t.toISOString();
        expect(key).toBe(`fraud-detection/firehose/year=${iso.slice(0, 4)}/month=${iso.slice(5, 7)}/day=${iso.slice(8, 10)}/hour=${iso.slice(11, 13)}/`);
        const g = pattern.exec(`${key}s-1-x.gz`)?.groups;
        expect(g).toEqual({ year: iso.slice(0, 4), month: iso.slice(5, 7), day: iso.slice(8, 10), hour: iso.slice(11, 13) });
      }),
    );
  });

  it("reads the error type back from an error-output key", () => {
    const key = evaluateFirehosePrefix(stack.errorOutputPrefix, { timestamp: new Date(0), errorOutputType: "format-conversion-failed" });
    expect(firehosePrefixPattern(stack.errorOutputPrefix).exec(key)?.groups).toMatchObject({ errorOutputType: "format-conversion-failed", year: "1970", hour: "00" });
  });
});

describe("firehoseObjectName", () => {
  it("is <stream>-<version>-<write time>-<uuid>.gz", () => {
    expect(firehoseObjectName({ stream: "s", written: new Date("2026-11-25T01:42:10Z"), uuid: "u" })).toBe("s-1-2026-11-25-01-42-10-u.gz");
    expect(firehoseObjectName({ stream: "s", written: new Date("2026-11-25T01:42:10Z"), uuid: "u", version: 3, extension: ".zip" })).toBe("s-3-2026-11-25-01-42-10-u.zip");
  });
});
