// Sizes declared in the data are checked against the bytes present and the documented limits before
// anything is allocated, and API misuse is refused: every failure is a RecordIOError with a code,
// with bounded memory (the ArrayBuffer memory the call leaves behind is measured).
import { describe, expect, it } from "vitest";
import {
  RecordIOError,
  RecordIOWriter,
  decodeDense,
  decodeDenseInto,
  decodeRecord,
  decodeRecords,
  encodeDense,
  encodeDenseChunks,
  encodeDenseInto,
  encodeSparse,
  encodedDenseSize,
  inspectDense,
  iterateRecords,
  parseInferenceResponse,
  readRecords,
  recordsToDense,
} from "@fraud/recordio";
import type { RecordIOErrorCode } from "@fraud/recordio";
import { bytes, entry, frame, ld, packedF32, packedInt } from "./support/proto.js";

/** Bound on the ArrayBuffer memory a refused call may leave allocated. */
const MAX_GROWTH = 64 * 1024 * 1024;

/** Runs `fn`, which must throw, and returns the error and the ArrayBuffer memory it left allocated. */
function refused(fn: () => unknown): { err: unknown; growth: number } {
  const before = process.memoryUsage().arrayBuffers;
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  return { err, growth: process.memoryUsage().arrayBuffers - before };
}

function expectRefused(fn: () => unknown, code: RecordIOErrorCode, message?: RegExp): void {
  const { err, growth } = refused(fn);
  expect(err, "the call did not throw").toBeInstanceOf(RecordIOError);
  expect((err as RecordIOError).code, (err as Error).message).toBe(code);
  if (message) expect((err as RecordIOError).message).toMatch(message);
  expect(growth, `left ${growth} bytes of ArrayBuffers allocated`).toBeLessThan(MAX_GROWTH);
}

/** A wide first record followed by empty records: declares rows × cols far beyond the bytes present. */
function wideThenEmpty(cols: number, totalBytes: number): Uint8Array {
  const first = frame(ld(1, entry(ld(2, packedF32(new Float32Array(cols))))));
  const empties = Math.floor((totalBytes - first.length) / 8);
  const out = new Uint8Array(first.length + empties * 8);
  out.set(first);
  for (let i = 0, p = first.length; i < empties; i++, p += 8) out.set([0x0a, 0x23, 0xd7, 0xce, 0, 0, 0, 0], p);
  return out;
}

describe("sizes declared in the data", () => {
  it("decodeDense on 1 MB declaring a 5-billion-element matrix: NOT_DENSE, no engine RangeError", () => {
    const input = wideThenEmpty(40_000, 1 << 20);
    expectRefused(() => decodeDense(input), "NOT_DENSE", /^payload of 0 bytes cannot hold 40000 float32 values in record 1 at byte \d+$/);
  });

  it("decodeDense on 4 MB declaring 3 billion elements reserves nothing of the sort", () => {
    const input = wideThenEmpty(6_000, 4 << 20);
    expectRefused(() => decodeDense(input), "NOT_DENSE");
    expectRefused(() => decodeDenseInto(input, { data: new Float32Array(6_000) }), "NOT_DENSE");
  });

  it("a short record after valid ones is reported where it is, after the rows before it", () => {
    const good = frame(ld(1, entry(ld(2, packedF32([1, 2, 3])))));
    const input = bytes(good, good, frame([]), good);
    expectRefused(() => decodeDense(input), "NOT_DENSE", /^payload of 0 bytes cannot hold 3 float32 values in record 2 at byte 72$/);
  });

  it("int32 values (one byte each) may decode to 4x the input, not more", () => {
    const row = frame(ld(1, entry(ld(7, packedInt(new Int32Array(1000))))));
    const input = bytes(...Array.from({ length: 100 }, () => row));
    const m = decodeDense(input);
    expect(m.shape).toEqual([100, 1000]);
    expect(m.data.byteLength).toBeLessThanOrEqual(4 * input.length);
  });

  it("recordsToDense on 112 bytes declaring shape [1e8]: NOT_DENSE above maxDenseBytes", () => {
    const shape = ld(3, [0x80, 0xc2, 0xd7, 0x2f]); // varint 1e8
    const record = frame(ld(1, entry(ld(2, shape))));
    const input = bytes(record, record, record, record);
    expect(input.length).toBe(112);
    const records = decodeRecords(input);
    expectRefused(() => recordsToDense(records), "NOT_DENSE", /^4 rows of 100000000 float32 values take 1600000000 bytes, above maxDenseBytes 268435456$/);
    expectRefused(() => recordsToDense(records, { maxDenseBytes: 1000 }), "NOT_DENSE");
    expect(recordsToDense(decodeRecords(bytes(frame(ld(1, entry(ld(2, ld(3, [10]))))))), { maxDenseBytes: 40 }).shape).toEqual([1, 10]);
  });

  it("a header announcing more than maxRecordBytes fails before anything is buffered", () => {
    expectRefused(() => decodeDense(frame([], 0xfffffff0)), "RECORD_TOO_LARGE");
  });
});

