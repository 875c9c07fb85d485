/**
 * Sparse matrices (CSR and COO), byte-identical to the SDK's `write_spmatrix_to_sparse_tensor`.
 * @packageDocumentation
 */
import type { Dtype, NumericArray } from "./dtype.js";
import { RecordIOError } from "./errors.js";
import { allocArray, allocBytes, invalidArgument, requireOptions } from "./args.js";
import { planLabels, toSource } from "./matrix.js";
import type { LabelsInput } from "./matrix.js";
import { paddingFor, writeFrameHeader } from "./framing.js";
import { TENSOR_TAG, entrySize, packedLen, valuesLen, writeEntryStart, writeValues } from "./layout.js";
import type { Source } from "./layout.js";
import { varintSize, writeVarint } from "./wire/varint.js";

/**
 * A compressed-sparse-row matrix (scipy's `csr_matrix`): row `i` holds `indices[indptr[i]..indptr[i+1]]`
 * with values `data[...]`. Entries are written in the order stored, as the SDK does for CSR input.
 * @public
 */
export interface CsrMatrix {
  /** Discriminator. */
  format: "csr";
  /** `[rows, cols]`. */
  shape: readonly [number, number] | readonly number[];
  /** Row pointers, `rows + 1` non-decreasing offsets into `indices`/`data`. */
  indptr: ArrayLike<number>;
  /** Column index of each stored entry. */
  indices: ArrayLike<number>;
  /** Stored values; a typed array fixes the element type, plain numbers use `dtype`. */
  data: NumericArray | readonly number[];
}

/**
 * A coordinate-format matrix (scipy's `coo_matrix`): triplets in any order. Like scipy's
 * `tocsr()`, entries are sorted by row then column and duplicates are summed; explicit zeros stay.
 * @public
 */
export interface CooMatrix {
  /** Discriminator. */
  format: "coo";
  /** `[rows, cols]`. */
  shape: readonly [number, number] | readonly number[];
  /** Row of each entry. */
  row: ArrayLike<number>;
  /** Column of each entry. */
  col: ArrayLike<number>;
  /** Value of each entry. */
  data: NumericArray | readonly number[];
}

/** A sparse matrix accepted by {@link encodeSparse}. @public */
export type SparseMatrix = CsrMatrix | CooMatrix;

/** Options of {@link encodeSparse}. @public */
export interface EncodeSparseOptions {
  /** One label per row. */
  labels?: LabelsInput | undefined;
  /** Element type for plain-array values. @defaultValue "float64" */
  dtype?: Dtype;
  /** Element type for plain-array labels. @defaultValue "float64" */
  labelDtype?: Dtype;
}

function invalid(msg: string): RecordIOError {
  return new RecordIOError("INVALID_SPARSE", msg);
}

function checkIndex(v: number, limit: number, what: string): void {
  if (!Number.isInteger(v) || v < 0 || v >= limit) throw invalid(`${what} ${v} out of bounds for size ${limit}`);
}

interface Csr {
  rows: number;
  cols: number;
  indptr: Float64Array;
  indices: Float64Array;
  values: Source;
}

/** Converts COO triplets to canonical CSR (sorted, duplicates summed in their given order). */
function cooToCsr(m: CooMatrix, rows: number, cols: number, dtype: Dtype | undefined): Csr {
  const nnz = m.data.length;
  if (m.row.length !== nnz || m.col.length !== nnz) throw invalid(`row, col and data lengths differ (${m.row.length}, ${m.col.length}, ${nnz})`);
  for (let i = 0; i < nnz; i++) {
    checkIndex(m.row[i]!, rows, "row index");
    checkIndex(m.col[i]!, cols, "column index");
  }
  const src = toSource(m.data, dtype, 1);
  // stable order by (row, col)
  const order = Array.from({ length: nnz }, (_, i) => i);
  order.sort((a, b) => m.row[a]! - m.row[b]! || m.col[a]! - m.col[b]! || a - b);
  const indptr = allocArray(Float64Array, rows + 1, "the row pointers");
  const indices: number[] = [];
  const groups: number[][] = [];
  let prevRow = -1;
  let prevCol = -1;
  for (let k = 0; k < nnz; k++) {
    const i = order[k]!;
    const r = m.row[i]!;
    const c = m.col[i]!;
    if (r === prevRow && c === prevCol) {
      groups[groups.length - 1]!.push(i);
      continue;
    }
    indices.push(c);
    groups.push([i]);
    indptr[r + 1]!++;
    prevRow = r;
    prevCol = c;
  }
  for (let r = 0; r < rows; r++) indptr[r + 1] = indptr[r + 1]! + indptr[r]!;
  return { rows, cols, indptr, indices: Float64Array.from(indices), values: sumGroups(src, groups) };
}

