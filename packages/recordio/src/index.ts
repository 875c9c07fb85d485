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
export { encodeDense } from "./dense.js";
export { decodeDense } from "./dense-decode.js";
export type { DenseMatrix, EncodeDenseOptions, LabelsInput, Matrix, MatrixInput } from "./matrix.js";
export { encodeSparse } from "./sparse.js";
export type { CooMatrix, CsrMatrix, EncodeSparseOptions, SparseMatrix } from "./sparse.js";
export { decodeRecords, iterateRecords, readRecords, recordsToDense } from "./decode.js";
export type { ChunkSource } from "./decode.js";
export { RecordIOWriter, createEncoderStream, encodeRows } from "./stream.js";
export type { LabeledRow, RecordIOWriterOptions, RowInput } from "./stream.js";
export { encodeInferenceResponse, parseInferenceResponse, serializeInferenceRequest } from "./inference.js";
export type { Prediction } from "./inference.js";

/** MIME type of RecordIO-protobuf request and response bodies. @public */
export const RECORDIO_CONTENT_TYPE = "application/x-recordio-protobuf";