describe("encoding sizes", () => {
  it("encodeDense of shape [2^40, 0]: INVALID_ARGUMENT, not the engine's RangeError", () => {
    expectRefused(() => encodeDense({ data: new Float32Array(0), shape: [2 ** 40, 0] }), "INVALID_ARGUMENT", /^cannot allocate \d+ elements for 1099511627776 encoded rows$/);
    expectRefused(() => encodeDense({ data: new Int32Array(0), shape: [2 ** 40, 0] }), "INVALID_ARGUMENT");
    expect(encodedDenseSize({ data: new Float32Array(0), shape: [2 ** 40, 0] })).toBe(2 ** 40 * 24);
  });

  it("a sparse matrix of 2^40 empty rows: INVALID_ARGUMENT", () => {
    expectRefused(() => encodeSparse({ format: "coo", shape: [2 ** 40, 3], row: [], col: [], data: [] }), "INVALID_ARGUMENT");
  });

  it("writer and chunk sizes are bounded", () => {
    expectRefused(() => new RecordIOWriter({ cols: 2 ** 40 }), "INVALID_ARGUMENT", /^invalid cols: number 1099511627776$/);
    expectRefused(() => new RecordIOWriter({ cols: 3, chunkBytes: 2 ** 40 }), "INVALID_ARGUMENT");
    expectRefused(() => encodeDenseChunks({ data: new Float32Array(2), shape: [1, 2] }, { chunkBytes: 0 }), "INVALID_ARGUMENT");
  });
});

describe("API misuse", () => {
  const valid = encodeDense({ data: new Float32Array([1, 2]), shape: [1, 2] });
  const m = { data: new Float32Array(2), shape: [1, 2] };
  it.each<[string, () => unknown, RegExp]>([
    ['decodeRecords("abc")', () => decodeRecords("abc" as never), /^bytes must be a Uint8Array, got string "abc"$/],
    ['iterateRecords("abc")', () => iterateRecords("abc" as never), /^bytes must be a Uint8Array/],
    ["decodeDense(null)", () => decodeDense(null as never), /^bytes must be a Uint8Array, got null$/],
    ["decodeRecord([1, 2])", () => decodeRecord([1, 2] as never), /^payload must be a Uint8Array, got a Array$/],
    ["parseInferenceResponse({})", () => parseInferenceResponse({} as never), /^bytes must be a Uint8Array, got a Object$/],
    ["inspectDense(ArrayBuffer)", () => inspectDense(new ArrayBuffer(8) as never), /^bytes must be a Uint8Array, got a ArrayBuffer$/],
    ["readRecords(42)", () => readRecords(42 as never), /^source must be an iterable or async iterable of Uint8Array chunks, got number 42$/],
    ['readRecords("abc")', () => readRecords("abc" as never), /^source must be an iterable/],
    ["options null", () => decodeRecords(valid, null as never), /^options must be an object, got null$/],
    ["maxRecordBytes a string", () => decodeRecords(valid, { maxRecordBytes: "1" as never }), /^invalid maxRecordBytes: string "1"$/],
    ["strict a string", () => decodeRecords(valid, { strict: "yes" as never }), /^invalid strict: string "yes"$/],
    ["a long string is quoted to 80 characters", () => decodeRecords("x".repeat(1000) as never), new RegExp(`^bytes must be a Uint8Array, got string "${"x".repeat(80)}"…$`)],
    ["encodeDenseInto into a string", () => encodeDenseInto("buf" as never, 0, m), /^target must be a Uint8Array/],
    ["encodeDenseInto at a negative offset", () => encodeDenseInto(new Uint8Array(64), -1, m), /^invalid offset: number -1$/],
    ["encodeDenseInto into too small a buffer", () => encodeDenseInto(new Uint8Array(64), 40, m), /^target has 24 bytes from offset 40, the encoding needs 32$/],
    ["decodeDenseInto into the wrong type", () => decodeDenseInto(valid, { data: new Float64Array(2) }), /^target data must be a Float32Array for float32 records$/],
    ["decodeDenseInto into too few values", () => decodeDenseInto(valid, { data: new Float32Array(1) }), /^target data holds 1 values, 2 needed for 1 rows of 2$/],
    ["decodeDenseInto with labels the records lack", () => decodeDenseInto(valid, { data: new Float32Array(2), labels: new Float32Array(1) }), /^target has labels but the records carry none$/],
    ["decodeDenseInto at a fractional row", () => decodeDenseInto(valid, { data: new Float32Array(2) }, { rowOffset: 0.5 }), /^invalid rowOffset: number 0.5$/],
  ])("%s: INVALID_ARGUMENT", (_name, fn, message) => {
    expectRefused(fn, "INVALID_ARGUMENT", message);
  });
});
