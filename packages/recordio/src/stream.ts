/**
 * Streaming encoder: rows in, RecordIO chunks out, in constant memory, for data larger than memory.
 * Works with any (async) iterable and with web streams; Node streams are in `@fraud/recordio/node`.
 * @packageDocumentation
 */
import type { Dtype } from "./dtype.js";
import { outOfRange, scalarKind, unsupported } from "./dtype.js";
import { allocBytes, describeValue, integerOption, invalidArgument } from "./args.js";
import { MAX_CHUNK_BYTES, rowsThatFit } from "./chunks.js";
import { RecordIOError } from "./errors.js";
import { payloadSize, sizePlan, writeRow, writeRowRange } from "./dense.js";
import { fixedLayout, writeFixedRow } from "./fixed.js";
import type { FixedLayout } from "./fixed.js";
import type { DensePlan, LabelsInput, MatrixInput } from "./matrix.js";
import type { Source } from "./layout.js";
import { paddingFor } from "./framing.js";

/** A row with its label, for the streaming encoder. @public */
export interface LabeledRow {
  /** The feature vector; exactly `cols` numbers. */
  features: ArrayLike<number>;
  /** The label; required unless the writer has `labelDtype: null`. */
  label?: number | undefined;
}

/** One row for the streaming encoder: a feature vector, or features with a label. @public */
export type RowInput = ArrayLike<number> | LabeledRow;

/** Options of {@link RecordIOWriter}. @public */
export interface RecordIOWriterOptions {
  /** Number of features per row; every row must have exactly this many. */
  cols: number;
  /** Element type of the features. @defaultValue "float32" (what Linear Learner trains on) */
  dtype?: Dtype;
  /**
   * Element type of the labels; `null` writes no labels (rows must then carry none).
   * @defaultValue "float32"
   */
  labelDtype?: Dtype | null;
  /** Size of the chunks produced, in bytes (a record larger than this gets a chunk of its own). @defaultValue 65536 */
  chunkBytes?: number;
}

function tensorOf(dtype: Dtype): Source {
  if (dtype === "float32") return { type: "float32", words: undefined, ints: undefined };
  if (dtype === "float64") return { type: "float64", words: undefined, ints: undefined };
  if (dtype === "int64" || dtype === "int32") return { type: "int32", words: undefined, ints: undefined };
  throw unsupported(String(dtype));
}

/**
 * Incremental dense encoder. `write()` appends one row (byte-identical to what {@link encodeDense}
 * writes for it); full chunks are collected with `take()`, the rest with `flush()`. Memory is one
 * chunk plus one row, whatever the number of rows.
 *
 * @example
 * ```ts
 * const writer = new RecordIOWriter({ cols: 30 });
 * for (const t of transactions) writer.write({ features: t.features, label: t.label });
 * const chunks = [...writer.take(), writer.flush()];
 * ```
 * @public
 */
export class RecordIOWriter {
  /** Rows written so far. */
  rowsWritten = 0;
  /** Bytes of completed records so far (taken, pending or in the current chunk). */
  bytesWritten = 0;
  private readonly cols: number;
  private readonly chunkBytes: number;
  private readonly dtype: Dtype;
  private readonly labelDtype: Dtype | undefined;
  private readonly plan: DensePlan;
  private readonly fScratch: Float32Array | Float64Array | Int32Array;
  private readonly lScratch: Float32Array | Float64Array | Int32Array | undefined;
  /** Layout shared by every record when features and labels are float-typed. */
  private readonly layout: FixedLayout | undefined;
  private readonly templateView: DataView | undefined;
  private buf: Uint8Array;
  private view: DataView;
  private pos = 0;
  private ready: Uint8Array[] = [];

  constructor(options: RecordIOWriterOptions) {
    if (options === null || typeof options !== "object") throw invalidArgument(`options must be an object with cols, got ${describeValue(options)}`);
    // a row must fit in one RecordIO record (a u32 length): at most 8 bytes a value
    const cols = integerOption(options.cols ?? NaN, "cols", 0, Math.floor((0xffffffff - 64) / 8));
    const chunkBytes = integerOption(options.chunkBytes, "chunkBytes", 65536, MAX_CHUNK_BYTES, 1);
    this.cols = cols;
    this.chunkBytes = chunkBytes;
    this.dtype = options.dtype ?? "float32";
    const features = tensorOf(this.dtype);
    const labelDtype = options.labelDtype === undefined ? "float32" : options.labelDtype;
    this.labelDtype = labelDtype ?? undefined;
    const labels = labelDtype === null ? undefined : tensorOf(labelDtype);
    this.fScratch = scratch(features, cols);
    this.lScratch = labels ? scratch(labels, 1) : undefined;
    this.plan = { rows: 1, cols, features, labels };
    this.layout =
      features.type !== "int32" && labels?.type !== "int32" ? fixedLayout(features.type, labels?.type as "float32" | "float64" | undefined, cols) : undefined;
    this.templateView = this.layout ? new DataView(this.layout.template.buffer) : undefined;
    this.buf = allocBytes(chunkBytes, "a chunk");
    this.view = new DataView(this.buf.buffer);
  }

