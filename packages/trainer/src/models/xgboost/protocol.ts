/**
 * SageMaker XGBoost's inference protocol, as its algorithm-mode container speaks it: requests in
 * `text/csv` (the default; no header, no label; an empty field is a missing value),
 * `text/libsvm` (`[label] index:value …`, 0-based indices; an absent index is missing) and
 * `application/x-recordio-protobuf` (dense or sparse `values`; absent keys are missing);
 * responses in `text/csv` (the default: one probability per line, as the 1.7-1 container writes it),
 * `application/json` (`{"predictions":[{"score":p}]}`), `application/jsonlines` and
 * RecordIO-protobuf; 415 for another content type, 400 for a body it cannot read.
 * @packageDocumentation
 */
import type { FeatureMatrix, Prediction } from "@fraud/contracts";
import { INVOKE_ENDPOINT_MAX_BYTES, parseDecimal, parseDecimalString } from "@fraud/contracts";
import { RECORDIO_CONTENT_TYPE, decodeRecords, encodeInferenceResponse, parseInferenceResponse, serializeInferenceRequest } from "@fraud/recordio";
import type { Value } from "@fraud/recordio";
import { ProtocolError, mimeType, parseJsonPredictions, scoreEntry } from "../protocol.js";
import type { EncodedBody, InferenceProtocol } from "../protocol.js";

const REQUEST_TYPES = ["text/csv", "text/libsvm", RECORDIO_CONTENT_TYPE] as const;
const RESPONSE_TYPES = ["text/csv", "application/json", "application/jsonlines", RECORDIO_CONTENT_TYPE] as const;
const ALIASES: Record<string, string> = { "text/x-libsvm": "text/libsvm", "application/x-jsonlines": "application/jsonlines" };

function bad(message: string): ProtocolError {
  return new ProtocolError("BAD_PAYLOAD", `unable to evaluate payload provided: ${message}`);
}

function shown(buf: Uint8Array, a: number, b: number): string {
  const s = Buffer.from(buf.buffer, buf.byteOffset + a, Math.min(b - a, 40)).toString("latin1");
  return JSON.stringify(b - a > 40 ? `${s}…` : s);
}

/** Each non-blank line of a body: `[start, end)` without the line end. */
function* lines(buf: Uint8Array): Generator<[number, number, number]> {
  let pos = 0;
  let line = 0;
  while (pos < buf.length) {
    line++;
    let end = buf.indexOf(10, pos);
    if (end === -1) end = buf.length;
    let stop = end;
    if (stop > pos && buf[stop - 1] === 13) stop--;
    if (stop > pos) yield [pos, stop, line];
    pos = end + 1;
  }
}

function countLines(buf: Uint8Array): number {
  let n = 1;
  for (let i = 0; i < buf.length; i++) if (buf[i] === 10) n++;
  return n;
}

/** `text/csv`: rows of exactly `dim` fields; an empty field (or `nan`) is a missing value. */
function parseCsv(buf: Uint8Array, dim: number): FeatureMatrix {
  let out = new Float64Array(countLines(buf) * dim);
  let rows = 0;
  for (const [start, stop, line] of lines(buf)) {
    let col = 0;
    let a = start;
    for (;;) {
      let b = a;
      while (b < stop && buf[b] !== 44) b++;
      if (col >= dim) throw bad(`line ${line} has more than ${dim} features, the model expects ${dim}`);
      let v: number;
      if (b === a) v = NaN;
      else {
        v = parseDecimal(buf, a, b);
        if (!Number.isFinite(v)) {
          const text = Buffer.from(buf.buffer, buf.byteOffset + a, b - a).toString("latin1").trim().toLowerCase();
          if (text === "" || text === "nan") v = NaN;
          else {
            v = parseDecimal(Buffer.from(text), 0, text.length);
            if (!Number.isFinite(v)) throw bad(`line ${line}, column ${col + 1}: ${shown(buf, a, b)} is not a number`);
          }
        }
      }
      out[rows * dim + col++] = v;
      if (b >= stop) break;
      a = b + 1;
    }
    if (col !== dim) throw bad(`line ${line} has ${col} features, the model expects ${dim}`);
    rows++;
  }
  if (rows === 0) throw bad("no rows in the request");
  if (out.length !== rows * dim) out = out.slice(0, rows * dim);
  return { data: out, rows, cols: dim };
}