/** Sums each group of entries in the source's element type (as scipy sums in the array's dtype). */
function sumGroups(src: Source, groups: number[][]): Source {
  const n = groups.length;
  if (src.type === "int32") {
    const ints = src.ints!;
    const out = new Int32Array(n);
    for (let g = 0; g < n; g++) {
      let s = 0;
      for (const i of groups[g]!) s += ints[i]!;
      if (s < -2147483648 || s > 2147483647) throw new RecordIOError("VALUE_OUT_OF_RANGE", `Value out of range: ${s}`);
      out[g] = s;
    }
    return { type: "int32", words: undefined, ints: out };
  }
  if (src.type === "float32") {
    const vals = new Float32Array(src.words!.buffer, src.words!.byteOffset, src.words!.length);
    const out = new Float32Array(n);
    for (let g = 0; g < n; g++) {
      const grp = groups[g]!;
      let s = vals[grp[0]!]!;
      for (let k = 1; k < grp.length; k++) s = Math.fround(s + vals[grp[k]!]!);
      out[g] = s;
    }
    return { type: "float32", words: new Uint32Array(out.buffer), ints: undefined };
  }
  const vals = new Float64Array(src.words!.buffer, src.words!.byteOffset, src.words!.length / 2);
  const out = new Float64Array(n);
  for (let g = 0; g < n; g++) {
    const grp = groups[g]!;
    let s = vals[grp[0]!]!;
    for (let k = 1; k < grp.length; k++) s += vals[grp[k]!]!;
    out[g] = s;
  }
  return { type: "float64", words: new Uint32Array(out.buffer), ints: undefined };
}

function csrOf(m: CsrMatrix, rows: number, cols: number, dtype: Dtype | undefined): Csr {
  if (m.indptr.length !== rows + 1) throw invalid(`indptr has ${m.indptr.length} entries, expected ${rows + 1}`);
  const nnz = m.data.length;
  if (m.indices.length !== nnz) throw invalid(`indices and data lengths differ (${m.indices.length}, ${nnz})`);
  if (m.indptr[0] !== 0 || m.indptr[rows] !== nnz) throw invalid(`indptr must run from 0 to ${nnz}`);
  for (let r = 0; r < rows; r++) {
    if (!(m.indptr[r + 1]! >= m.indptr[r]!)) throw invalid(`indptr decreases at row ${r}`);
  }
  for (let i = 0; i < nnz; i++) checkIndex(m.indices[i]!, cols, "column index");
  return { rows, cols, indptr: Float64Array.from(m.indptr), indices: Float64Array.from(m.indices), values: toSource(m.data, dtype, 1) };
}

/**
 * Encodes a sparse matrix as RecordIO-protobuf, one record per row, exactly as the SageMaker Python
 * SDK's `write_spmatrix_to_sparse_tensor(file, array, labels)` writes it: each record's tensor holds
 * the row's stored values, their column indices as `keys`, and `shape = [cols]`; an all-zero row
 * still gets a record. A dense input raises `NOT_SPARSE` ("Array must be sparse").
 *
 * @example
 * ```ts
 * const bytes = encodeSparse(
 *   { format: "coo", shape: [2, 5], row: [0, 1], col: [4, 0], data: new Float32Array([1, 2]) },
 *   { labels: new Float32Array([1, 0]) },
 * );
 * ```
 * @public
 */
