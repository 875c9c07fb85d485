/**
 * The general-path dense decoder: parses each record's protobuf into preallocated matrix storage,
 * without building an object per record.
 * @packageDocumentation
 */
import { allocTensor } from "./layout.js";
import type { TensorType } from "./record.js";
import type { ProtoReader} from "./wire/reader.js";
import { WireType } from "./wire/reader.js";

const VALUES_KEY = [0x76, 0x61, 0x6c, 0x75, 0x65, 0x73];

/** Per-record fast parser state. */
/** @internal */
export class DenseSink {
  fType: TensorType;
  lType: TensorType | undefined;
  cols: number;
  data: Float32Array | Float64Array | Int32Array;
  dataWords: Uint32Array | undefined;
  labels: Float32Array | Float64Array | Int32Array | undefined;
  labelWords: Uint32Array | undefined;
  filled = 0;
  labelFilled = 0;
  row = 0;

  constructor(rows: number, cols: number, fType: TensorType, lType: TensorType | undefined) {
    this.cols = cols;
    this.fType = fType;
    this.lType = lType;
    this.data = allocTensor(fType, rows * cols);
    this.dataWords = fType === "int32" ? undefined : new Uint32Array(this.data.buffer);
    this.labels = lType ? allocTensor(lType, rows) : undefined;
    this.labelWords = lType && lType !== "int32" ? new Uint32Array(this.labels!.buffer) : undefined;
  }
}

function notDense(r: ProtoReader, why: string): never {
  return r.fail("NOT_DENSE", why);
}

/** Parses a tensor's values into the sink (features or label). */
function sinkTensor(r: ProtoReader, view: DataView, end: number, sink: DenseSink, isLabel: boolean): void {
  const outer = r.end;
  r.end = end;
  const type = isLabel ? sink.lType! : sink.fType;
  const capacity = isLabel ? 1 : sink.cols;
  const baseIndex = isLabel ? sink.row : sink.row * sink.cols;
  while (r.pos < end) {
    const tag = r.tag();
    const field = tag >>> 3;
    if (field === 1) {
      const wt = tag & 7;
      if (type === "int32") {
        const target = (isLabel ? sink.labels : sink.data) as Int32Array;
        let stop = -1;
        if (wt === WireType.LengthDelimited) {
          stop = r.lengthDelimited();
          r.end = stop;
        } else if (wt !== WireType.Varint) r.wrongType(tag, "int32 values");
        do {
          const v = r.int32();
          const filled = isLabel ? sink.labelFilled++ : sink.filled++;
          if (filled >= capacity) notDense(r, `more than ${capacity} values in a row`);
          target[baseIndex + filled] = v;
        } while (stop >= 0 && r.pos < stop);
        r.end = end;
      } else {
        const width = type === "float32" ? 4 : 8;
        let start: number;
        let bytes: number;
        if (wt === WireType.LengthDelimited) {
          const at = r.pos;
          const stop = r.lengthDelimited();
          start = r.pos;
          bytes = stop - start;
          if (bytes % width !== 0) r.fail("TRUNCATED_FIELD", `packed length ${bytes} is not a multiple of ${width}`, at);
        } else if (wt === (width === 4 ? WireType.Bit32 : WireType.Bit64)) {
          r.need(width);
          start = r.pos;
          bytes = width;
        } else r.wrongType(tag, "tensor values");
        const n = bytes / width;
        const filled = isLabel ? sink.labelFilled : sink.filled;
        if (filled + n > capacity) notDense(r, `${filled + n} values in a row, expected ${capacity}`);
        const words = (isLabel ? sink.labelWords : sink.dataWords)!;
        const wpv = width / 4;
        const abs = r.buf.byteOffset + start;
        let w = (baseIndex + filled) * wpv;
        const stop = w + n * wpv;
        for (let p = abs; w < stop; w++, p += 4) words[w] = view.getUint32(p, true);
        if (isLabel) sink.labelFilled += n;
        else sink.filled += n;
        r.pos = start + bytes;
      }
    } else if (field === 2) {
      // keys: a sparse tensor
      if ((tag & 7) === WireType.LengthDelimited) {
        const stop = r.lengthDelimited();
        if (stop > r.pos) notDense(r, "sparse record (tensor has keys)");
      } else notDense(r, "sparse record (tensor has keys)");
    } else r.skip(tag);
  }
  r.end = outer;
}

function sinkEntry(r: ProtoReader, view: DataView, end: number, sink: DenseSink, isLabel: boolean): void {
  const outer = r.end;
  r.end = end;
  while (r.pos < end) {
    const tag = r.tag();
    const field = tag >>> 3;
    if ((tag & 7) !== WireType.LengthDelimited && (field === 1 || field === 2)) r.wrongType(tag, "map entry");
    if (field === 1) {
      const stop = r.lengthDelimited();
      let ok = stop - r.pos === 6;
      for (let i = 0; ok && i < 6; i++) ok = r.buf[r.pos + i] === VALUES_KEY[i];
      if (!ok) notDense(r, `map key other than "values"`);
      r.pos = stop;
    } else if (field === 2) {
      const vend = r.lengthDelimited();
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
      r.end = end;
    } else r.skip(tag);
  }
  r.end = outer;
}

/** Parses one record into row `sink.row` of the sink. @internal */
export function sinkRecord(r: ProtoReader, view: DataView, sink: DenseSink): void {
  const end = r.end;
  sink.filled = 0;
  sink.labelFilled = 0;
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
