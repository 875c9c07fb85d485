// Property tests: round trips over random shapes, element types and chunkings, cross-checked
// against the general record encoder (an independent code path from the dense fast path).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  RecordIOWriter,
  decodeDense,
  decodeRecords,
  encodeDense,
  encodeRecord,
  encodeSparse,
  frameRecords,
  readRecords,
  recordsToDense,
} from "@fraud/recordio";
import type { Dtype, RecordIORecord } from "@fraud/recordio";
import { denseCase, sameBits, tensorType, typed } from "./support/arbitraries.js";

function splitAt(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((x, y) => x - y);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of [...points, bytes.length]) {
    out.push(bytes.subarray(prev, p));
    prev = p;
  }
  return out;
}

async function collect(src: AsyncIterable<RecordIORecord>): Promise<RecordIORecord[]> {
  const out: RecordIORecord[] = [];
  for await (const r of src) out.push(r);
  return out;
}

describe("dense round trips", () => {
  it("encodeDense equals the general record encoder, byte for byte", () => {
    fc.assert(
      fc.property(denseCase, ({ rows, cols, fKind, lKind, values, labels }) => {
        const bytes = encodeDense({ data: typed(fKind, values), shape: [rows, cols] }, { labels: lKind ? typed(lKind, labels!) : undefined });
        const f32 = (v: number[]) => (fKind === "float32" ? Array.from(Float32Array.from(v)) : v);
        const payloads = Array.from({ length: rows }, (_, r) =>
          encodeRecord({
            features: { values: { type: tensorType(fKind), values: f32(values.slice(r * cols, (r + 1) * cols)) } },
            ...(lKind ? { label: { values: { type: tensorType(lKind), values: [labels![r]!] } } } : {}),
          }),
        );
        expect(Buffer.from(bytes).equals(Buffer.from(frameRecords(payloads)))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it("decodeRecords, decodeDense and recordsToDense give back the matrix and labels", () => {
    fc.assert(
      fc.property(denseCase, ({ rows, cols, fKind, lKind, values, labels }) => {
        const data = typed(fKind, values);
        const bytes = encodeDense({ data, shape: [rows, cols] }, { labels: lKind ? typed(lKind, labels!) : undefined });
        const records = decodeRecords(bytes);
        expect(records.length).toBe(rows);
        const expected = fKind === "int64" ? Int32Array.from(values) : data;
        for (const m of rows > 0 ? [decodeDense(bytes), recordsToDense(records)] : []) {
          expect(m.shape).toEqual([rows, cols]);
          expect(sameBits(m.data, expected as ArrayLike<number>)).toBe(true);
          if (lKind) expect(sameBits(m.labels!, lKind === "int64" ? Int32Array.from(labels!) : typed(lKind, labels!) as ArrayLike<number>)).toBe(true);
          else expect(m.labels).toBeUndefined();
        }
      }),
      { numRuns: 200 },
    );
  });

  it("the streaming writer writes the same bytes in any chunk size", () => {
    fc.assert(
      fc.property(denseCase, fc.integer({ min: 1, max: 300 }), ({ rows, cols, fKind, lKind, values, labels }, chunkBytes) => {
        const bytes = encodeDense({ data: typed(fKind, values), shape: [rows, cols] }, { labels: lKind ? typed(lKind, labels!) : undefined });
        const writer = new RecordIOWriter({ cols, dtype: fKind as Dtype, labelDtype: (lKind ?? null) as Dtype | null, chunkBytes });
        const chunks: Uint8Array[] = [];
        for (let r = 0; r < rows; r++) {
          const features = values.slice(r * cols, (r + 1) * cols);
          writer.write(lKind ? { features, label: labels![r]! } : features);
          chunks.push(...writer.take());
        }
        chunks.push(writer.flush());
        expect(Buffer.concat(chunks).equals(Buffer.from(bytes))).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it("readRecords gives the same records from any chunking", async () => {
    await fc.assert(
      fc.asyncProperty(denseCase, fc.array(fc.nat(), { maxLength: 30 }), async ({ rows, cols, fKind, lKind, values, labels }, cuts) => {
        const bytes = encodeDense({ data: typed(fKind, values), shape: [rows, cols] }, { labels: lKind ? typed(lKind, labels!) : undefined });
        const whole = decodeRecords(bytes);
        const streamed = await collect(readRecords(splitAt(bytes, cuts)));
        expect(streamed.length).toBe(whole.length);
        streamed.forEach((rec, i) => {
          const a = rec.features["values"] as { values: ArrayLike<number> };
          const b = whole[i]!.features["values"] as { values: ArrayLike<number> };
          expect(sameBits(a.values, b.values)).toBe(true);
        });
      }),
      { numRuns: 150 },
    );
  });
});

describe("sparse round trips", () => {
  const sparseCase = fc
    .record({ rows: fc.integer({ min: 0, max: 8 }), cols: fc.integer({ min: 1, max: 100000 }), nnz: fc.integer({ min: 0, max: 30 }) })
    .chain(({ rows, cols, nnz }) =>
      fc.record({
        rows: fc.constant(rows),
        cols: fc.constant(cols),
        row: fc.array(fc.nat({ max: Math.max(0, rows - 1) }), { minLength: rows > 0 ? nnz : 0, maxLength: rows > 0 ? nnz : 0 }),
        col: fc.array(fc.nat({ max: cols - 1 }), { minLength: rows > 0 ? nnz : 0, maxLength: rows > 0 ? nnz : 0 }),
        data: fc.array(fc.double({ noNaN: true, min: -1e6, max: 1e6 }), { minLength: rows > 0 ? nnz : 0, maxLength: rows > 0 ? nnz : 0 }),
      }),
    );

  it("COO entries come back summed per cell, sorted by column, with the row width as shape", () => {
    fc.assert(
      fc.property(sparseCase, ({ rows, cols, row, col, data }) => {
        const bytes = encodeSparse({ format: "coo", shape: [rows, cols], row, col, data: Float64Array.from(data) });
        const records = decodeRecords(bytes);
        expect(records.length).toBe(rows);
        const cells = new Map<string, number>();
        row.forEach((r, i) => cells.set(`${r},${col[i]}`, (cells.get(`${r},${col[i]}`) ?? 0) + data[i]!));
        records.forEach((rec, r) => {
          const t = rec.features["values"] as { type: string; values: Float64Array; keys: number[]; shape: number[] };
          expect(t.type).toBe("float64");
          expect(t.shape).toEqual([cols]);
          expect([...t.keys]).toEqual([...t.keys].sort((a, b) => a - b));
          const want = [...cells.entries()].filter(([k]) => Number(k.split(",")[0]) === r).map(([k, v]) => [Number(k.split(",")[1]), v] as const).sort((a, b) => a[0] - b[0]);
          expect(t.keys).toEqual(want.map((w) => w[0]));
          t.values.forEach((v, i) => expect(v).toBeCloseTo(want[i]![1], 6));
        });
      }),
      { numRuns: 200 },
    );
  });
});

describe("fuzzing the decoders", () => {
  const isTyped = (err: unknown) => err instanceof Error && err.name === "RecordIOError" && typeof (err as { code?: unknown }).code === "string";

  function decodeAll(bytes: Uint8Array, strict = false): unknown {
    try {
      decodeRecords(bytes, { strict });
    } catch (err) {
      if (!isTyped(err)) return err;
    }
    try {
      decodeDense(bytes, { strict });
    } catch (err) {
      if (!isTyped(err)) return err;
    }
    return undefined;
  }

  const valid = encodeDense(
    { data: Float32Array.from({ length: 60 }, (_, i) => i / 7), shape: [4, 15] },
    { labels: new Float32Array([0, 1, 0, 1]) },
  );
  const withMagic = (rest: Uint8Array) => Uint8Array.from([0x0a, 0x23, 0xd7, 0xce, ...rest]);

  it("random bytes raise only the typed error", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expect(decodeAll(bytes)).toBeUndefined();
      }),
      { numRuns: 2000 },
    );
  });

  it("random payloads behind a valid header raise only the typed error", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (payload) => {
        const header = new Uint8Array(4);
        new DataView(header.buffer).setUint32(0, payload.length, true);
        expect(decodeAll(withMagic(Uint8Array.from([...header, ...payload])))).toBeUndefined();
      }),
      { numRuns: 3000 },
    );
  });

  it("random corruption of a valid stream raises only the typed error", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat({ max: valid.length - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }), (edits) => {
        const bytes = valid.slice();
        for (const [at, v] of edits) bytes[at] = v;
        expect(decodeAll(bytes)).toBeUndefined();
        expect(decodeAll(bytes, true)).toBeUndefined();
      }),
      { numRuns: 2000 },
    );
  });

  it("truncation anywhere but a record boundary raises in strict mode", () => {
    const stride = valid.length / 4; // 4 records of equal size
    const boundaries = new Set([0, stride, 2 * stride, 3 * stride]);
    fc.assert(
      fc.property(fc.nat({ max: valid.length - 1 }), (cut) => {
        const bytes = valid.subarray(0, cut);
        const err = (() => {
          try {
            decodeRecords(bytes, { strict: true });
          } catch (e) {
            return e;
          }
          return undefined;
        })();
        if (boundaries.has(cut)) expect(err).toBeUndefined();
        else expect(isTyped(err)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it("streamed random bytes raise only the typed error", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), fc.array(fc.nat(), { maxLength: 10 }), async (bytes, cuts) => {
        try {
          await collect(readRecords(splitAt(withMagic(bytes), cuts)));
        } catch (err) {
          expect(isTyped(err)).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});
