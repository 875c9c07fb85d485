// The MXNet NDArray list format (`.params` files), shared by the decoder and the encoder.
// Layout per `NDArray::Save` / `NDArray::Load` in MXNet's `src/ndarray/ndarray.cc`.

/** Magic of an MXNet NDArray list file (`kMXAPINDArrayListMagic`), stored as a uint64. */
export const NDARRAY_LIST_MAGIC = 0x112;

/** Per-array magics written by `NDArray::Save`, by format version. */
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

/** Element types in type-flag order (mshadow's `kFloat32` = 0 … `kBfloat16` = 12). */
export const DTYPES: readonly NDArrayDtype[] = [
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

/** Bytes per element. */
export const DTYPE_SIZE: Readonly<Record<NDArrayDtype, number>> = {
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

/** Storage types in flag order. */
export const STORAGES: readonly NDArrayStorage[] = ["default", "row_sparse", "csr"];

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

/** Number of elements of a shape (1 for a scalar shape `[]`). */
export function product(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}
