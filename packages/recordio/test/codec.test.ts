// Table-driven tests of the public API: error codes, messages and offsets, limits, sparse input,
// inference helpers, and the web/Node stream adapters.
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { describe, expect, it } from "vitest";
import {
  RECORDIO_CONTENT_TYPE,
  RecordIOError,
  createEncoderStream,
  decodeDense,
  decodeRecord,
  decodeRecords,
  encodeDense,
  encodeInferenceResponse,
  encodeRecord,
  encodeRows,
  encodeSparse,
  frameRecords,
  isRecordIOError,
  parseInferenceResponse,
  readRecords,
  recordsToDense,
  serializeInferenceRequest,
} from "@fraud/recordio";
import type { RecordIOErrorCode, RecordIORecord } from "@fraud/recordio";
import { createDecodeStream, createEncodeStream } from "@fraud/recordio/node";

function frame(payload: number[], length = payload.length): Uint8Array {
  const out = new Uint8Array(8 + payload.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, 0xced7230a, true);
  v.setUint32(4, length, true);
  out.set(payload, 8);
  return out;
}

function errorOf(fn: () => unknown): RecordIOError {
  try {
    fn();
  } catch (err) {
    if (err instanceof RecordIOError) return err;
    throw err;
  }
  throw new Error("expected a RecordIOError");
}

async function collect(src: AsyncIterable<RecordIORecord>): Promise<RecordIORecord[]> {
  const out: RecordIORecord[] = [];
  for await (const r of src) out.push(r);
  return out;
}

