/**
 * Sparse matrices (CSR and COO), byte-identical to the SDK's `write_spmatrix_to_sparse_tensor`.
 * @packageDocumentation
 */
import type { Dtype, NumericArray } from "./dtype.js";
import { RecordIOError } from "./errors.js";
import { toSource } from "./matrix.js";
import type { LabelsInput, Matrix } from "./matrix.js";
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
  const indptr = new Float64Array(rows + 1);
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
  const m = matrix as unknown as { format?: unknown; shape?: readonly number[] } | null;
  if (m === null || typeof m !== "object" || (m.format !== "csr" && m.format !== "coo")) {
    throw new RecordIOError("NOT_SPARSE", "Array must be sparse");
  }
  const shape = m.shape ?? [];
  if (shape.length !== 2) throw new RecordIOError("NOT_A_MATRIX", "Array must be a Matrix");
  const rows = shape[0]!;
  const cols = shape[1]!;
  if (!Number.isSafeInteger(rows) || !Number.isSafeInteger(cols) || rows < 0 || cols < 0) throw invalid(`invalid shape (${rows}, ${cols})`);
  let labels: Source | undefined;
  const lab = options.labels;
  if (lab !== undefined && lab !== null) {
    let data: unknown = lab;
    let n: number;
    if (typeof lab === "object" && "shape" in lab && !Array.isArray(lab)) {
      const lm = lab as Matrix;
      if (lm.shape.length !== 1) throw new RecordIOError("LABELS_NOT_A_VECTOR", "Labels must be a Vector");
      data = lm.data;
      n = lm.shape[0]!;
    } else if (Array.isArray(lab) && lab.some((v) => typeof v === "object" && v !== null)) {
      throw new RecordIOError("LABELS_NOT_A_VECTOR", "Labels must be a Vector");
    } else n = (lab as ArrayLike<number>).length;
    if (n !== rows) throw new RecordIOError("LABEL_SHAPE_MISMATCH", `Label shape (${n},) not compatible with array shape (${rows}, ${cols})`);
    labels = toSource(data, options.labelDtype, 1);
  }
  const csr = m.format === "coo" ? cooToCsr(matrix as CooMatrix, rows, cols, options.dtype) : csrOf(matrix as CsrMatrix, rows, cols, options.dtype);
  const { indptr, indices, values } = csr;

  const shapeLen = 1 + varintSize(varintSize(cols)) + varintSize(cols);
  const sizes = new Float64Array(rows);
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const start = indptr[r]!;
    const n = indptr[r + 1]! - start;
    let keysLen = 0;
    for (let i = start; i < start + n; i++) keysLen += varintSize(indices[i]!);
    const tensorLen = packedLen(valuesLen(values, start, n)) + packedLen(keysLen) + shapeLen;
    let size = entrySize(tensorLen);
    if (labels) size += entrySize(packedLen(valuesLen(labels, r, 1)));
    sizes[r] = size;
    total += 8 + size + paddingFor(size);
  }
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let pos = 0;
  for (let r = 0; r < rows; r++) {
    const start = indptr[r]!;
    const n = indptr[r + 1]! - start;
    const size = sizes[r]!;
    pos = writeFrameHeader(out, pos, size);
    let keysLen = 0;
    for (let i = start; i < start + n; i++) keysLen += varintSize(indices[i]!);
    const tensorLen = packedLen(valuesLen(values, start, n)) + packedLen(keysLen) + shapeLen;
    pos = writeEntryStart(out, pos, 0x0a, TENSOR_TAG[values.type], tensorLen);
    pos = writeValues(out, view, pos, values, start, n, valuesLen(values, start, n));
    if (n > 0) {
      out[pos++] = 0x12;
      pos = writeVarint(out, pos, keysLen);
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
  }
  return out;
}