/** `text/libsvm`: `[label] index:value …` per row, 0-based indices below `dim`; absent = missing. */
function parseLibsvm(buf: Uint8Array, dim: number): FeatureMatrix {
  let out = new Float64Array(countLines(buf) * dim).fill(NaN);
  let rows = 0;
  for (const [start, stop, line] of lines(buf)) {
    let a = start;
    let first = true;
    while (a < stop) {
      while (a < stop && (buf[a] === 32 || buf[a] === 9)) a++;
      if (a >= stop) break;
      let b = a;
      while (b < stop && buf[b] !== 32 && buf[b] !== 9) b++;
      const colon = buf.subarray(a, b).indexOf(58);
      if (colon === -1) {
        // the label (ignored), only as the first token
        if (!first || !Number.isFinite(parseDecimal(buf, a, b))) throw bad(`line ${line}: ${shown(buf, a, b)} is not index:value`);
      } else {
        const idx = parseDecimal(buf, a, a + colon);
        if (!Number.isInteger(idx) || idx < 0 || idx >= dim) throw bad(`line ${line}: feature index ${shown(buf, a, a + colon)} is not in 0..${dim - 1}`);
        const v = parseDecimal(buf, a + colon + 1, b);
        if (!Number.isFinite(v)) throw bad(`line ${line}: ${shown(buf, a, b)} has no finite value`);
        out[rows * dim + idx] = v;
      }
      first = false;
      a = b;
    }
    rows++;
  }
  if (rows === 0) throw bad("no rows in the request");
  if (out.length !== rows * dim) out = out.slice(0, rows * dim);
  return { data: out, rows, cols: dim };
}

function tensorInto(v: Value | undefined, where: string, dim: number, out: Float64Array, offset: number): void {
  if (!v || v.type === "bytes" || v.type === "none") throw bad(`${where} has no numeric features["values"] tensor`);
  const { values, keys } = v;
  if (keys.length > 0) {
    if (keys.length !== values.length) throw bad(`${where}: sparse keys and values differ in length`);
    for (let j = 0; j < keys.length; j++) {
      const key = keys[j]!;
      if (key < 0 || key >= dim) throw bad(`${where}: sparse key ${key} is outside 0..${dim - 1}`);
      out[offset + key] = values[j]!;
    }
    return;
  }
  if (values.length !== dim) throw bad(`${where} has ${values.length} features, the model expects ${dim}`);
  for (let j = 0; j < dim; j++) out[offset + j] = values[j]!;
}

/** `application/x-recordio-protobuf`: one record per row, features under `"values"`. */
function parseRecordIO(buf: Uint8Array, dim: number): FeatureMatrix {
  let records;
  try {
    records = decodeRecords(buf, { maxRecordBytes: INVOKE_ENDPOINT_MAX_BYTES });
  } catch (err) {
    throw bad(`invalid RecordIO-protobuf: ${(err as Error).message}`);
  }
  if (records.length === 0) throw bad("no records in the request");
  const out = new Float64Array(records.length * dim).fill(NaN);
  records.forEach((r, i) => tensorInto(r.features["values"], `record ${i}`, dim, out, i * dim));
  return { data: out, rows: records.length, cols: dim };
}

const PARSERS: Record<string, (buf: Uint8Array, dim: number) => FeatureMatrix> = {
  "text/csv": parseCsv,
  "text/libsvm": parseLibsvm,
  [RECORDIO_CONTENT_TYPE]: parseRecordIO,
};

function requestType(contentType: string | undefined): string {
  const m = mimeType(contentType);
  if (m === "") return "text/csv";
  const t = ALIASES[m] ?? m;
  if (!(t in PARSERS)) {
    throw new ProtocolError("UNSUPPORTED_CONTENT_TYPE", `Content-type ${JSON.stringify(m.slice(0, 80))} not supported. Supported content-type is text/csv, text/libsvm, application/x-recordio-protobuf`);
  }
  return t;
}

function negotiate(accept: string | undefined): string {
  if (accept === undefined || accept.trim() === "") return "text/csv";
  for (const part of accept.split(",")) {
    const m = mimeType(part);
    if (m === "*/*") return "text/csv";
    const t = ALIASES[m] ?? m;
    if ((RESPONSE_TYPES as readonly string[]).includes(t)) return t;
  }
  throw new ProtocolError("UNSUPPORTED_ACCEPT", `Accept type ${JSON.stringify(accept.slice(0, 80))} is not supported; use ${RESPONSE_TYPES.join(", ")}`);
}

function encodeResponse(predictions: readonly Prediction[], accept: string | undefined): EncodedBody {
  const type = negotiate(accept);
  // The 1.7-1 container (gunicorn + Flask, `sagemaker_containers` `encoders.encode`) writes text/csv as
  // one value per line, each ending in "\n" (`array_to_csv` of the 1-D predictions); the comma-joined
  // line was the answer of the earlier containers (0.90-x, 1.0-1).
  if (type === "text/csv") return { body: predictions.map((p) => `${p.score}\n`).join(""), contentType: type };
  if (type === "application/json") return { body: `{"predictions":[${predictions.map((p) => `{"score":${p.score}}`).join(",")}]}`, contentType: type };
  if (type === "application/jsonlines") return { body: predictions.map((p) => `{"score":${p.score}}\n`).join(""), contentType: type };
  return { body: encodeInferenceResponse(predictions.map((p) => ({ score: p.score }))), contentType: type };
}

