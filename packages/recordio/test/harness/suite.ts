// The golden-vector suite for one folder. Every check runs inside its own test, so a vector the
// harness cannot make sense of fails that test with a reason and never stops the others.
import { describe, expect, it } from "vitest";
import {
  RecordIOError,
  RecordIOWriter,
  decodeDense,
  decodeDenseInto,
  decodeRecords,
  encodeDenseChunks,
  encodeDenseInto,
  encodedDenseSize,
  inspectDense,
  readRecords,
} from "@fraud/recordio";
import type { Dtype, RecordIORecord } from "@fraud/recordio";
import { compareRecords, sameNumber } from "./compare.js";
import type { VectorCase } from "./format.js";
import { loadVectorFolder, readCaseBytes } from "./format.js";
import { denseArgs, featureDtype, flatten, labelsOf, num, runEncode } from "./inputs.js";
import { SDK_MESSAGES, codeOfSdkError, encodeExpectation, isDocumentedStricterDecode } from "./judge.js";

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}

function* everySplit(bytes: Uint8Array, step: number): Generator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += step) yield bytes.subarray(i, Math.min(bytes.length, i + step));
}

async function collect(source: AsyncIterable<RecordIORecord>): Promise<RecordIORecord[]> {
  const out: RecordIORecord[] = [];
  for await (const r of source) out.push(r);
  return out;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

function denseEncodeChecks(dir: string, c: VectorCase): void {
  it("encodes into a caller's buffer, the exact size known first", () => {
    const golden = readCaseBytes(dir, c);
    const [matrix, options] = denseArgs(c)!;
    expect(encodedDenseSize(matrix, options)).toBe(golden.length);
    const buf = new Uint8Array(golden.length + 8);
    expect(encodeDenseInto(buf, 3, matrix, options)).toBe(golden.length);
    expect(sameBytes(buf.subarray(3, 3 + golden.length), golden)).toBe(true);
  });

  it("streams the same bytes through the writer's matrix path and in chunks", () => {
    const golden = readCaseBytes(dir, c);
    const [matrix, options] = denseArgs(c)!;
    const writer = new RecordIOWriter({ cols: c.shape![1]!, dtype: featureDtype(c) as Dtype, labelDtype: c.labels ? ((c.labelsDtype ?? "float64") as Dtype) : null, chunkBytes: 64 });
    writer.writeMatrix(matrix, options.labels);
    expect(sameBytes(Buffer.concat([...writer.take(), writer.flush()]), golden)).toBe(true);
    expect(sameBytes(Buffer.concat([...encodeDenseChunks(matrix, { ...options, chunkBytes: 100 })]), golden)).toBe(true);
  });

  it("decodes into caller arrays", () => {
    const golden = readCaseBytes(dir, c);
    const info = inspectDense(golden);
    expect([info.rows, info.cols]).toEqual(c.shape);
    const m = decodeDense(golden);
    const data = new (m.data.constructor as Float32ArrayConstructor)(info.rows * info.cols);
    const labels = m.labels ? new (m.labels.constructor as Float32ArrayConstructor)(info.rows) : undefined;
    expect(decodeDenseInto(golden, { data, labels })).toEqual(info);
    expect(Buffer.from(data.buffer).equals(Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength))).toBe(true);
    if (labels) expect(Array.from(labels)).toEqual(Array.from(m.labels!));
  });

  it("decodes into one matrix", () => {
    const m = decodeDense(readCaseBytes(dir, c));
    expect(m.shape).toEqual(c.shape);
    const want = flatten(c.array as unknown[]).map(num);
    Array.from(m.data).forEach((v, i) => expect(sameNumber(v, want[i]!), `element ${i}`).toBe(true));
    if (c.labels) Array.from(m.labels!).forEach((v, i) => expect(sameNumber(v, num((c.labels as unknown[])[i])), `label ${i}`).toBe(true));
    else expect(m.labels).toBeUndefined();
  });

  it("streams the same bytes row by row", () => {
    const writer = new RecordIOWriter({
      cols: c.shape![1]!,
      dtype: featureDtype(c) as Dtype,
      labelDtype: c.labels ? ((c.labelsDtype ?? "float64") as Dtype) : null,
      chunkBytes: 64,
    });
    (c.array as unknown[][]).forEach((row, i) => {
      const features = row.map(num);
      writer.write(c.labels ? { features, label: num((c.labels as unknown[])[i]) } : features);
    });
    expect(sameBytes(Buffer.concat([...writer.take(), writer.flush()]), readCaseBytes(dir, c))).toBe(true);
  });
}

