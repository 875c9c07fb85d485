/**
 * The general-path dense decoder: parses each record's protobuf straight into the matrix storage
 * (caller-provided or freshly allocated), without building an object per record.
 * @packageDocumentation
 */
import type { TensorType } from "./record.js";
import type { ProtoReader } from "./wire/reader.js";
import { WireType } from "./wire/reader.js";

/** Typed arrays a dense matrix or label vector is stored in. @public */
export type DenseArray = Float32Array | Float64Array | Int32Array;

const VALUES_KEY = [0x76, 0x61, 0x6c, 0x75, 0x65, 0x73];

/** 32-bit words over a float array (for bit-exact copies), or `undefined` for an Int32Array. */
function wordsOf(a: DenseArray): Uint32Array | undefined {
  return a instanceof Int32Array ? undefined : new Uint32Array(a.buffer, a.byteOffset, a.byteLength / 4);
}

/** Where the values of the record being parsed go, and how many have arrived. @internal */
export class DenseSink {
  readonly data: DenseArray;
  readonly dataWords: Uint32Array | undefined;
  /** Label storage: the caller's, or a one-element scratch when labels are checked but not kept. */
  readonly labels: DenseArray | undefined;
  readonly labelWords: Uint32Array | undefined;
  /** Label index step per row: 1, or 0 for the scratch. */
  private readonly labelStride: number;
  /** Index of the first value of the current row in `data`, and of its label in `labels`. */
  base = 0;
  labelBase = 0;
  filled = 0;
  labelFilled = 0;

  constructor(
    readonly cols: number,
    readonly fType: TensorType,
    readonly lType: TensorType | undefined,
    data: DenseArray,
    labels: DenseArray | undefined,
    private readonly rowOffset: number,
  ) {
    this.data = data;
    this.dataWords = wordsOf(data);
    this.labelStride = labels === undefined ? 0 : 1;
    this.labels = labels ?? (lType === undefined ? undefined : lType === "float32" ? new Float32Array(1) : lType === "float64" ? new Float64Array(1) : new Int32Array(1));
    this.labelWords = this.labels === undefined ? undefined : wordsOf(this.labels);
  }

  /** Starts row `row` (counted from the start of the input). */
  startRow(row: number): void {
    this.base = (this.rowOffset + row) * this.cols;
    this.labelBase = (this.rowOffset + row) * this.labelStride;
    this.filled = 0;
    this.labelFilled = 0;
  }
}

function notDense(r: ProtoReader, why: string): never {
  return r.fail("NOT_DENSE", why);
}

/** Int32 values, packed or a run of unpacked ones, into the current row. */
function sinkInts(r: ProtoReader, tag: number, sink: DenseSink, isLabel: boolean): void {
  const target = (isLabel ? sink.labels : sink.data) as Int32Array;
  const capacity = isLabel ? 1 : sink.cols;
  const base = isLabel ? sink.labelBase : sink.base;
  let filled = isLabel ? sink.labelFilled : sink.filled;
  const wt = tag & 7;
  if (wt === WireType.LengthDelimited) {
    const stop = r.lengthDelimited();
    const outer = r.end;
    r.end = stop;
    while (r.pos < stop) {
      if (filled >= capacity) notDense(r, `more than ${capacity} values in a row`);
      target[base + filled++] = r.int32();
    }
    r.end = outer;
  } else if (wt === WireType.Varint) {
    const buf = r.buf;
    do {
      if (filled >= capacity) notDense(r, `more than ${capacity} values in a row`);
      target[base + filled++] = r.int32();
    } while (tag < 0x80 && r.pos < r.end && buf[r.pos] === tag && ++r.pos);
  } else r.wrongType(tag, "int32 values");
  if (isLabel) sink.labelFilled = filled;
  else sink.filled = filled;
}

/** Float or double values, packed or a run of unpacked ones, into the current row (bit-exact word copies). */
function sinkFloats(r: ProtoReader, view: DataView, tag: number, sink: DenseSink, isLabel: boolean, width: 4 | 8): void {
  const wt = tag & 7;
  let start: number;
  let n: number;
  let stride = width;
  if (wt === WireType.LengthDelimited) {
    const at = r.pos;
    const stop = r.lengthDelimited();
    start = r.pos;
    if ((stop - start) % width !== 0) r.fail("TRUNCATED_FIELD", `packed length ${stop - start} is not a multiple of ${width}`, at);
    n = (stop - start) / width;
  } else if (wt === (width === 4 ? WireType.Bit32 : WireType.Bit64)) {
    r.need(width);
    start = r.pos;
    n = r.fixedRun(tag, start, width);
    stride = width + 1;
  } else return r.wrongType(tag, "tensor values");
  const capacity = isLabel ? 1 : sink.cols;
  const filled = isLabel ? sink.labelFilled : sink.filled;
  if (filled + n > capacity) notDense(r, `${filled + n} values in a row, expected ${capacity}`);
  const words = (isLabel ? sink.labelWords : sink.dataWords)!;
  const abs = r.buf.byteOffset + start;
  let w = ((isLabel ? sink.labelBase : sink.base) + filled) * (width / 4);
  for (let i = 0, p = abs; i < n; i++, p += stride) {
    words[w++] = view.getUint32(p, true);
    if (width === 8) words[w++] = view.getUint32(p + 4, true);
  }
  if (isLabel) sink.labelFilled += n;
  else sink.filled += n;
  r.pos = start + (n - 1) * stride + width;
}