  /**
   * Encodes every row of a matrix (with one label per row unless the writer has `labelDtype: null`),
   * byte-identical to calling {@link RecordIOWriter.write} row by row. When the matrix's typed array
   * and the labels' have the writer's element types, rows are encoded straight into the chunks, as
   * fast as {@link encodeDenseInto}; otherwise row by row. Everything is checked before a row is
   * written.
   *
   * @example
   * ```ts
   * writer.writeMatrix({ data: features, shape: [rows, 30] }, labels);
   * ```
   */
  writeMatrix(matrix: MatrixInput, labels?: LabelsInput): void {
    const sized = sizePlan(matrix, { labels, dtype: this.dtype, labelDtype: this.labelDtype });
    const { plan } = sized;
    if (plan.rows > 0 && plan.cols !== this.cols) throw invalidArgument(`matrix has ${plan.cols} columns, the writer ${this.cols}`);
    if ((plan.labels === undefined) !== (this.lScratch === undefined)) {
      throw invalidArgument(this.lScratch ? "labels are required: the writer writes labels" : "labels given but the writer has labelDtype null");
    }
    if (plan.features.type !== this.plan.features.type || plan.labels?.type !== this.plan.labels?.type || !this.layout) {
      // other element types: converted row by row, as write() does
      const f = valuesOf(plan.features);
      const l = plan.labels ? valuesOf(plan.labels) : undefined;
      for (let r = 0; r < plan.rows; r++) {
        const features = f.subarray(r * plan.cols, (r + 1) * plan.cols);
        this.write(l ? { features, label: l[r]! } : features);
      }
      return;
    }
    for (let row = 0; row < plan.rows; ) {
      this.makeRoom(this.layout.template.length);
      const n = rowsThatFit(sized, row, this.buf.length - this.pos);
      this.pos = writeRowRange(this.buf, this.pos, sized, row, row + n);
      row += n;
      this.rowsWritten += n;
      this.bytesWritten += n * this.layout.template.length;
    }
  }

  /** Encodes one row. Throws (`INVALID_ARGUMENT`, `UNSUPPORTED_DTYPE`, `VALUE_OUT_OF_RANGE`) without writing anything for it. */
  write(row: RowInput): void {
    const index = this.rowsWritten;
    let features: ArrayLike<number>;
    let label: number | undefined;
    if (typeof row === "object" && row !== null && "features" in row) {
      features = row.features;
      label = row.label;
    } else features = row as ArrayLike<number>;
    if (features === null || typeof features !== "object" || features.length !== this.cols) {
      throw new RecordIOError("INVALID_ARGUMENT", `row ${index} has ${features?.length ?? 0} features, expected ${this.cols}`, { record: index });
    }
    fill(this.fScratch, features, index);
    if (this.lScratch) {
      if (label === undefined) throw new RecordIOError("INVALID_ARGUMENT", `row ${index} has no label`, { record: index });
      fill(this.lScratch, [label], index);
    } else if (label !== undefined) {
      throw new RecordIOError("INVALID_ARGUMENT", `row ${index} has a label but the writer has labelDtype null`, { record: index });
    }
    const size = this.layout ? this.layout.payloadLength : payloadSize(this.plan, 0);
    const framed = 8 + size + paddingFor(size);
    this.makeRoom(framed);
    this.pos = this.layout
      ? writeFixedRow(this.buf, this.view, this.pos, this.layout, this.templateView!, this.plan.features.words!, this.plan.labels?.words, 0)
      : writeRow(this.buf, this.view, this.pos, this.plan, 0, size);
    this.rowsWritten++;
    this.bytesWritten += framed;
  }

  /** Completed chunks since the last call. */
  take(): Uint8Array[] {
    const out = this.ready;
    this.ready = [];
    return out;
  }

  /** Everything not yet taken, as one final chunk (empty when nothing is pending). */
  flush(): Uint8Array {
    this.cut();
    const parts = this.take();
    if (parts.length === 1) return parts[0]!;
    let n = 0;
    for (const p of parts) n += p.length;
    const out = new Uint8Array(n);
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }

  /** Makes room for `framed` bytes: cuts the chunk when full; a record larger than a chunk gets its own. */
  private makeRoom(framed: number): void {
    if (this.pos + framed <= this.buf.length) return;
    this.cut();
    if (framed > this.buf.length) {
      this.buf = allocBytes(framed, "a record");
      this.view = new DataView(this.buf.buffer);
    }
  }

  private cut(): void {
    if (this.pos === 0) return;
    this.ready.push(this.buf.subarray(0, this.pos));
    this.buf = allocBytes(this.chunkBytes, "a chunk");
    this.view = new DataView(this.buf.buffer);
    this.pos = 0;
  }
}

/** The values of a writer source as a typed array. */
function valuesOf(src: Source): Float32Array | Float64Array | Int32Array {
  if (src.type === "int32") return src.ints!;
  const w = src.words!;
  return src.type === "float32" ? new Float32Array(w.buffer, w.byteOffset, w.length) : new Float64Array(w.buffer, w.byteOffset, w.length / 2);
}

function scratch(src: Source, n: number): Float32Array | Float64Array | Int32Array {
  if (src.type === "float32") {
    const a = new Float32Array(n);
    src.words = new Uint32Array(a.buffer);
    return a;
  }
  if (src.type === "float64") {
    const a = new Float64Array(n);
    src.words = new Uint32Array(a.buffer);
    return a;
  }
  const a = new Int32Array(n);
  src.ints = a;
  return a;
}

function fill(dst: Float32Array | Float64Array | Int32Array, values: ArrayLike<number>, record: number): void {
  const n = dst.length;
  if (dst instanceof Int32Array) {
    for (let i = 0; i < n; i++) {
      const v = values[i] as unknown;
      if (typeof v !== "number") throw withRecord(unsupported(scalarKind(v)), record);
      if (!Number.isInteger(v)) throw new RecordIOError("INVALID_ARGUMENT", `non-integer value ${v} in row ${record}`, { record });
      if (v < -2147483648 || v > 2147483647) throw outOfRange(v, record);
      dst[i] = v;
    }
    return;
  }
  if (values instanceof Float32Array || values instanceof Float64Array) {
    dst.set(values);
    return;
  }
  for (let i = 0; i < n; i++) {
    const v = values[i] as unknown;
    if (typeof v !== "number") throw withRecord(unsupported(scalarKind(v)), record);
    dst[i] = v;
  }
}

function withRecord(err: RecordIOError, record: number): RecordIOError {
  return new RecordIOError(err.code, err.message, { record });
}

/**
 * Encodes an (async) iterable of rows into RecordIO chunks of about `chunkBytes`, pulling rows only
 * as chunks are consumed (back-pressure by construction).
 *
 * @example
 * ```ts
 * for await (const chunk of encodeRows(rows, { cols: 30 })) await sink.write(chunk);
 * ```
 * @public
 */
export function encodeRows(
  rows: AsyncIterable<RowInput> | Iterable<RowInput>,
  options: RecordIOWriterOptions,
): AsyncGenerator<Uint8Array, void, undefined> {
  // arguments are checked on the call, not on the first next()
  const iterable = rows as Partial<AsyncIterable<unknown> & Iterable<unknown>> | null;
  if (iterable === null || typeof iterable !== "object" || (typeof iterable[Symbol.asyncIterator] !== "function" && typeof iterable[Symbol.iterator] !== "function")) {
    throw invalidArgument(`rows must be an iterable or async iterable, got ${describeValue(rows)}`);
  }
  return encodeRowsFrom(rows, new RecordIOWriter(options));
}

async function* encodeRowsFrom(rows: AsyncIterable<RowInput> | Iterable<RowInput>, writer: RecordIOWriter): AsyncGenerator<Uint8Array, void, undefined> {
  for await (const row of rows as AsyncIterable<RowInput>) {
    writer.write(row);
    for (const chunk of writer.take()) yield chunk;
  }
  const last = writer.flush();
  if (last.length > 0) yield last;
}

/**
 * A web `TransformStream` from rows to RecordIO chunks.
 *
 * @example
 * ```ts
 * await rowStream.pipeThrough(createEncoderStream({ cols: 30 })).pipeTo(fileSink);
 * ```
 * @public
 */
export function createEncoderStream(options: RecordIOWriterOptions): TransformStream<RowInput, Uint8Array> {
  const writer = new RecordIOWriter(options);
  return new TransformStream<RowInput, Uint8Array>({
    transform(row, controller) {
      writer.write(row);
      for (const chunk of writer.take()) controller.enqueue(chunk);
    },
    flush(controller) {
      const last = writer.flush();
      if (last.length > 0) controller.enqueue(last);
    },
  });
}