describe("decoding errors", () => {
  const valid = encodeDense({ data: new Float32Array([1, 2]), shape: [1, 2] }); // 32 bytes
  // field 1 (features) map entry → key "values" → value → float32 tensor, as bytes
  const cases: { name: string; bytes: Uint8Array; code: RecordIOErrorCode; message: string; offset: number; strict?: boolean }[] = [
    { name: "bad magic", bytes: Uint8Array.from([1, 2, 3, 4, 0, 0, 0, 0]), code: "BAD_MAGIC", message: "bad magic 0x04030201, expected 0xced7230a in record 0 at byte 0", offset: 0 },
    { name: "bad magic in the second record", bytes: Uint8Array.from([...valid, 9, 9, 9, 9, 0, 0, 0, 0]), code: "BAD_MAGIC", message: "bad magic 0x09090909, expected 0xced7230a in record 1 at byte 32", offset: 32 },
    { name: "header cut after the magic", bytes: Uint8Array.from([0x0a, 0x23, 0xd7, 0xce, 5]), code: "TRUNCATED_HEADER", message: "record header cut after 5 of 8 bytes in record 0 at byte 0", offset: 0 },
    { name: "stray bytes (strict)", bytes: Uint8Array.from([...valid, 0, 0]), code: "TRUNCATED_HEADER", message: "2 stray bytes after the last record at byte 32", offset: 32, strict: true },
    { name: "length past the end", bytes: frame([0x0a, 0x00], 100), code: "TRUNCATED_PAYLOAD", message: "record length 100 runs past the end of the data (2 bytes left) in record 0 at byte 0", offset: 0 },
    { name: "absurd length", bytes: frame([], 0xffffffff), code: "RECORD_TOO_LARGE", message: "record length 4294967295 exceeds maxRecordBytes 67108864 in record 0 at byte 0", offset: 0 },
    { name: "varint longer than 10 bytes", bytes: frame([0x78, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0, 0, 0, 0, 0]), code: "MALFORMED_VARINT", message: "varint longer than 10 bytes in record 0 at byte 9", offset: 9 },
    { name: "truncated varint", bytes: frame([0x78, 0x80, 0x80]), code: "MALFORMED_VARINT", message: "truncated varint in record 0 at byte 9", offset: 9 },
    { name: "wrong wire type for features", bytes: frame([0x08, 0x01, 0, 0]), code: "BAD_WIRE_TYPE", message: "wire type 0 for Record field (field 1) in record 0 at byte 8", offset: 8 },
    { name: "wire type 7", bytes: frame([0x0f, 0, 0, 0]), code: "BAD_WIRE_TYPE", message: "invalid wire type 7 in record 0 at byte 8", offset: 8 },
    { name: "field number 0", bytes: frame([0x02, 0x00, 0, 0]), code: "BAD_WIRE_TYPE", message: "invalid field number 0 in record 0 at byte 8", offset: 8 },
    { name: "sub-message length past its parent", bytes: frame([0x0a, 0x05, 0x0a, 0x09, 0x76, 0x61, 0x6c, 0x75]), code: "TRUNCATED_FIELD", message: "length 9 runs past the end of the message (3 bytes left) in record 0 at byte 11", offset: 11 },
    { name: "packed floats not a multiple of 4", bytes: frame([0x0a, 0x0f, 0x0a, 0x06, 0x76, 0x61, 0x6c, 0x75, 0x65, 0x73, 0x12, 0x05, 0x12, 0x03, 0x0a, 0x01, 0x00, 0, 0, 0]), code: "TRUNCATED_FIELD", message: "packed float length 1 is not a multiple of 4 in record 0 at byte 23", offset: 23 },
    { name: "invalid UTF-8 in uid", bytes: frame([0x1a, 0x02, 0xc3, 0x28]), code: "INVALID_VALUE", message: "string is not valid UTF-8 in record 0 at byte 10", offset: 10 },
    { name: "unterminated group", bytes: frame([0x33, 0x08, 0x01, 0x00]), code: "BAD_WIRE_TYPE", message: "invalid field number 0 in record 0 at byte 11", offset: 11 },
    { name: "non-zero padding (strict)", bytes: Uint8Array.from([...frame([0x1a, 0x01, 0x41]), 7]), code: "INVALID_VALUE", message: "non-zero padding byte 7 in record 0 at byte 11", offset: 11, strict: true },
  ];

  it.each(cases)("$name → $code", ({ bytes, code, message, offset, strict }) => {
    const err = errorOf(() => decodeRecords(bytes, { strict: strict ?? false }));
    expect(err.code).toBe(code);
    expect(err.message).toBe(message);
    expect(err.offset).toBe(offset);
    expect(isRecordIOError(err, code)).toBe(true);
  });

  it.each(cases)("$name → $code from a stream of 1-byte chunks", async ({ bytes, code, offset, strict }) => {
    const chunks = Array.from(bytes, (b) => Uint8Array.of(b));
    await expect(collect(readRecords(chunks, { strict: strict ?? false }))).rejects.toMatchObject({ code, offset });
  });

  it("an oversized header fails before its payload arrives", async () => {
    let pulled = 0;
    async function* source() {
      pulled++;
      yield frame([], 2 ** 31);
      pulled++;
      await new Promise(() => undefined); // never delivers the payload
    }
    await expect(collect(readRecords(source()))).rejects.toMatchObject({ code: "RECORD_TOO_LARGE", offset: 0 });
    expect(pulled).toBe(1);
  });

  it("respects a custom maxRecordBytes", () => {
    const bytes = encodeDense({ data: new Float64Array(100), shape: [1, 100] });
    expect(errorOf(() => decodeRecords(bytes, { maxRecordBytes: 100 })).code).toBe("RECORD_TOO_LARGE");
    expect(decodeRecords(bytes, { maxRecordBytes: 1000 })).toHaveLength(1);
    expect(errorOf(() => decodeRecords(bytes, { maxRecordBytes: -1 })).code).toBe("INVALID_ARGUMENT");
  });

  it("the SDK-tolerated oddities pass by default", () => {
    expect(decodeRecords(Uint8Array.from([...valid, 1, 2, 3]))).toHaveLength(1);
    const noPad = frame([0x1a, 0x01, 0x41]);
    expect(decodeRecords(noPad)[0]!.uid).toBe("A");
  });
});