function encodeSuccess(dir: string, c: VectorCase): void {
  it("writes the SDK's bytes", () => {
    const golden = readCaseBytes(dir, c);
    const bytes = runEncode(c);
    expect(bytes.length).toBe(golden.length);
    expect(sameBytes(bytes, golden), "bytes differ").toBe(true);
  });

  it("reads back what the SDK's reader reads", () => {
    compareRecords(decodeRecords(readCaseBytes(dir, c)), c.expected!.records, c.name);
  });

  if (c.kind === "dense" && (c.shape?.[0] ?? 0) > 0 && (c.shape?.length ?? 0) === 2) denseEncodeChecks(dir, c);
}

function encodeChecks(dir: string, c: VectorCase): void {
  let expectation: ReturnType<typeof encodeExpectation>;
  try {
    expectation = encodeExpectation(c);
  } catch (err) {
    it("the harness can judge it", () => expect.fail(`cannot judge ${c.name}: ${(err as Error).message}`));
    return;
  }
  if (expectation.kind === "bytes") return encodeSuccess(dir, c);
  if (expectation.kind === "extension") {
    it(`accepts ${expectation.dtype} (documented extension) and writes the bytes int64 input gives`, () => {
      expect(sameBytes(runEncode(c), runEncode(c, "int64"))).toBe(true);
    });
    return;
  }
  const { code, why } = expectation;
  it(`raises ${code ?? "a RecordIOError"} (${why})`, () => {
    const err = catchError(() => runEncode(c));
    expect(err, `${c.name} did not raise`).toBeInstanceOf(RecordIOError);
    if (code !== undefined) expect((err as RecordIOError).code).toBe(code);
    if (code !== undefined && code === codeOfSdkError(c) && SDK_MESSAGES.has(code)) expect((err as RecordIOError).message).toBe(c.error!.message);
  });
  if ((c.bytesWrittenBeforeError ?? 0) > 0 && c.kind === "dense" && code === "VALUE_OUT_OF_RANGE" && labelsOf(c) === undefined) {
    it("a streaming writer stops where the SDK stopped", () => {
      const writer = new RecordIOWriter({ cols: c.shape![1]!, dtype: featureDtype(c) as Dtype, labelDtype: null });
      const err = catchError(() => (c.array as number[][]).forEach((r) => writer.write(r)));
      expect((err as RecordIOError).code).toBe(code);
      expect(writer.bytesWritten).toBe(c.bytesWrittenBeforeError);
      expect(writer.flush().length).toBe(c.bytesWrittenBeforeError);
    });
  }
}

function decodeChecks(dir: string, c: VectorCase): void {
  if (c.error) {
    const code = codeOfSdkError(c);
    it(`raises ${code ?? "a RecordIOError"} where the SDK raised ${c.error.type}`, async () => {
      const input = readCaseBytes(dir, c);
      const err = catchError(() => decodeRecords(input));
      expect(err, `${c.name} did not raise`).toBeInstanceOf(RecordIOError);
      if (code !== undefined) expect((err as RecordIOError).code).toBe(code);
      expect(typeof (err as RecordIOError).offset).toBe("number");
      await expect(collect(readRecords(everySplit(input, 3)))).rejects.toMatchObject({ code: (err as RecordIOError).code });
    });
    return;
  }
  /** The records, or `undefined` when the package refuses the input as documented. */
  const decode = async (read: () => Promise<RecordIORecord[]>): Promise<RecordIORecord[] | undefined> => {
    try {
      return await read();
    } catch (err) {
      if (err instanceof RecordIOError && isDocumentedStricterDecode(err, readCaseBytes(dir, c))) return undefined;
      throw err;
    }
  };
  it("reads what the SDK's reader reads (or refuses it as documented)", async () => {
    const records = await decode(async () => decodeRecords(readCaseBytes(dir, c)));
    if (records) compareRecords(records, c.expected!.records, c.name);
  });
  it.each([1, 2, 3, 5, 7, 64])("reads the same from %i-byte chunks", async (step) => {
    const whole = await decode(async () => decodeRecords(readCaseBytes(dir, c)));
    const records = await decode(() => collect(readRecords(everySplit(readCaseBytes(dir, c), step))));
    expect(records === undefined, "streamed and whole reads agree").toBe(whole === undefined);
    if (records) compareRecords(records, c.expected!.records, c.name);
  });
}

/** Defines the golden-vector tests of one folder. */
export function vectorSuite(dir: string): void {
  const entries = loadVectorFolder(dir);
  describe(`golden vectors in ${dir}`, () => {
    it("the folder holds vectors", () => {
      expect(entries.filter((e) => e.vector).length, `no vectors found in ${dir}`).toBeGreaterThan(0);
    });
    for (const entry of entries) {
      const c = entry.vector;
      describe(c ? `${c.direction} ${c.name}` : entry.file, () => {
        if (!c) it("is a readable vector", () => expect.fail(`${entry.file}: ${entry.problem}`));
        else if (c.direction === "encode") encodeChecks(dir, c);
        else decodeChecks(dir, c);
      });
    }
  });
}
