import { ModelError } from "../../errors.js";
import { DTYPES, DTYPE_SIZE, NDARRAY_LIST_MAGIC, NDARRAY_MAGIC, STORAGES, product } from "./ndarray-format.js";
import type { NDArrayDtype, NDArrayEntry, NDArrayStorage, NDArrayVersion } from "./ndarray-format.js";

/** Options of {@link decodeNDArrayList}. @public */
export interface DecodeNDArrayOptions {
  /**
   * Largest number of elements one array may declare (its logical shape, sparse arrays included),
   * checked before anything is allocated.
   * @defaultValue 16_777_216
   */
  maxElements?: number;
  /**
   * Name used in error messages.
   * @defaultValue "params"
   */
  name?: string;
}

const DEFAULT_MAX_ELEMENTS = 16 * 1024 * 1024;

class Reader {
  pos = 0;
  private readonly view: DataView;
  constructor(
    readonly bytes: Uint8Array,
    readonly file: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  fail(message: string, at = this.pos): never {
    throw new ModelError("MODEL_CORRUPT", `${this.file}: ${message} at byte ${at}`);
  }
  left(): number {
    return this.bytes.length - this.pos;
  }
  need(n: number): void {
    if (n > this.left()) this.fail(`truncated NDArray data (need ${n} more bytes, have ${this.left()})`);
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

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

const bf16 = new Float32Array(1);
const bf16Bits = new Uint32Array(bf16.buffer);

function readValue(view: DataView, o: number, dtype: NDArrayDtype): number {
  switch (dtype) {
    case "float32":
      return view.getFloat32(o, true);
    case "float64":
      return view.getFloat64(o, true);
    case "float16":
      return halfToFloat(view.getUint16(o, true));
    case "bfloat16":
      bf16Bits[0] = view.getUint16(o, true) << 16;
      return bf16[0]!;
    case "uint8":
    case "bool":
      return view.getUint8(o);
    case "int8":
      return view.getInt8(o);
    case "int16":
      return view.getInt16(o, true);
    case "uint16":
      return view.getUint16(o, true);
    case "int32":
      return view.getInt32(o, true);
    case "uint32":
      return view.getUint32(o, true);
    case "int64":
      return Number(view.getBigInt64(o, true));
    case "uint64":
      return Number(view.getBigUint64(o, true));
  }
}

function decodeValues(bytes: Uint8Array, dtype: NDArrayDtype, count: number): Float64Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = DTYPE_SIZE[dtype];
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = readValue(view, i * size, dtype);
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

/** Elements of a declared shape, refused above the limit before anything is allocated. */
function checkCount(r: Reader, shape: readonly number[], maxElements: number, at: number): number {
  const n = product(shape);
  if (n > maxElements) {
    throw new ModelError("MODEL_TOO_LARGE", `${r.file}: array of shape (${shape.join(", ")}) declares ${n} elements, above the limit of ${maxElements} (byte ${at})`);
  }
  return n;
}

/** Reads `count` values of `dtype`, checking the bytes are present before allocating. */
function readValues(r: Reader, dtype: NDArrayDtype, count: number): Float64Array {
  const bytes = count * DTYPE_SIZE[dtype];
  if (bytes > r.left()) r.fail(`truncated NDArray data (${count} ${dtype} values need ${bytes} bytes, ${r.left()} present)`);
  return decodeValues(r.take(bytes), dtype, count);
}

function readVersion(r: Reader): { version: NDArrayVersion; magic: number } {
  const start = r.pos;
  const magic = r.u32();
  if (magic === NDARRAY_MAGIC.V1) return { version: "V1", magic };
  if (magic === NDARRAY_MAGIC.V2) return { version: "V2", magic };
  if (magic === NDARRAY_MAGIC.V3) return { version: "V3", magic };
  if (magic <= 32) return { version: "legacy", magic };
  return r.fail(`unknown NDArray record magic 0x${magic.toString(16).padStart(8, "0")} (expected V1 0xf993fac8, V2 0xf993fac9, V3 0xf993faca or a legacy dimension count)`, start);
}

function densifyRowSparse(r: Reader, shape: number[], total: number, data: Float64Array, rowIdx: Float64Array, at: number): Float64Array {
  const width = shape.length > 1 ? total / shape[0]! : 1;
  if (rowIdx.length * width !== data.length) r.fail("row_sparse index count does not match its values", at);
  const values = new Float64Array(total);
  for (let k = 0; k < rowIdx.length; k++) {
    const row = rowIdx[k]!;
    if (!Number.isInteger(row) || row < 0 || row >= shape[0]!) r.fail(`row_sparse row index ${row} out of range`, at);
    values.set(data.subarray(k * width, (k + 1) * width), row * width);
  }
  return values;
}

function densifyCsr(r: Reader, shape: number[], total: number, data: Float64Array, indptr: Float64Array, indices: Float64Array, at: number): Float64Array {
  if (shape.length !== 2 || indptr.length !== shape[0]! + 1 || indices.length !== data.length) r.fail("inconsistent csr arrays", at);
  const cols = shape[1]!;
  const values = new Float64Array(total);
  for (let row = 0; row < shape[0]!; row++) {
    const a = indptr[row]!;
    const b = indptr[row + 1]!;
    if (!(a >= 0 && a <= b && b <= data.length)) r.fail("csr row pointers out of range", at);
    for (let k = a; k < b; k++) {
      const c = indices[k]!;
      if (!Number.isInteger(c) || c < 0 || c >= cols) r.fail(`csr column index ${c} out of range`, at);
      values[row * cols + c] = data[k]!;
    }
  }
  return values;
}

type Record_ = Omit<NDArrayEntry, "name">;

function noneRecord(version: NDArrayVersion, storage: NDArrayStorage): Record_ {
  return { version, storage, dtype: "float32", shape: null, context: { devType: 1, devId: 0 }, values: new Float64Array(0) };
}

/** Storage type, storage shape and logical shape of a record; `null` shape for a "none" array. */
function readHeader(r: Reader, version: NDArrayVersion, magic: number): { storage: NDArrayStorage; storageShape: number[] | null; shape: number[] | null } {
  if (version === "legacy") {
    const shape: number[] = [];
    for (let i = 0; i < magic; i++) shape.push(r.u32());
    return { storage: "default", storageShape: null, shape: magic === 0 ? null : shape };
  }
  let storage: NDArrayStorage = "default";
  let storageShape: number[] | null = null;
  if (version !== "V1") {
    const at = r.pos;
    const stype = r.i32();
    const s = STORAGES[stype];
    if (s === undefined) r.fail(`unknown storage type ${stype}`, at);
    storage = s;
    if (storage !== "default") storageShape = readShape64(r).dims;
  }
  const { ndim, dims } = readShape64(r);
  if (version === "V3" ? ndim === -1 : ndim <= 0) return { storage, storageShape, shape: null };
  if (ndim === -1) r.fail("invalid number of dimensions -1", r.pos - 4);
  return { storage, storageShape, shape: dims };
}

function readRecord(r: Reader, maxElements: number): Record_ {
  const { version, magic } = readVersion(r);
  const { storage, storageShape, shape } = readHeader(r, version, magic);
  if (shape === null) return noneRecord(version, storage);
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
  const nStored = checkCount(r, storageShape ?? shape, maxElements, dataAt);
  const data = readValues(r, dtype, nStored);
  const auxData = aux.map((a) => readValues(r, a.dtype, checkCount(r, a.shape, maxElements, r.pos)));
  let values = data;
  if (storage === "row_sparse") values = densifyRowSparse(r, shape, total, data, auxData[0]!, dataAt);
  else if (storage === "csr") values = densifyCsr(r, shape, total, data, auxData[0]!, auxData[1]!, dataAt);
  return { version, storage, dtype, shape, context: { devType, devId }, values };
}

function readNames(r: Reader, count: number): string[] {
  const namesAt = r.pos;
  const nameCount = r.u64();
  if (nameCount !== 0 && nameCount !== count) r.fail(`name count ${nameCount} does not match array count ${count}`, namesAt);
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const names: string[] = [];
  for (let i = 0; i < nameCount; i++) {
    const at = r.pos;
    const len = r.u64();
    const bytes = r.take(len);
    try {
      names.push(decoder.decode(bytes));
    } catch {
      r.fail("array name is not valid UTF-8", at);
    }
  }
  return names;
}

/**
 * Decodes an MXNet NDArray list (`.params` file, as saved by `mx.nd.save` / `Module.save_params`).
 *
 * Reads all four record layouts (V1, V2, V3 and the legacy pre-V1 layout), dense, `row_sparse`
 * and `csr` storage, and every dtype; sparse arrays come back densified. Every size the data
 * declares is checked against `maxElements` and against the bytes present before anything is
 * allocated.
 *
 * @example
 * ```ts
 * const [weight, bias] = decodeNDArrayList(paramsBytes, { name: "mx-mod-0000.params" });
 * weight.shape; // [30, 1]
 * ```
 * @param bytes - The whole file.
 * @throws {@link ModelError} `MODEL_CORRUPT` for malformed or truncated input, `MODEL_TOO_LARGE`
 *   for an array declaring more than `maxElements` elements.
 * @public
 */
export function decodeNDArrayList(bytes: Uint8Array, options: DecodeNDArrayOptions = {}): NDArrayEntry[] {
  const maxElements = options.maxElements ?? DEFAULT_MAX_ELEMENTS;
  const r = new Reader(bytes, options.name ?? "params");
  if (bytes.length < 24) r.fail("too short for an NDArray list", 0);
  const magic = r.u64();
  if (magic !== NDARRAY_LIST_MAGIC) r.fail(`not an MXNet NDArray list (magic 0x${magic.toString(16)}, expected 0x112)`, 0);
  r.u64(); // reserved
  const countAt = r.pos;
  const count = r.u64();
  // The smallest record (a legacy "none" array) takes 4 bytes.
  if (count * 4 > r.left()) r.fail(`array count ${count} larger than the file can hold`, countAt);
  const arrays: Record_[] = [];
  for (let i = 0; i < count; i++) arrays.push(readRecord(r, maxElements));
  const names = readNames(r, count);
  if (r.pos !== bytes.length) r.fail(`${bytes.length - r.pos} unexpected bytes after the NDArray list`);
  return arrays.map((a, i) => ({ name: names[i] ?? "", ...a }));
}
