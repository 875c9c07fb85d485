import { ModelError } from "./errors.js";

/** Magic of an MXNet NDArray list file (`kMXAPINDArrayListMagic`). @public */
export const NDARRAY_LIST_MAGIC = 0x112;

/** Per-array magics written by `NDArray::Save`, by format version. @public */
export const NDARRAY_MAGIC: Readonly<Record<"V1" | "V2" | "V3", number>> = { V1: 0xf993fac8, V2: 0xf993fac9, V3: 0xf993faca };

/**
 * Layout of one array record: `V1`/`V2`/`V3` carry their magic; `legacy` records start with the
 * number of dimensions and use 32-bit dimensions.
 * @public
 */
export type NDArrayVersion = "V1" | "V2" | "V3" | "legacy";

/** MXNet storage types. @public */
export type NDArrayStorage = "default" | "row_sparse" | "csr";

/** MXNet element types, by their type flag 0..12. @public */
export type NDArrayDtype =
  | "float32"
  | "float64"
  | "float16"
  | "uint8"
  | "int32"
  | "int8"
  | "int64"
  | "bool"
  | "int16"
  | "uint16"
  | "uint32"
  | "uint64"
  | "bfloat16";

const DTYPES: readonly NDArrayDtype[] = [
  "float32",
  "float64",
  "float16",
  "uint8",
  "int32",
  "int8",
  "int64",
  "bool",
  "int16",
  "uint16",
  "uint32",
  "uint64",
  "bfloat16",
];
const DTYPE_SIZE: Record<NDArrayDtype, number> = {
  float32: 4,
  float64: 8,
  float16: 2,
  uint8: 1,
  int32: 4,
  int8: 1,
  int64: 8,
  bool: 1,
  int16: 2,
  uint16: 2,
  uint32: 4,
  uint64: 8,
  bfloat16: 2,
};
const STORAGES: readonly NDArrayStorage[] = ["default", "row_sparse", "csr"];

/** Device an array was saved from. @public */
export interface NDArrayContext {
  /** 1 cpu, 2 gpu, 3 cpu_pinned, 5 cpu_shared. */
  devType: number;
  /** Device number. */
  devId: number;
}

/** One named array read from an NDArray list. @public */
export interface NDArrayEntry {
  /** Name as stored, e.g. `arg:fc0_weight` (empty string when the list is unnamed). */
  name: string;
  /** Record layout it was read from. */
  version: NDArrayVersion;
  /** Storage type; sparse arrays are returned densified in `values`. */
  storage: NDArrayStorage;
  /** Element type as stored. */
  dtype: NDArrayDtype;
  /** Logical shape, or `null` for a "none" array (no shape, no data). */
  shape: number[] | null;
  /** Device the array was saved from. */
  context: NDArrayContext;
  /** All values in row-major order of `shape`, widened to float64. */
  values: Float64Array;
}

/** Options of {@link decodeNDArrayList}. @public */
export interface DecodeNDArrayOptions {
  /**
   * Largest number of elements accepted in one array (after densifying sparse storage).
   * @defaultValue 100_000_000
   */
  maxElements?: number;
}

