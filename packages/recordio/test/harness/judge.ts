// What the library must do for a vector, decided from the vector alone: the SDK's bytes and
// records where it succeeded, a RecordIOError wherever it raised (whatever the exception type),
// and the documented code where the README says this package is stricter than the SDK.
import { DEFAULT_MAX_RECORD_BYTES } from "@fraud/recordio";
import type { RecordIOError, RecordIOErrorCode } from "@fraud/recordio";
import type { VectorCase } from "./format.js";
import { labelsOf, rowsOf, unsupportedDtypeInMessage } from "./inputs.js";

/** dtypes the package accepts beyond the SDK, writing what int64 would for the same values (README: Element types). */
export const EXTENSIONS = new Set(["int32"]);

/** Error codes whose messages are the SDK's, word for word. */
export const SDK_MESSAGES = new Set<RecordIOErrorCode>(["NOT_A_MATRIX", "LABELS_NOT_A_VECTOR", "LABEL_SHAPE_MISMATCH", "VALUE_OUT_OF_RANGE", "NOT_SPARSE"]);

export type EncodeExpectation =
  | { kind: "bytes" }
  /** `code` undefined: any RecordIOError (the SDK raised something this package has no fixed code for). */
  | { kind: "error"; code: RecordIOErrorCode | undefined; why: string }
  /** The SDK refused a dtype this package accepts (documented extension). */
  | { kind: "extension"; dtype: string };

/** The code of an SDK error message this package mirrors, if any. */
export function codeOfSdkError(c: VectorCase): RecordIOErrorCode | undefined {
  if (!c.error) return undefined;
  const { type, message } = c.error;
  if (type === "AssertionError" && c.direction === "decode") return "BAD_MAGIC";
  if (message === "Array must be a Matrix" || message.startsWith("Expected a 1D or 2D array")) return "NOT_A_MATRIX";
  if (message === "Labels must be a Vector") return "LABELS_NOT_A_VECTOR";
  if (message.startsWith("Label shape")) return "LABEL_SHAPE_MISMATCH";
  if (message.startsWith("Unsupported dtype")) return "UNSUPPORTED_DTYPE";
  if (message.startsWith("Value out of range")) return "VALUE_OUT_OF_RANGE";
  if (message === "Array must be sparse") return "NOT_SPARSE";
  return undefined;
}

/** 1-D labels whose count differs from the row count: refused here, though the SDK accepts a count equal to the column count. */
function labelCountMismatch(c: VectorCase): boolean {
  const labels = labelsOf(c);
  const rows = rowsOf(c);
  if (labels === undefined || rows === undefined || !Array.isArray(c.labels)) return false;
  if ((c.labelsShape ?? [c.labels.length]).length !== 1) return false;
  return c.labels.length !== rows;
}

/** What encoding the vector's input must give. */
export function encodeExpectation(c: VectorCase): EncodeExpectation {
  const sdkCode = codeOfSdkError(c);
  // checks that come before the label count, in the SDK's order
  if (sdkCode === "NOT_SPARSE" || sdkCode === "NOT_A_MATRIX" || sdkCode === "LABELS_NOT_A_VECTOR") {
    return { kind: "error", code: sdkCode, why: `the SDK raised ${c.error!.type}: ${c.error!.message}` };
  }
  if (labelCountMismatch(c)) {
    return { kind: "error", code: "LABEL_SHAPE_MISMATCH", why: "documented stricter: the label count must equal the row count" };
  }
  if (!c.error) return { kind: "bytes" };
  const bad = unsupportedDtypeInMessage(c);
  if (sdkCode === "UNSUPPORTED_DTYPE" && bad && EXTENSIONS.has(bad)) return { kind: "extension", dtype: bad };
  return { kind: "error", code: sdkCode, why: `the SDK raised ${c.error.type}: ${c.error.message}` };
}

function u32(bytes: Uint8Array, at: number): number {
  return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
}

function tagAt(bytes: Uint8Array, at: number): { field: number; wireType: number } | undefined {
  let v = 0;
  for (let shift = 0, i = at; i < bytes.length && shift < 35; shift += 7, i++) {
    v += (bytes[i]! & 0x7f) * 2 ** shift;
    if (bytes[i]! < 0x80) return { field: Math.floor(v / 8), wireType: v % 8 };
  }
  return undefined;
}

/** Fields of record.proto's messages that must be length-delimited (tensor values, keys and shape may be unpacked). */
const LENGTH_DELIMITED_FIELDS = new Set([1, 2, 3, 4, 5, 7, 9]);

/**
 * Whether a decoding error where the SDK succeeded is one the README documents as stricter
 * ("Where this package is stricter than the SDK"), checked against the bytes themselves.
 */
export function isDocumentedStricterDecode(err: RecordIOError, input: Uint8Array): boolean {
  const at = err.offset;
  if (at === undefined) return false;
  switch (err.code) {
    case "TRUNCATED_PAYLOAD": // a short payload the SDK hands to protobuf, which may parse it
      return at + 8 <= input.length && at + 8 + u32(input, at + 4) > input.length;
    case "RECORD_TOO_LARGE": // the documented maxRecordBytes limit
      return at + 8 <= input.length && u32(input, at + 4) > DEFAULT_MAX_RECORD_BYTES;
    case "BAD_WIRE_TYPE": {
      // a known field with a wire type its schema does not allow (protobuf keeps it as unknown)
      const tag = tagAt(input, at);
      return tag !== undefined && LENGTH_DELIMITED_FIELDS.has(tag.field) && [0, 1, 3, 5].includes(tag.wireType);
    }
    case "INVALID_VALUE": // strings that are not UTF-8, uint64 keys or shapes above 2^53
      return /not valid UTF-8|above 2\^53/.test(err.message);
    default:
      return false;
  }
}
