// The allocation-free paths give exactly what the one-shot ones give: encoding into a caller's
// buffer (exact size known first), decoding into caller arrays, chunked encoding, the streaming
// writer's matrix path, and the Node file and upload-body paths built on them.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import {
  RecordIOWriter,
  decodeDense,
  decodeDenseInto,
  encodeDense,
  encodeDenseChunks,
  encodeDenseInto,
  encodedDenseSize,
  inspectDense,
} from "@fraud/recordio";
import type { DenseArray, Dtype } from "@fraud/recordio";
import { createDenseReadStream, readDenseFile, readDenseFileInto, writeDenseFile } from "@fraud/recordio/node";
import { denseCase, sameBits, tensorType, typed } from "./support/arbitraries.js";
import type { Kind } from "./support/arbitraries.js";
import { checkCompiled, decodeAll } from "./support/decode-all.js";
import { entry, frame, ld, unpackedF32 } from "./support/proto.js";

function arrayOf(kind: Kind, n: number): DenseArray {
  const t = tensorType(kind);
  return t === "float32" ? new Float32Array(n) : t === "float64" ? new Float64Array(n) : new Int32Array(n);
}

const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

describe("encoding into a caller's buffer", () => {
  it("encodedDenseSize is exact and encodeDenseInto writes encodeDense's bytes at any offset, nothing around them", () => {
    fc.assert(
      fc.property(denseCase, fc.nat({ max: 17 }), fc.nat({ max: 9 }), ({ rows, cols, fKind, lKind, values, labels }, offset, slack) => {
        const matrix = { data: typed(fKind, values), shape: [rows, cols] };
        const options = { labels: lKind ? typed(lKind, labels!) : undefined };
        const expected = encodeDense(matrix, options);
        expect(encodedDenseSize(matrix, options)).toBe(expected.length);
        const buf = new Uint8Array(offset + expected.length + slack).fill(0xa5);
        expect(encodeDenseInto(buf, offset, matrix, options)).toBe(expected.length);
        expect(same(buf.subarray(offset, offset + expected.length), expected)).toBe(true);
        expect(buf.subarray(0, offset).every((b) => b === 0xa5) && buf.subarray(offset + expected.length).every((b) => b === 0xa5)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it("a buffer one byte short is refused before anything is written", () => {
    const matrix = { data: new Float32Array([1, 2, 3, 4]), shape: [2, 2] };
    const buf = new Uint8Array(encodedDenseSize(matrix) - 1);
    expect(() => encodeDenseInto(buf, 0, matrix)).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
    expect(buf.every((b) => b === 0)).toBe(true);
  });
});

describe("decoding into caller arrays", () => {
  it("inspectDense tells the shape and types; decodeDenseInto fills arrays at any row offset as decodeDense does", () => {
    fc.assert(
      fc.property(denseCase, fc.nat({ max: 3 }), ({ rows, cols, fKind, lKind, values, labels }, rowOffset) => {
        const bytes = encodeDense({ data: typed(fKind, values), shape: [rows, cols] }, { labels: lKind ? typed(lKind, labels!) : undefined });
        const info = inspectDense(bytes);
        if (rows === 0) {
          expect(info).toEqual({ rows: 0, cols: 0, type: "float32", labelType: undefined });
          return;
        }
        expect(info).toEqual({ rows, cols, type: tensorType(fKind), labelType: lKind ? tensorType(lKind) : undefined });
        const data = arrayOf(fKind, (rowOffset + rows) * cols);
        const lab = lKind ? arrayOf(lKind, rowOffset + rows) : undefined;
        expect(decodeDenseInto(bytes, { data, labels: lab }, { rowOffset })).toEqual(info);
        const one = decodeDense(bytes);
        expect(sameBits(data.subarray(rowOffset * cols), one.data)).toBe(true);
        if (lab) expect(sameBits(lab.subarray(rowOffset), one.labels!)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it("labels may be left out of the target", () => {
    const bytes = encodeDense({ data: new Float32Array([1, 2, 3, 4]), shape: [2, 2] }, { labels: new Float32Array([0, 1]) });
    const data = new Float32Array(4);
    expect(decodeDenseInto(bytes, { data })).toMatchObject({ rows: 2, labelType: "float32" });
    expect(Array.from(data)).toEqual([1, 2, 3, 4]);
  });

  it("decodes alike with the canonical records' structure check compiled and without code generation, one byte changed anywhere or none", () => {
    const cases = fc.sample(fc.tuple(denseCase.filter((c) => c.rows > 0 && c.cols > 0), fc.nat(), fc.integer({ min: -1, max: 255 })), { numRuns: 300, seed: 25 });
    const inputs = cases.map(([c, at, value]) => {
      const bytes = encodeDense({ data: typed(c.fKind, c.values), shape: [c.rows, c.cols] }, { labels: c.lKind ? typed(c.lKind, c.labels!) : undefined });
      if (value >= 0) bytes[at % bytes.length] = value;
      return bytes;
    });
    const dir = mkdtempSync(join(tmpdir(), "recordio-check-"));
    try {
      const file = join(dir, "inputs.json");
      writeFileSync(file, JSON.stringify(inputs.map((b) => Buffer.from(b).toString("base64"))));
      const script = fileURLToPath(new URL("./support/decode-all.ts", import.meta.url));
      const child = spawnSync(process.execPath, ["--disallow-code-generation-from-strings", "--conditions=@fraud/source", "--import", "tsx", script, file], { encoding: "utf8", maxBuffer: 1 << 28 });
      expect(child.status, child.stderr).toBe(0);
      expect(checkCompiled()).toBe(true);
      expect(JSON.parse(child.stdout)).toEqual({ compiled: false, results: decodeAll(inputs) });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("records off the canonical layout take the general path into the same arrays", () => {
    const rec = frame(ld(1, entry(ld(2, unpackedF32([1.5, -2, 3])))));
    const bytes = new Uint8Array([...rec, ...rec]);
    const data = new Float32Array(6);
    expect(decodeDenseInto(bytes, { data })).toMatchObject({ rows: 2, cols: 3 });
    expect(Array.from(data)).toEqual([1.5, -2, 3, 1.5, -2, 3]);
  });
});

describe("chunked encoding and the writer's matrix path", () => {
  it("chunks concatenate to encodeDense's bytes, none above chunkBytes unless one record is", () => {
    fc.assert(
      fc.property(denseCase, fc.integer({ min: 1, max: 400 }), fc.boolean(), ({ rows, cols, fKind, lKind, values, labels }, chunkBytes, reuse) => {
        const matrix = { data: typed(fKind, values), shape: [rows, cols] };
        const options = { labels: lKind ? typed(lKind, labels!) : undefined };
        const expected = encodeDense(matrix, options);
        const chunks: Buffer[] = [];
        for (const c of encodeDenseChunks(matrix, { ...options, chunkBytes, reuse })) {
          chunks.push(Buffer.from(c)); // a copy: with reuse the chunk is valid until the next one
        }
        expect(same(Buffer.concat(chunks), expected)).toBe(true);
        const biggest = rows === 0 ? 0 : Math.max(...Array.from({ length: rows }, (_, r) => encodedDenseSize({ data: matrix.data.slice(r * cols, (r + 1) * cols) as never, shape: [1, cols] }, { labels: options.labels?.slice(r, r + 1) as never })));
        expect(chunks.every((c) => c.length <= Math.max(chunkBytes, biggest))).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it("RecordIOWriter.writeMatrix writes what encodeDense writes, in any chunk size and element type", () => {
    fc.assert(
      fc.property(denseCase, fc.integer({ min: 1, max: 300 }), ({ rows, cols, fKind, lKind, values, labels }, chunkBytes) => {
        const matrix = { data: typed(fKind, values), shape: [rows, cols] };
        const lab = lKind ? typed(lKind, labels!) : undefined;
        const writer = new RecordIOWriter({ cols, dtype: fKind as Dtype, labelDtype: (lKind ?? null) as Dtype | null, chunkBytes });
        writer.writeMatrix(matrix, lab);
        expect(writer.rowsWritten).toBe(rows);
        expect(same(Buffer.concat([...writer.take(), writer.flush()]), encodeDense(matrix, { labels: lab }))).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it("a matrix of another element type is converted as write() converts each row", () => {
    const writer = new RecordIOWriter({ cols: 2 });
    writer.writeMatrix({ data: new Float64Array([0.1, 0.2, 0.3, 0.4]), shape: [2, 2] }, [1, 0]);
    const rows = new RecordIOWriter({ cols: 2 });
    rows.write({ features: [0.1, 0.2], label: 1 });
    rows.write({ features: [0.3, 0.4], label: 0 });
    expect(same(writer.flush(), rows.flush())).toBe(true);
  });

  it("a writer refuses a matrix of the wrong width or without the labels it writes", () => {
    const writer = new RecordIOWriter({ cols: 3 });
    expect(() => writer.writeMatrix({ data: new Float32Array(4), shape: [2, 2] }, [0, 1])).toThrow("matrix has 2 columns, the writer 3");
    expect(() => writer.writeMatrix({ data: new Float32Array(6), shape: [2, 3] })).toThrow("labels are required: the writer writes labels");
    expect(writer.rowsWritten).toBe(0);
  });
});

describe("files and upload bodies (@fraud/recordio/node)", () => {
  const dir = mkdtempSync(join(tmpdir(), "recordio-files-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const rows = 1000;
  const cols = 7;
  const data = Float32Array.from({ length: rows * cols }, (_, i) => Math.sin(i));
  const labels = Float32Array.from({ length: rows }, (_, i) => i % 3);
  const expected = encodeDense({ data, shape: [rows, cols] }, { labels });

  it("writeDenseFile writes encodeDense's bytes through a small buffer, and nothing else in the folder", async () => {
    const file = join(dir, "train.rec");
    expect(await writeDenseFile(file, { data, shape: [rows, cols] }, { labels, chunkBytes: 500 })).toBe(expected.length);
    expect(same(readFileSync(file), expected)).toBe(true);
    expect(readdirSync(dir)).toEqual(["train.rec"]);
  });

  it("readDenseFile and readDenseFileInto read canonical records chunk by chunk", async () => {
    const file = join(dir, "train.rec");
    const m = await readDenseFile(file, { chunkBytes: 300 });
    expect(m.shape).toEqual([rows, cols]);
    expect(sameBits(m.data, data) && sameBits(m.labels!, labels)).toBe(true);
    const into = { data: new Float32Array((rows + 2) * cols), labels: new Float32Array(rows + 2) };
    expect(await readDenseFileInto(file, into, { chunkBytes: 1000, rowOffset: 2 })).toEqual({ rows, cols, type: "float32", labelType: "float32" });
    expect(sameBits(into.data.subarray(2 * cols), data) && sameBits(into.labels.subarray(2), labels)).toBe(true);
  });

  it("other files are read whole, with the buffer decoder's results and errors", async () => {
    const ints = join(dir, "ints.rec");
    writeFileSync(ints, encodeDense([[1, -2], [3, 4]], { dtype: "int64" }));
    expect(await readDenseFile(ints)).toEqual({ data: Int32Array.of(1, -2, 3, 4), shape: [2, 2], labels: undefined });
    const empty = join(dir, "empty.rec");
    writeFileSync(empty, new Uint8Array(0));
    expect(await readDenseFile(empty)).toEqual({ data: new Float32Array(0), shape: [0, 0], labels: undefined });
    const cut = join(dir, "cut.rec");
    writeFileSync(cut, expected.subarray(0, 100));
    await expect(readDenseFile(cut)).rejects.toMatchObject({ code: "TRUNCATED_PAYLOAD" });
  });

  it("file system failures are IO_ERROR and leave no partial file", async () => {
    await expect(readDenseFile(join(dir, "missing.rec"))).rejects.toMatchObject({ name: "RecordIOError", code: "IO_ERROR" });
    await expect(writeDenseFile(join(dir, "no-such-dir", "x.rec"), { data, shape: [rows, cols] })).rejects.toMatchObject({ code: "IO_ERROR" });
    await expect(writeDenseFile(join(dir, "bad.rec"), { data, shape: [rows, cols + 1] })).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    expect(readdirSync(dir).filter((f) => f.includes(".tmp") || f === "bad.rec")).toEqual([]);
  });

  it("createDenseReadStream streams the same bytes in chunks of their own", async () => {
    const chunks: Buffer[] = [];
    for await (const c of createDenseReadStream({ data, shape: [rows, cols] }, { labels, chunkBytes: 4096 })) chunks.push(c as Buffer);
    expect(chunks.length).toBeGreaterThan(5);
    expect(new Set(chunks.map((c) => c.buffer)).size).toBe(chunks.length);
    expect(same(Buffer.concat(chunks), expected)).toBe(true);
  });
});