describe("protobuf details", () => {
  it("skips unknown fields of every wire type, including groups", () => {
    const payload = [
      0x78, 0x96, 0x01, // field 15 varint
      0x81, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, // field 16 fixed64
      0x8d, 0x01, 1, 2, 3, 4, // field 17 fixed32
      0x92, 0x01, 0x02, 0xaa, 0xbb, // field 18 bytes
      0x9b, 0x01, 0x08, 0x01, 0x9c, 0x01, // field 19 group with a varint inside
      0x22, 0x02, 0x68, 0x69, // metadata "hi"
    ];
    const [rec] = decodeRecords(frame(payload));
    expect(rec!.metadata).toBe("hi");
    expect(Object.keys(rec!.features)).toEqual([]);
  });

  it("accepts unpacked repeated values and merges repeated tensor fields", () => {
    // features["values"] = float32 tensor with values given unpacked (fixed32) twice and one packed
    const tensor = [0x0d, 0x00, 0x00, 0x80, 0x3f, 0x0d, 0x00, 0x00, 0x00, 0x40, 0x0a, 0x04, 0x00, 0x00, 0x40, 0x40];
    const value = [0x12, tensor.length, ...tensor];
    const entry = [0x0a, 0x06, 0x76, 0x61, 0x6c, 0x75, 0x65, 0x73, 0x12, value.length, ...value];
    const [rec] = decodeRecords(frame([0x0a, entry.length, ...entry]));
    const t = rec!.features["values"]!;
    expect(t.type).toBe("float32");
    expect(Array.from((t as { values: Float32Array }).values)).toEqual([1, 2, 3]);
  });

  it("round-trips uid, metadata, configuration, bytes values and several keys", () => {
    const payload = encodeRecord({
      features: { values: { type: "float64", values: [1.5, -2], keys: [3, 9], shape: [10] }, raw: { type: "bytes", values: [Uint8Array.of(1, 2)], contentType: "application/octet-stream" } },
      label: { score: { type: "float32", values: [0.25] }, predicted_label: { type: "int32", values: [-1] }, empty: { type: "none" } },
      uid: "tx-1",
      metadata: "{\"source\":\"Web\"}",
      configuration: "{\"k\":1}",
    });
    const rec = decodeRecord(payload);
    expect(rec.uid).toBe("tx-1");
    expect(rec.metadata).toBe("{\"source\":\"Web\"}");
    expect(rec.configuration).toBe("{\"k\":1}");
    expect(rec.features["values"]).toMatchObject({ type: "float64", keys: [3, 9], shape: [10] });
    expect(rec.features["raw"]).toEqual({ type: "bytes", values: [Uint8Array.of(1, 2)], contentType: "application/octet-stream" });
    expect(Array.from((rec.label["predicted_label"] as { values: Int32Array }).values)).toEqual([-1]);
    expect(rec.label["empty"]).toEqual({ type: "none" });
  });

  it("keeps a __proto__ map key as data", () => {
    const rec = decodeRecord(encodeRecord({ label: { ["__proto__"]: { type: "float32", values: [1] } } as never }));
    expect(Object.keys(rec.label)).toEqual(["__proto__"]);
    expect(Object.getPrototypeOf(rec.label)).toBe(Object.prototype);
  });
});