function parseRequest(body: Uint8Array, contentType: string | undefined, featureDim: number): FeatureMatrix {
  const type = requestType(contentType);
  if (body.length > INVOKE_ENDPOINT_MAX_BYTES) {
    throw new ProtocolError("PAYLOAD_TOO_LARGE", `Request payload size ${body.length} bytes exceeds the limit of ${INVOKE_ENDPOINT_MAX_BYTES} bytes.`);
  }
  return PARSERS[type]!(body, featureDim);
}

function encodeRequest(m: FeatureMatrix, contentType: string, start = 0, end = m.rows): string | Uint8Array {
  const type = requestType(contentType);
  const { data, cols } = m;
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > m.rows || start >= end || data.length < m.rows * cols) {
    throw new ProtocolError("INVALID_ARGUMENT", `rows ${start}..${end} are not a non-empty range of a ${m.rows}×${cols} matrix`);
  }
  const out = new Array<string>(end - start);
  for (let r = start; r < end; r++) {
    const parts: string[] = [];
    for (let j = 0; j < cols; j++) {
      const v = data[r * cols + j]!;
      if (v === Infinity || v === -Infinity) throw new ProtocolError("INVALID_ARGUMENT", `row ${r}, feature ${j}: ${v} cannot be sent (finite numbers or NaN for missing)`);
      if (type === "text/libsvm") {
        if (v === v) parts.push(`${j}:${v}`);
      } else parts.push(v === v ? String(v) : "");
    }
    out[r - start] = parts.join(type === "text/libsvm" ? " " : ",");
  }
  if (type === RECORDIO_CONTENT_TYPE) {
    // sparse records carry exactly the present values; a dense matrix with no missing values stays dense
    let anyMissing = false;
    for (let i = start * cols; i < end * cols && !anyMissing; i++) anyMissing = data[i] !== data[i];
    if (!anyMissing) return serializeInferenceRequest({ data: Float32Array.from(data.subarray(start * cols, end * cols)), shape: [end - start, cols] });
    throw new ProtocolError("INVALID_ARGUMENT", "rows with missing values cannot be sent as dense RecordIO-protobuf; use text/csv or text/libsvm");
  }
  return type === "text/libsvm" ? out.map((l) => `0 ${l}`).join("\n") : out.join("\n");
}

function acceptFor(contentType: string): string {
  const t = requestType(contentType);
  return t === RECORDIO_CONTENT_TYPE ? t : "text/csv";
}


function parseResponse(body: Uint8Array, accept: string): Prediction[] {
  const type = ALIASES[mimeType(accept)] ?? mimeType(accept);
  try {
    if (type === RECORDIO_CONTENT_TYPE) return parseInferenceResponse(body).map((p) => ({ score: p.score }));
    const text = new TextDecoder("utf-8", { fatal: true }).decode(body);
    if (type === "text/csv") {
      const fields = text.split(/[,\n]/).map((s) => s.trim()).filter((s) => s !== "");
      return fields.map((f, i) => {
        const v = parseDecimalString(f);
        if (!Number.isFinite(v)) throw new ProtocolError("BAD_RESPONSE", `endpoint response value ${i} ${JSON.stringify(f.slice(0, 40))} is not a number`);
        return { score: v };
      });
    }
    const predictions = parseJsonPredictions(text, type, "predictions", scoreEntry);
    if (predictions === undefined) throw new ProtocolError("BAD_RESPONSE", `response type ${JSON.stringify(accept.slice(0, 80))} is not one XGBoost writes`);
    return predictions;
  } catch (err) {
    if (err instanceof ProtocolError) throw err;
    throw new ProtocolError("BAD_RESPONSE", `cannot parse endpoint response (${type}): ${(err as Error).message}`, { cause: err });
  }
}

/**
 * SageMaker XGBoost's inference protocol (see {@link InferenceProtocol}).
 * @example
 * ```ts
 * const rows = XGBOOST_PROTOCOL.parseRequest(Buffer.from("1.5,,3\n"), "text/csv", 3); // NaN for the empty field
 * XGBOOST_PROTOCOL.encodeResponse([{ score: 0.25 }], undefined).body; // "0.25\n"
 * ```
 * @public
 */
export const XGBOOST_PROTOCOL: InferenceProtocol = {
  name: "xgboost",
  requestContentTypes: REQUEST_TYPES,
  responseContentTypes: RESPONSE_TYPES,
  defaultAccept: "text/csv",
  maxPayloadBytes: INVOKE_ENDPOINT_MAX_BYTES,
  acceptFor,
  negotiate,
  parseRequest,
  encodeResponse,
  encodeRequest,
  parseResponse,
};