class Reader {
  pos = 0;
  private readonly view: DataView;
  constructor(
    readonly bytes: Uint8Array,
    private readonly file: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  fail(message: string, at = this.pos): never {
    throw new ModelError("MODEL_CORRUPT", `${this.file}: ${message} at byte ${at}`);
  }
  need(n: number): void {
    if (this.pos + n > this.bytes.length) this.fail(`truncated NDArray data (need ${n} more bytes, have ${this.bytes.length - this.pos})`);
  }
  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }
  i32(): number {
    this.need(4);
    const v = this.view.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }
  u64(): number {
    this.need(8);
    const v = this.view.getBigUint64(this.pos, true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) this.fail(`64-bit value ${v} too large`);
    this.pos += 8;
    return Number(v);
  }
  i64(): number {
    this.need(8);
    const v = this.view.getBigInt64(this.pos, true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) this.fail(`64-bit value ${v} out of range`);
    this.pos += 8;
    return Number(v);
  }
  take(n: number): Uint8Array {
    this.need(n);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}

function product(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

function decodeValues(bytes: Uint8Array, dtype: NDArrayDtype, count: number): Float64Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float64Array(count);
  const size = DTYPE_SIZE[dtype];
  for (let i = 0; i < count; i++) {
    const o = i * size;
    switch (dtype) {
      case "float32":
        out[i] = view.getFloat32(o, true);
        break;
      case "float64":
        out[i] = view.getFloat64(o, true);
        break;
      case "float16":
        out[i] = halfToFloat(view.getUint16(o, true));
        break;
      case "bfloat16":
        out[i] = new Float32Array(new Uint32Array([view.getUint16(o, true) << 16]).buffer)[0]!;
        break;
      case "uint8":
      case "bool":
        out[i] = view.getUint8(o);
        break;
      case "int8":
        out[i] = view.getInt8(o);
        break;
      case "int16":
        out[i] = view.getInt16(o, true);
        break;
      case "uint16":
        out[i] = view.getUint16(o, true);
        break;
      case "int32":
        out[i] = view.getInt32(o, true);
        break;
      case "uint32":
        out[i] = view.getUint32(o, true);
        break;
      case "int64":
        out[i] = Number(view.getBigInt64(o, true));
        break;
      case "uint64":
        out[i] = Number(view.getBigUint64(o, true));
        break;
    }
  }
  return out;
}

function readShape64(r: Reader): { ndim: number; dims: number[] } {
  const at = r.pos;
  const ndim = r.i32();
  if (ndim < -1 || ndim > 32) r.fail(`invalid number of dimensions ${ndim}`, at);
  const dims: number[] = [];
  for (let i = 0; i < ndim; i++) {
    const dimAt = r.pos;
    const d = r.i64();
    if (d < 0) r.fail(`invalid dimension ${d}`, dimAt);
    dims.push(d);
  }
  return { ndim, dims };
}

function readDtype(r: Reader): NDArrayDtype {
  const at = r.pos;
  const flag = r.i32();
  const dtype = DTYPES[flag];
  if (dtype === undefined) r.fail(`unknown dtype flag ${flag}`, at);
  return dtype;
}

function checkCount(r: Reader, shape: number[], maxElements: number, at: number): number {
  const n = product(shape);
  if (n > maxElements) throw new ModelError("MODEL_UNSUPPORTED", `array of ${n} elements exceeds the limit of ${maxElements} (byte ${at})`);
  return n;
}

function readRecord(r: Reader, maxElements: number): Omit<NDArrayEntry, "name"> {
  const start = r.pos;
  const magic = r.u32();
  let version: NDArrayVersion;
  if (magic === NDARRAY_MAGIC.V1) version = "V1";
  else if (magic === NDARRAY_MAGIC.V2) version = "V2";
  else if (magic === NDARRAY_MAGIC.V3) version = "V3";
  else if (magic <= 32) version = "legacy";
  else r.fail(`unknown NDArray record magic 0x${magic.toString(16).padStart(8, "0")} (expected V1 0xf993fac8, V2 0xf993fac9, V3 0xf993faca or a legacy dimension count)`, start);

  const none = (storage: NDArrayStorage): Omit<NDArrayEntry, "name"> => ({
    version,
    storage,
    dtype: "float32",
    shape: null,
    context: { devType: 1, devId: 0 },
    values: new Float64Array(0),
  });

  let storage: NDArrayStorage = "default";
  let storageShape: number[] | null = null;
  let shape: number[];
  if (version === "legacy") {
    shape = [];
    for (let i = 0; i < magic; i++) shape.push(r.u32());
    if (magic === 0) return none(storage);
  } else {
    if (version !== "V1") {
      const at = r.pos;
      const stype = r.i32();
      const s = STORAGES[stype];
      if (s === undefined) r.fail(`unknown storage type ${stype}`, at);
      storage = s;
      if (storage !== "default") storageShape = readShape64(r).dims;
    }
    const { ndim, dims } = readShape64(r);
    if (version === "V3" ? ndim === -1 : ndim <= 0) return none(storage);
    if (ndim === -1) r.fail("invalid number of dimensions -1", r.pos - 4);
    shape = dims;
  }
  const devType = r.i32();
  const devId = r.i32();
  const dtype = readDtype(r);
  const aux: { dtype: NDArrayDtype; shape: number[] }[] = [];
  if (storage !== "default") {
    const nAux = storage === "row_sparse" ? 1 : 2;
    for (let i = 0; i < nAux; i++) aux.push({ dtype: readDtype(r), shape: readShape64(r).dims });
  }
  const dataAt = r.pos;
  const total = checkCount(r, shape, maxElements, dataAt);
  const stored = storageShape ?? shape;
  const nStored = checkCount(r, stored, maxElements, dataAt);
  const data = decodeValues(r.take(nStored * DTYPE_SIZE[dtype]), dtype, nStored);
  const auxData = aux.map((a) => {
    const n = checkCount(r, a.shape, maxElements, r.pos);
    return decodeValues(r.take(n * DTYPE_SIZE[a.dtype]), a.dtype, n);
  });
  let values = data;
  if (storage === "row_sparse") {
    // Stored rows (storage shape) with their row indices; densify into the logical shape.
    const rowIdx = auxData[0]!;
    const width = shape.length > 1 ? total / shape[0]! : 1;
    if (rowIdx.length * width !== data.length) r.fail("row_sparse index count does not match its values", dataAt);
    values = new Float64Array(total);
    for (let k = 0; k < rowIdx.length; k++) {
      const row = rowIdx[k]!;
      if (!Number.isInteger(row) || row < 0 || row >= shape[0]!) r.fail(`row_sparse row index ${row} out of range`, dataAt);
      values.set(data.subarray(k * width, (k + 1) * width), row * width);
    }
  } else if (storage === "csr") {
    const [indptr, indices] = auxData as [Float64Array, Float64Array];
    if (shape.length !== 2 || indptr.length !== shape[0]! + 1 || indices.length !== data.length) r.fail("inconsistent csr arrays", dataAt);
    const cols = shape[1]!;
    values = new Float64Array(total);
    for (let row = 0; row < shape[0]!; row++) {
      const a = indptr[row]!;
      const b = indptr[row + 1]!;
      if (!(a >= 0 && a <= b && b <= data.length)) r.fail("csr row pointers out of range", dataAt);
      for (let k = a; k < b; k++) {
        const c = indices[k]!;
        if (!Number.isInteger(c) || c < 0 || c >= cols) r.fail(`csr column index ${c} out of range`, dataAt);
        values[row * cols + c] = data[k]!;
      }
    }
  }
  return { version, storage, dtype, shape, context: { devType, devId }, values };
}

/**
 * Decodes an MXNet NDArray list (`.params` file, as saved by `mx.nd.save` / `Module.save_params`).
 *
 * Reads all four record layouts (V1, V2, V3 and the legacy pre-V1 layout), dense, `row_sparse`
 * and `csr` storage, and every dtype; sparse arrays come back densified.
 *
 * @param bytes - The whole file.
 * @param file - Name used in error messages.
 * @throws {@link ModelError} `MODEL_CORRUPT` for malformed or truncated input, `MODEL_UNSUPPORTED`
 *   for arrays above `maxElements`.
 * @public
 */
export function decodeNDArrayList(bytes: Uint8Array, file = "params", options: DecodeNDArrayOptions = {}): NDArrayEntry[] {
  const maxElements = options.maxElements ?? 100_000_000;
  const r = new Reader(bytes, file);
  if (bytes.length < 8) r.fail("too short for an NDArray list", 0);
  const magic = r.u64();
  if (magic !== NDARRAY_LIST_MAGIC) r.fail(`not an MXNet NDArray list (magic 0x${magic.toString(16)}, expected 0x112)`, 0);
  r.u64(); // reserved
  const countAt = r.pos;
  const count = r.u64();
  if (count > bytes.length) r.fail(`array count ${count} larger than the file`, countAt);
  const arrays: Omit<NDArrayEntry, "name">[] = [];
  for (let i = 0; i < count; i++) arrays.push(readRecord(r, maxElements));
  const namesAt = r.pos;
  const nameCount = r.u64();
  if (nameCount !== 0 && nameCount !== count) r.fail(`name count ${nameCount} does not match array count ${count}`, namesAt);
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const names: string[] = [];
  for (let i = 0; i < nameCount; i++) {
    const at = r.pos;
    const len = r.u64();
    try {
      names.push(decoder.decode(r.take(len)));
    } catch (err) {
      if (err instanceof ModelError) throw err;
      r.fail("array name is not valid UTF-8", at);
    }
  }
  if (r.pos !== bytes.length) r.fail(`${bytes.length - r.pos} unexpected bytes after the NDArray list`);
  return arrays.map((a, i) => ({ name: names[i] ?? "", ...a }));
}

/** One array to write with {@link encodeNDArrayList}. @public */
export interface NDArrayInput {
  /** Name, e.g. `arg:fc0_weight`. */
  name: string;
  /** Logical shape (at least one dimension). */
  shape: readonly number[];
  /** Values in row-major order; `product(shape)` of them. */
  values: ArrayLike<number>;
  /**
   * Element type to store.
   * @defaultValue "float32"
   */
  dtype?: "float32" | "float64" | "int32" | "int64" | "uint8" | "int8";
}

/** Options of {@link encodeNDArrayList}. @public */
export interface EncodeNDArrayOptions {
  /**
   * Record layout; MXNet 1.x writes `V2`, which is what SageMaker's Linear Learner produces.
   * @defaultValue "V2"
   */
  version?: NDArrayVersion;
}

/**
 * Encodes dense arrays as an MXNet NDArray list (the `.params` format), on CPU 0.
 *
 * @example
 * ```ts
 * const bytes = encodeNDArrayList([{ name: "arg:fc0_bias", shape: [1], values: [0.5] }]);
 * ```
 * @throws {@link ModelError} `INVALID_ARGUMENT` when a shape does not match its values.
 * @public
 */
export function encodeNDArrayList(arrays: readonly NDArrayInput[], options: EncodeNDArrayOptions = {}): Uint8Array {
  const version = options.version ?? "V2";
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [];
  const u64 = (v: number): Uint8Array => {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt(v), true);
    return b;
  };
  const i32 = (v: number): Uint8Array => {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setInt32(0, v, true);
    return b;
  };
  parts.push(u64(NDARRAY_LIST_MAGIC), u64(0), u64(arrays.length));
  for (const a of arrays) {
    const dtype = a.dtype ?? "float32";
    const n = product(a.shape);
    if (a.shape.length === 0 || a.shape.some((d) => !Number.isInteger(d) || d < 0) || n !== a.values.length) {
      throw new ModelError("INVALID_ARGUMENT", `array ${a.name}: shape (${a.shape.join(", ")}) does not hold ${a.values.length} values`);
    }
    if (version === "legacy") {
      parts.push(i32(a.shape.length));
      for (const d of a.shape) parts.push(i32(d));
    } else {
      parts.push(i32(NDARRAY_MAGIC[version] | 0));
      if (version !== "V1") parts.push(i32(0));
      parts.push(i32(a.shape.length));
      for (const d of a.shape) parts.push(u64(d));
    }
    parts.push(i32(1), i32(0), i32(DTYPES.indexOf(dtype)));
    const size = DTYPE_SIZE[dtype];
    const data = new Uint8Array(n * size);
    const view = new DataView(data.buffer);
    for (let i = 0; i < n; i++) {
      const v = a.values[i]!;
      if (dtype === "float32") view.setFloat32(i * size, v, true);
      else if (dtype === "float64") view.setFloat64(i * size, v, true);
      else if (dtype === "int32") view.setInt32(i * size, v, true);
      else if (dtype === "int64") view.setBigInt64(i * size, BigInt(Math.trunc(v)), true);
      else if (dtype === "uint8") view.setUint8(i * size, v);
      else view.setInt8(i * size, v);
    }
    parts.push(data);
  }
  parts.push(u64(arrays.length));
  for (const a of arrays) {
    const name = enc.encode(a.name);
    parts.push(u64(name.length), name);
  }
  const total = parts.reduce((s, p) => s + p.length, 0);
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
