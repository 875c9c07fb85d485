/**
 * `@fraud/recordio`: SageMaker's RecordIO-protobuf format for JavaScript.
 *
 * Byte-identical to the SageMaker Python SDK's `write_numpy_to_dense_tensor` and
 * `write_spmatrix_to_sparse_tensor`; reads what its `read_records` reads; streams both ways.
 * @packageDocumentation
 */
export { RecordIOError, isRecordIOError } from "./errors.js";
export type { RecordIOErrorCode, RecordIOErrorOptions } from "./errors.js";
export { RECORDIO_MAGIC, DEFAULT_MAX_RECORD_BYTES, frameRecords, paddingFor } from "./framing.js";
export type { FramingOptions } from "./framing.js";
export { decodeRecord, encodeRecord } from "./record.js";
export type {
  BytesValue,
  EmptyValue,
  Float32Tensor,
  Float64Tensor,
  Int32Tensor,
  RecordInput,
  RecordIORecord,
  Tensor,
  TensorInput,
  TensorType,
  Value,
  ValueMap,
} from "./record.js";
export type { Dtype, NumericArray } from "./dtype.js";
export { encodeDense, encodeDenseInto, encodedDenseSize } from "./dense.js";
export { decodeDense, decodeDenseInto, inspectDense } from "./dense-decode.js";
export type { DecodeDenseIntoOptions, DenseInfo, DenseTarget } from "./dense-decode.js";
export type { DenseArray } from "./dense-sink.js";
export type { DenseMatrix, EncodeDenseOptions, LabelsInput, Matrix, MatrixInput } from "./matrix.js";
export { encodeSparse } from "./sparse.js";
export type { CooMatrix, CsrMatrix, EncodeSparseOptions, SparseMatrix } from "./sparse.js";
export { decodeRecords, iterateRecords, readRecords } from "./decode.js";
export { DEFAULT_MAX_DENSE_BYTES, recordsToDense } from "./records-to-dense.js";
export type { RecordsToDenseOptions } from "./records-to-dense.js";
export type { ChunkSource } from "./decode.js";
export { DEFAULT_CHUNK_BYTES, MAX_CHUNK_BYTES, encodeDenseChunks } from "./chunks.js";
export type { EncodeDenseChunksOptions } from "./chunks.js";
export { RecordIOWriter, createEncoderStream, encodeRows } from "./stream.js";
export type { LabeledRow, RecordIOWriterOptions, RowInput } from "./stream.js";
export { encodeInferenceResponse, parseInferenceResponse, serializeInferenceRequest } from "./inference.js";
export type { Prediction } from "./inference.js";

/**
 * MIME type of RecordIO-protobuf request and response bodies.
 * @example
 * ```ts
 * await fetch(url, { method: "POST", headers: { "content-type": RECORDIO_CONTENT_TYPE }, body: serializeInferenceRequest(rows) });
 * ```
 * @public
 */
export const RECORDIO_CONTENT_TYPE = "application/x-recordio-protobuf";