describe("encoding errors and element types", () => {
  const cases: { name: string; run: () => unknown; code: RecordIOErrorCode; message: string }[] = [
    { name: "1-D plain array", run: () => encodeDense([1, 2, 3] as never), code: "NOT_A_MATRIX", message: "Array must be a Matrix" },
    { name: "3-D plain array", run: () => encodeDense([[[1]], [[2]]] as never), code: "NOT_A_MATRIX", message: "Array must be a Matrix" },
    { name: "ragged rows", run: () => encodeDense([[1, 2], [3]]), code: "NOT_A_MATRIX", message: "Array must be a Matrix" },
    { name: "1-D shape", run: () => encodeDense({ data: new Float32Array(3), shape: [3] }), code: "NOT_A_MATRIX", message: "Array must be a Matrix" },
    { name: "data/shape mismatch", run: () => encodeDense({ data: new Float32Array(5), shape: [2, 3] }), code: "INVALID_ARGUMENT", message: "data length 5 does not match shape (2, 3)" },
    { name: "2-D labels", run: () => encodeDense([[1], [2]], { labels: [[1], [2]] as never }), code: "LABELS_NOT_A_VECTOR", message: "Labels must be a Vector" },
    { name: "too few labels", run: () => encodeDense([[1, 2], [3, 4], [5, 6]], { labels: [1, 2] }), code: "LABEL_SHAPE_MISMATCH", message: "Label shape (2,) not compatible with array shape (3, 2)" },
    { name: "uint8 features", run: () => encodeDense({ data: new Uint8Array(4) as never, shape: [2, 2] }), code: "UNSUPPORTED_DTYPE", message: "Unsupported dtype uint8 on array" },
    { name: "boolean features", run: () => encodeDense([[true, false]] as never), code: "UNSUPPORTED_DTYPE", message: "Unsupported dtype bool on array" },
    { name: "string labels", run: () => encodeDense([[1]], { labels: ["a"] as never }), code: "UNSUPPORTED_DTYPE", message: "Unsupported dtype str on array" },
    { name: "int64 above int32", run: () => encodeDense({ data: BigInt64Array.of(1n, 2147483648n), shape: [2, 1] }), code: "VALUE_OUT_OF_RANGE", message: "Value out of range: 2147483648" },
    { name: "plain int64 below int32", run: () => encodeDense([[-2147483649]], { dtype: "int64" }), code: "VALUE_OUT_OF_RANGE", message: "Value out of range: -2147483649" },
    { name: "dense into the sparse writer", run: () => encodeSparse({ data: new Float32Array(1), shape: [1, 1] } as never), code: "NOT_SPARSE", message: "Array must be sparse" },
    { name: "sparse column out of bounds", run: () => encodeSparse({ format: "coo", shape: [1, 2], row: [0], col: [2], data: [1] }), code: "INVALID_SPARSE", message: "column index 2 out of bounds for size 2" },
    { name: "bad indptr", run: () => encodeSparse({ format: "csr", shape: [2, 2], indptr: [0, 2, 1], indices: [0], data: [1] }), code: "INVALID_SPARSE", message: "indptr decreases at row 1" },
    { name: "3-D inference request", run: () => serializeInferenceRequest([[[1]]] as never), code: "NOT_A_MATRIX", message: "Expected a 1D or 2D array, but got a 3D array instead." },
  ];

  it.each(cases)("$name → $code", ({ run, code, message }) => {
    const err = errorOf(run);
    expect(err.code).toBe(code);
    expect(err.message).toBe(message);
  });

  it("plain rows follow the dtype option", () => {
    const rows = [[1, 2], [3, 4]];
    expect(decodeDense(encodeDense(rows)).data).toBeInstanceOf(Float64Array);
    expect(decodeDense(encodeDense(rows, { dtype: "float32" })).data).toBeInstanceOf(Float32Array);
    expect(Buffer.from(encodeDense(rows, { dtype: "int64" })).equals(Buffer.from(encodeDense({ data: BigInt64Array.of(1n, 2n, 3n, 4n), shape: [2, 2] })))).toBe(true);
    expect(Buffer.from(encodeDense(rows, { dtype: "int32" })).equals(Buffer.from(encodeDense({ data: Int32Array.of(1, 2, 3, 4), shape: [2, 2] })))).toBe(true);
  });
});

describe("sparse input", () => {
  it("writes CSR entries in stored order, as the SDK does for csr input", () => {
    const bytes = encodeSparse({ format: "csr", shape: [2, 5], indptr: [0, 2, 2], indices: [4, 1], data: new Float32Array([7, 8]) });
    const [first, second] = decodeRecords(bytes);
    expect(first!.features["values"]).toMatchObject({ keys: [4, 1], shape: [5] });
    expect(second!.features["values"]).toMatchObject({ keys: [], shape: [5] });
    expect(recordsToDense([first!, second!]).data).toEqual(new Float32Array([0, 8, 0, 0, 7, 0, 0, 0, 0, 0]));
  });

  it("keeps explicit zeros and sums duplicates in COO input", () => {
    const bytes = encodeSparse({ format: "coo", shape: [1, 3], row: [0, 0, 0], col: [2, 0, 2], data: new Float32Array([1.5, 0, 2]) });
    expect(decodeRecords(bytes)[0]!.features["values"]).toMatchObject({ keys: [0, 2], values: new Float32Array([0, 3.5]) });
  });

  it("decodeDense refuses sparse records", () => {
    const bytes = encodeSparse({ format: "coo", shape: [1, 3], row: [0], col: [1], data: [1] });
    expect(errorOf(() => decodeDense(bytes)).code).toBe("NOT_DENSE");
  });
});

