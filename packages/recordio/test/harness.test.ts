// The vector harness itself: it reads any folder of the vector format, never crashes on a file it
// cannot use, and decides what the library must do from the vector alone.
import { describe, expect, it } from "vitest";
import { RecordIOError } from "@fraud/recordio";
import type { VectorCase } from "./harness/format.js";
import { loadVectorFolder, parseVectorFile } from "./harness/format.js";
import { encodeExpectation, isDocumentedStricterDecode } from "./harness/judge.js";

function dense(overrides: Partial<VectorCase>): VectorCase {
  return {
    name: "case",
    direction: "encode",
    kind: "dense",
    dtype: "float32",
    shape: [3, 2],
    array: [[1, 2], [3, 4], [5, 6]],
    labels: null,
    error: null,
    expected: { recordCount: 3, records: [] },
    ...overrides,
  };
}

describe("vector files", () => {
  it.each([
    ["{not json", /^not JSON/],
    ["[]", /^not a JSON object$/],
    ['{"direction":"encode","kind":"dense"}', /^no "name"$/],
    ['{"name":"x","direction":"sideways","kind":"dense"}', /^unknown direction "sideways"$/],
    ['{"name":"x","direction":"decode","kind":"dense","error":null}', /^unknown kind "dense" for direction decode$/],
    ['{"name":"x","direction":"decode","kind":"decode","error":"boom"}', /^"error" is neither null nor/],
    ['{"name":"x","direction":"decode","kind":"decode","error":null}', /^no error and no "expected.records"$/],
  ])("%s is reported, not thrown", (text, problem) => {
    const entry = parseVectorFile("x.json", text);
    expect(entry.vector).toBeUndefined();
    expect(entry.problem).toMatch(problem);
  });

  it("accepts a well-formed case", () => {
    const text = JSON.stringify({ name: "x", direction: "decode", kind: "decode", error: { type: "KeyError", message: "'k'" } });
    expect(parseVectorFile("x.json", text).vector?.name).toBe("x");
  });

  it("a missing folder holds no vectors", () => {
    expect(loadVectorFolder("/nonexistent/recordio-vectors")).toEqual([]);
  });
});

describe("what encoding must give", () => {
  it.each<[string, Partial<VectorCase>, ReturnType<typeof encodeExpectation>]>([
    ["the SDK's bytes", {}, { kind: "bytes" }],
    [
      "LABEL_SHAPE_MISMATCH where the SDK dropped a label (documented stricter)",
      { shape: [2, 3], array: [[1, 2, 3], [4, 5, 6]], labels: [1, 0, 1], labelsDtype: "float32" },
      { kind: "error", code: "LABEL_SHAPE_MISMATCH", why: "documented stricter: the label count must equal the row count" },
    ],
    [
      "LABEL_SHAPE_MISMATCH where the SDK raised IndexError half-way",
      { labels: [1, 0], labelsDtype: "float32", error: { type: "IndexError", message: "index 2 is out of bounds" } },
      { kind: "error", code: "LABEL_SHAPE_MISMATCH", why: "documented stricter: the label count must equal the row count" },
    ],
    [
      "the SDK's earlier check first",
      { shape: [3], array: [1, 2, 3], labels: [1], error: { type: "ValueError", message: "Array must be a Matrix" } },
      { kind: "error", code: "NOT_A_MATRIX", why: "the SDK raised ValueError: Array must be a Matrix" },
    ],
    [
      "any RecordIOError for an exception this package has no fixed code for",
      { error: { type: "KeyError", message: "'values'" } },
      { kind: "error", code: undefined, why: "the SDK raised KeyError: 'values'" },
    ],
    ["the documented int32 extension", { error: { type: "ValueError", message: "Unsupported dtype int32 on array" } }, { kind: "extension", dtype: "int32" }],
  ])("%s", (_name, overrides, want) => {
    expect(encodeExpectation(dense(overrides))).toEqual(want);
  });
});

describe("documented stricter decoding", () => {
  const header = (length: number) => Uint8Array.of(0x0a, 0x23, 0xd7, 0xce, length & 0xff, (length >>> 8) & 0xff, (length >>> 16) & 0xff, length >>> 24);
  const error = (code: RecordIOError["code"], offset: number, message = "x") => new RecordIOError(code, message, { offset });

  it("a short payload is checked against the header", () => {
    const cut = Uint8Array.from([...header(10), 0x1a, 0x02, 0x61, 0x62]);
    expect(isDocumentedStricterDecode(error("TRUNCATED_PAYLOAD", 0), cut)).toBe(true);
    const whole = Uint8Array.from([...header(4), 0x1a, 0x02, 0x61, 0x62]);
    expect(isDocumentedStricterDecode(error("TRUNCATED_PAYLOAD", 0), whole)).toBe(false);
  });

  it("a wrong wire type must be on a known length-delimited field", () => {
    const bytes = Uint8Array.from([...header(2), 0x08, 0x01, 0, 0]);
    expect(isDocumentedStricterDecode(error("BAD_WIRE_TYPE", 8), bytes)).toBe(true);
    expect(isDocumentedStricterDecode(error("BAD_WIRE_TYPE", 9), bytes)).toBe(false);
  });

  it("other codes are not documented as stricter", () => {
    expect(isDocumentedStricterDecode(error("BAD_MAGIC", 0), new Uint8Array(8))).toBe(false);
    expect(isDocumentedStricterDecode(error("INVALID_VALUE", 0, "string is not valid UTF-8"), new Uint8Array(8))).toBe(true);
  });
});
