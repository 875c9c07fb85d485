/**
 * The `aialgs.data.Record` protobuf message (SageMaker's `record.proto`): typed model and codec.
 * @packageDocumentation
 */

/** Element type of a numeric tensor: `Float32Tensor`, `Float64Tensor` or `Int32Tensor`. @public */
export type TensorType = "float32" | "float64" | "int32";

/** A `Float32Tensor`. @public */
export interface Float32Tensor {
  /** Discriminator. */
  readonly type: "float32";
  /** The stored values (dense: every element; sparse: one per key). */
  values: Float32Array;
  /** Column indices of a sparse vector; empty for a dense one. */
  keys: number[];
  /** Optional shape; sparse vectors carry their length here. */
  shape: number[];
}

/** A `Float64Tensor`. @public */
export interface Float64Tensor {
  /** Discriminator. */
  readonly type: "float64";
  /** The stored values. */
  values: Float64Array;
  /** Column indices of a sparse vector; empty for a dense one. */
  keys: number[];
  /** Optional shape. */
  shape: number[];
}

/** An `Int32Tensor`. @public */
export interface Int32Tensor {
  /** Discriminator. */
  readonly type: "int32";
  /** The stored values. */
  values: Int32Array;
  /** Column indices of a sparse vector; empty for a dense one. */
  keys: number[];
  /** Optional shape. */
  shape: number[];
}

/** A numeric tensor of any of the three element types. @public */
export type Tensor = Float32Tensor | Float64Tensor | Int32Tensor;

/** A `Bytes` value: opaque byte strings with an optional content type. @public */
export interface BytesValue {
  /** Discriminator. */
  readonly type: "bytes";
  /** The byte strings. */
  values: Uint8Array[];
  /** The declared content type, if any. */
  contentType: string | undefined;
}

/** A `Value` whose oneof is not set. @public */
export interface EmptyValue {
  /** Discriminator. */
  readonly type: "none";
}

/** One entry of a record's `features` or `label` map. @public */
export type Value = Tensor | BytesValue | EmptyValue;

/** A map of named values, as in `Record.features` and `Record.label`. @public */
export type ValueMap = Record<string, Value>;

/** A decoded `aialgs.data.Record`. @public */
export interface RecordIORecord {
  /** Feature map; vectors use the key `"values"`. */
  features: ValueMap;
  /** Label map; training labels use `"values"`, inference responses `"score"`, `"predicted_label"`, …. */
  label: ValueMap;
  /** Optional record identifier. */
  uid?: string;
  /** Optional free-text metadata. */
  metadata?: string;
  /** Optional per-record configuration (JSON). */
  configuration?: string;
}

/** Input accepted for a tensor by {@link encodeRecord}: plain arrays are converted by `type`. @public */
export interface TensorInput {
  /** Element type to write. */
  type: TensorType;
  /** Values; integers for `int32`. */
  values: ArrayLike<number>;
  /** Sparse column indices. @defaultValue [] */
  keys?: ArrayLike<number>;
  /** Shape. @defaultValue [] */
  shape?: ArrayLike<number>;
}

/** Input accepted for a record by {@link encodeRecord}. @public */
export interface RecordInput {
  /** Feature map. */
  features?: Record<string, TensorInput | BytesValue | EmptyValue>;
  /** Label map. */
  label?: Record<string, TensorInput | BytesValue | EmptyValue>;
  /** Optional record identifier. */
  uid?: string;
  /** Optional free-text metadata. */
  metadata?: string;
  /** Optional per-record configuration (JSON). */
  configuration?: string;
}

export { decodeRecord } from "./record-decode.js";
export { encodeRecord } from "./record-encode.js";