describe("inference helpers", () => {
  it("serializes a vector as one row without labels", () => {
    const body = serializeInferenceRequest(new Float32Array([0.5, 1.5]));
    expect(decodeDense(body)).toEqual({ data: new Float32Array([0.5, 1.5]), shape: [1, 2], labels: undefined });
    expect(RECORDIO_CONTENT_TYPE).toBe("application/x-recordio-protobuf");
  });

  it("round-trips Linear Learner responses", () => {
    const preds = [{ score: 0.875, predicted_label: 1 }, { score: 0.125, predicted_label: 0 }, { score: 42.5 }];
    expect(parseInferenceResponse(encodeInferenceResponse(preds))).toEqual(preds);
  });

  it("rejects a response record without a score", () => {
    const body = frameRecords([encodeRecord({ label: { predicted_label: { type: "float32", values: [1] } } })]);
    expect(errorOf(() => parseInferenceResponse(body)).message).toBe('record 0 has no one-element "score" label');
  });
});

describe("stream adapters", () => {
  const rows = Array.from({ length: 1000 }, (_, i) => ({ features: [i, i / 3, -i], label: i % 2 }));
  const expected = encodeDense(rows.map((r) => r.features), { dtype: "float32", labels: new Float32Array(rows.map((r) => r.label)) });

  it("encodeRows yields chunks of about chunkBytes", async () => {
    const chunks: Uint8Array[] = [];
    for await (const c of encodeRows(rows, { cols: 3, chunkBytes: 4096 })) chunks.push(c);
    expect(chunks.length).toBeGreaterThan(5);
    expect(chunks.slice(0, -1).every((c) => c.length <= 4096 && c.length > 4000)).toBe(true);
    expect(Buffer.concat(chunks).equals(Buffer.from(expected))).toBe(true);
  });

  it("a web TransformStream encodes the same bytes", async () => {
    const out: Uint8Array[] = [];
    await ReadableStream.from(rows)
      .pipeThrough(createEncoderStream({ cols: 3 }))
      .pipeTo(new WritableStream({ write: (c) => void out.push(c) }));
    expect(Buffer.concat(out).equals(Buffer.from(expected))).toBe(true);
  });

  it("Node streams encode and decode with back-pressure", async () => {
    const out: Buffer[] = [];
    await pipeline(
      Readable.from(rows),
      createEncodeStream({ cols: 3, chunkBytes: 1024 }),
      new Writable({
        highWaterMark: 1,
        write(chunk: Buffer, _e, done) {
          out.push(chunk);
          setImmediate(done);
        },
      }),
    );
    const bytes = Buffer.concat(out);
    expect(bytes.equals(Buffer.from(expected))).toBe(true);
    const records: RecordIORecord[] = [];
    for await (const r of createDecodeStream(Readable.from([bytes.subarray(0, 10), bytes.subarray(10)]))) records.push(r as RecordIORecord);
    expect(recordsToDense(records).labels).toEqual(new Float32Array(rows.map((r) => r.label)));
  });

  it("a bad row fails the Node pipeline with the typed error", async () => {
    await expect(
      pipeline(Readable.from([{ features: [1, 2, 3], label: 0 }, { features: [1, 2], label: 0 }]), createEncodeStream({ cols: 3 }), new Writable({ write: (_c, _e, d) => d() })),
    ).rejects.toMatchObject({ code: "INVALID_ARGUMENT", message: "row 1 has 2 features, expected 3", record: 1 });
  });
});