/** Parses a tensor's values into the sink (features or label). */
function sinkTensor(r: ProtoReader, view: DataView, end: number, sink: DenseSink, isLabel: boolean): void {
  const outer = r.end;
  r.end = end;
  const type = isLabel ? sink.lType! : sink.fType;
  while (r.pos < end) {
    const tag = r.tag();
    const field = tag >>> 3;
    if (field === 1) {
      if (type === "int32") sinkInts(r, tag, sink, isLabel);
      else sinkFloats(r, view, tag, sink, isLabel, type === "float32" ? 4 : 8);
    } else if (field === 2) {
      // keys: a sparse tensor (an empty packed field is no key)
      if ((tag & 7) === WireType.Varint) notDense(r, "sparse record (tensor has keys)");
      if ((tag & 7) !== WireType.LengthDelimited) r.wrongType(tag, "keys");
      const stop = r.lengthDelimited();
      if (stop > r.pos) notDense(r, "sparse record (tensor has keys)");
    } else r.skip(tag);
  }
  r.end = outer;
}

/** Checks that a map entry's key is `"values"`. */
function sinkKey(r: ProtoReader): void {
  const stop = r.lengthDelimited();
  let ok = stop - r.pos === 6;
  for (let i = 0; ok && i < 6; i++) ok = r.buf[r.pos + i] === VALUES_KEY[i];
  if (!ok) notDense(r, 'map key other than "values"');
  r.pos = stop;
}

/** Parses one `Value` message (merged into what earlier value fields of the entry gave). */
function sinkValue(r: ProtoReader, view: DataView, sink: DenseSink, isLabel: boolean): void {
  const vend = r.lengthDelimited();
  const outer = r.end;
  r.end = vend;
  while (r.pos < vend) {
    const vtag = r.tag();
    const vfield = vtag >>> 3;
    if (vfield === 2 || vfield === 3 || vfield === 7 || vfield === 9) {
      if ((vtag & 7) !== WireType.LengthDelimited) r.wrongType(vtag, "Value");
      const expected = isLabel ? sink.lType : sink.fType;
      const got = vfield === 2 ? "float32" : vfield === 3 ? "float64" : vfield === 7 ? "int32" : "bytes";
      if (got !== expected) notDense(r, `${got} tensor where ${expected ?? "no label"} was expected`);
      const tend = r.lengthDelimited();
      sinkTensor(r, view, tend, sink, isLabel);
      r.pos = tend;
    } else r.skip(vtag);
  }
  r.end = outer;
}

function sinkEntry(r: ProtoReader, view: DataView, end: number, sink: DenseSink, isLabel: boolean): void {
  const outer = r.end;
  r.end = end;
  // a repeated map key: the last entry wins, as in protobuf
  if (isLabel) sink.labelFilled = 0;
  else sink.filled = 0;
  while (r.pos < end) {
    const tag = r.tag();
    const field = tag >>> 3;
    if ((tag & 7) !== WireType.LengthDelimited && (field === 1 || field === 2)) r.wrongType(tag, "map entry");
    if (field === 1) sinkKey(r);
    else if (field === 2) sinkValue(r, view, sink, isLabel);
    else r.skip(tag);
  }
  r.end = outer;
}

/**
 * Parses the record in the reader's range into row `row` of the sink. `view` is a DataView over
 * the whole buffer of `r.buf`.
 * @internal
 */
export function sinkRecord(r: ProtoReader, view: DataView, sink: DenseSink, row: number): void {
  const end = r.end;
  sink.startRow(row);
  while (r.pos < end) {
    const tag = r.tag();
    const field = tag >>> 3;
    if (field >= 1 && field <= 5) {
      if ((tag & 7) !== WireType.LengthDelimited) r.wrongType(tag, "Record field");
      const stop = r.lengthDelimited();
      if (field <= 2) {
        if (field === 2 && sink.lType === undefined) notDense(r, "label in a record when the first record had none");
        sinkEntry(r, view, stop, sink, field === 2);
      }
      r.pos = stop;
    } else r.skip(tag);
  }
  if (sink.filled !== sink.cols) notDense(r, `${sink.filled} values in a row, expected ${sink.cols}`);
  if (sink.lType !== undefined && sink.labelFilled !== 1) notDense(r, "record without a label");
}