export function encodeSparse(matrix: SparseMatrix, options: EncodeSparseOptions = {}): Uint8Array {
  requireOptions(options);
  const m = matrix as unknown as { format?: unknown; shape?: readonly number[] } | null;
  if (m === null || typeof m !== "object" || (m.format !== "csr" && m.format !== "coo")) {
    throw new RecordIOError("NOT_SPARSE", "Array must be sparse");
  }
  const shape = m.shape ?? [];
  if (shape.length !== 2) throw new RecordIOError("NOT_A_MATRIX", "Array must be a Matrix");
  const rows = shape[0]!;
  const cols = shape[1]!;
  if (!Number.isSafeInteger(rows) || !Number.isSafeInteger(cols) || rows < 0 || cols < 0) throw invalid(`invalid shape (${rows}, ${cols})`);
  const labels = planLabels(options.labels, rows, cols, options.labelDtype);
  const csr = m.format === "coo" ? cooToCsr(matrix as CooMatrix, rows, cols, options.dtype) : csrOf(matrix as CsrMatrix, rows, cols, options.dtype);
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const size = rowSize(csr, labels, r);
    if (size > 0xffffffff) throw invalidArgument(`row ${r} encodes to ${size} bytes, above the 4294967295-byte limit of a RecordIO record`);
    total += 8 + size + paddingFor(size);
  }
  const out = allocBytes(total, `${rows} encoded rows`);
  const view = new DataView(out.buffer);
  for (let r = 0, pos = 0; r < rows; r++) pos = writeSparseRow(out, view, pos, csr, labels, r);
  return out;
}

/** Bytes of row `r`'s packed keys. */
function keysLength(csr: Csr, r: number): number {
  let len = 0;
  for (let i = csr.indptr[r]!, end = csr.indptr[r + 1]!; i < end; i++) len += varintSize(csr.indices[i]!);
  return len;
}

/** Bytes of row `r`'s tensor message: values, keys and shape. */
function tensorLength(csr: Csr, r: number): number {
  const start = csr.indptr[r]!;
  const n = csr.indptr[r + 1]! - start;
  const shapeLen = 1 + varintSize(varintSize(csr.cols)) + varintSize(csr.cols);
  return packedLen(valuesLen(csr.values, start, n)) + packedLen(keysLength(csr, r)) + shapeLen;
}

/** Payload size of row `r`. */
function rowSize(csr: Csr, labels: Source | undefined, r: number): number {
  let size = entrySize(tensorLength(csr, r));
  if (labels) size += entrySize(packedLen(valuesLen(labels, r, 1)));
  return size;
}

/** Writes row `r` as one framed record at `pos`; returns the position after its padding. */
function writeSparseRow(out: Uint8Array, view: DataView, pos: number, csr: Csr, labels: Source | undefined, r: number): number {
  const { indptr, indices, values, cols } = csr;
  const start = indptr[r]!;
  const n = indptr[r + 1]! - start;
  const size = rowSize(csr, labels, r);
  pos = writeFrameHeader(out, pos, size);
  pos = writeEntryStart(out, pos, 0x0a, TENSOR_TAG[values.type], tensorLength(csr, r));
  pos = writeValues(out, view, pos, values, start, n, valuesLen(values, start, n));
  if (n > 0) {
    out[pos++] = 0x12;
    pos = writeVarint(out, pos, keysLength(csr, r));
    for (let i = start; i < start + n; i++) pos = writeVarint(out, pos, indices[i]!);
  }
  out[pos++] = 0x1a;
  pos = writeVarint(out, pos, varintSize(cols));
  pos = writeVarint(out, pos, cols);
  if (labels) {
    pos = writeEntryStart(out, pos, 0x12, TENSOR_TAG[labels.type], packedLen(valuesLen(labels, r, 1)));
    pos = writeValues(out, view, pos, labels, r, 1, valuesLen(labels, r, 1));
  }
  const pad = paddingFor(size);
  for (let i = 0; i < pad; i++) out[pos++] = 0;
  return pos;
}
