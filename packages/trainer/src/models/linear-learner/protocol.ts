/**
 * Linear Learner's inference protocol, as its SageMaker container speaks it: requests in
 * `text/csv`, `application/json`, `application/jsonlines` and `application/x-recordio-protobuf`;
 * responses in `application/json`, `application/jsonlines` and `application/x-recordio-protobuf`;
 * 400 `unable to evaluate payload provided: …` for a body it cannot read. Used by the Lambda
 * scorer's endpoint client and by the local endpoint.
 * @packageDocumentation
 */
import type { FeatureMatrix, Prediction } from "@fraud/contracts";
import { CONTENT_TYPES, INVOKE_ENDPOINT_MAX_BYTES, parseDecimal, parseJsonBounded, scanDecimal } from "@fraud/contracts";
import type { ScanEnd } from "@fraud/contracts";
import { RECORDIO_CONTENT_TYPE, decodeRecords, encodeInferenceResponse, parseInferenceResponse, serializeInferenceRequest } from "@fraud/recordio";
import type { Value } from "@fraud/recordio";
import { MAX_REQUEST_JSON_DEPTH, ProtocolError, checkJsonContainers, mimeType, parseJsonPredictions } from "../protocol.js";
import type { EncodedBody, InferenceProtocol } from "../protocol.js";

/** Request content types Linear Learner's container reads (the scorer's `CONTENT_TYPES`); the first is the clients' default. */
const LINEAR_LEARNER_REQUEST_TYPES = CONTENT_TYPES;
/** Response content types Linear Learner's container writes; the first is the default. */
const LINEAR_LEARNER_RESPONSE_TYPES = ["application/json", "application/jsonlines", RECORDIO_CONTENT_TYPE] as const;

const ALIASES: Record<string, string> = { "application/x-jsonlines": "application/jsonlines" };

function bad(message: string): ProtocolError {
  return new ProtocolError("BAD_PAYLOAD", `unable to evaluate payload provided: ${message}`);
}

/** A value for a message: JSON, at most 80 characters (never deeper than the values given here). */
function quote(value: unknown): string {
  let text: string;
  try {
    text = typeof value === "object" && value !== null ? (Array.isArray(value) ? "[…]" : "{…}") : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

/** Latin-1 white space as `String.prototype.trim` sees it: tab, line feed, vertical tab, form feed, carriage return, space, no-break space. */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 160;
}

/**
 * A field that is not a plain decimal: `Number()`'s reading of it (white space around the number
 * allowed; hexadecimal, octal and binary literals refused), through the one exact parser.
 */
function slowNumber(buf: Uint8Array, a: number, b: number, line: number, col: number): number {
  let s = a;
  let e = b;
  while (s < e && isSpace(buf[s]!)) s++;
  while (e > s && isSpace(buf[e - 1]!)) e--;
  const v = parseDecimal(buf, s, e);
  if (v - v !== 0) throw bad(`line ${line}, column ${col}: ${quote(Buffer.from(buf.buffer, buf.byteOffset + s, e - s).toString("latin1"))} is not a finite number`);
  return v;
}

/**
 * `text/csv` rows of numbers (no header, no label) straight from bytes, with `scanDecimal` of
 * `@fraud/contracts` (the same double as `Number()`); white space around a field is allowed.
 */
function parseCsv(buf: Uint8Array, dim: number): FeatureMatrix {
  const n = buf.length;
  let lines = 1;
  for (let i = 0; i < n; i++) if (buf[i] === 10) lines++;
  let out = new Float64Array(lines * dim);
  const at: ScanEnd = { end: 0 };
  let k = 0;
  let rows = 0;
  let pos = 0;
  let line = 0;
  while (pos < n) {
    line++;
    let end = buf.indexOf(10, pos);
    if (end === -1) end = n;
    let stop = end;
    if (stop > pos && buf[stop - 1] === 13) stop--;
    if (stop === pos) {
      pos = end + 1;
      continue; // blank line (e.g. the trailing newline)
    }
    let col = 0;
    let a = pos;
    while (a <= stop) {
      col++;
      if (col > dim) throw bad(`line ${line} has more than ${dim} features, the model expects ${dim}`);
      let v = scanDecimal(buf, a, stop, at);
      let b = at.end;
      if (b < stop && buf[b] !== 44) {
        while (b < stop && buf[b] !== 44) b++;
        v = slowNumber(buf, a, b, line, col);
      } else if (v - v !== 0) v = slowNumber(buf, a, b, line, col);
      out[k++] = v;
      a = b + 1;
    }
    if (col !== dim) throw bad(`line ${line} has ${col} features, the model expects ${dim}`);
    rows++;
    pos = end + 1;
  }
  if (rows === 0) throw bad("no rows in the request");
  if (k < out.length) out = out.subarray(0, k);
  return { data: out, rows, cols: dim };
}

function parseJsonText(text: string, where: string): unknown {
  try {
    return parseJsonBounded(text, { maxDepth: MAX_REQUEST_JSON_DEPTH });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === "JSON_TOO_DEEP") throw bad(`${where} is nested deeper than ${MAX_REQUEST_JSON_DEPTH} levels`);
    throw bad(`${where} is not valid JSON`);
  }
}

function denseFrom(values: unknown, where: string, dim: number, out: Float64Array, offset: number): void {
  if (!Array.isArray(values)) throw bad(`${where}: features must be an array of numbers`);
  if (values.length !== dim) throw bad(`${where} has ${values.length} features, the model expects ${dim}`);
  for (let j = 0; j < dim; j++) {
    const v: unknown = values[j];
    if (typeof v !== "number" || !Number.isFinite(v)) throw bad(`${where}, feature ${j}: ${quote(v)} is not a finite number`);
    out[offset + j] = v;
  }
}

function sparseFrom(f: Record<string, unknown>, where: string, dim: number, out: Float64Array, offset: number): void {
  const { keys, values, shape } = f;
  if (!Array.isArray(keys)) return denseFrom(values, where, dim, out, offset);
  if (!Array.isArray(values) || values.length !== keys.length) throw bad(`${where}: sparse keys and values differ in length`);
  if (Array.isArray(shape) && shape.length > 0 && shape[0] !== dim) throw bad(`${where} has shape [${shape.slice(0, 4).map(quote).join(",")}], the model expects ${dim} features`);
  for (let j = 0; j < keys.length; j++) {
    const key: unknown = keys[j];
    const v: unknown = values[j];
    if (typeof key !== "number" || !Number.isInteger(key) || key < 0 || key >= dim) throw bad(`${where}: sparse key ${quote(key)} is outside 0..${dim - 1}`);
    if (typeof v !== "number" || !Number.isFinite(v)) throw bad(`${where}, feature ${key}: ${quote(v)} is not a finite number`);
    out[offset + key] = v;
  }
}

function instanceInto(inst: unknown, where: string, dim: number, out: Float64Array, offset: number): void {
  if (typeof inst !== "object" || inst === null || Array.isArray(inst)) throw bad(`${where} is not an object with "features"`);
  const o = inst as Record<string, unknown>;
  if ("features" in o) return denseFrom(o["features"], where, dim, out, offset);
  const data = o["data"] as Record<string, unknown> | undefined;
  const f = typeof data === "object" && data !== null ? (data["features"] as Record<string, unknown> | undefined) : undefined;
  if (typeof f === "object" && f !== null) return sparseFrom(f, where, dim, out, offset);
  throw bad(`${where} has neither "features" nor "data.features"`);
}

const utf8 = (buf: Uint8Array): string => Buffer.from(buf.buffer, buf.byteOffset, buf.length).toString("utf8");

/** `application/json`: `{"instances":[{"features":[…]}|{"data":{"features":{…}}}]}`. */
function parseJson(buf: Uint8Array, dim: number): FeatureMatrix {
  const text = utf8(buf);
  checkJsonContainers(text);
  const doc = parseJsonText(text, "the body");
  const instances = typeof doc === "object" && doc !== null ? (doc as Record<string, unknown>)["instances"] : undefined;
  if (!Array.isArray(instances) || instances.length === 0) throw bad('expected {"instances": [...]} with at least one instance');
  const out = new Float64Array(instances.length * dim);
  instances.forEach((inst, i) => instanceInto(inst, `instance ${i}`, dim, out, i * dim));
  return { data: out, rows: instances.length, cols: dim };
}

/** `application/jsonlines`: one instance object per line. */
function parseJsonLines(buf: Uint8Array, dim: number): FeatureMatrix {
  const text = utf8(buf);
  checkJsonContainers(text);
  const lines = text
    .split("\n")
    .map((l, i) => [l.trim(), i + 1] as const)
    .filter(([l]) => l !== "");
  if (lines.length === 0) throw bad("no rows in the request");
  const out = new Float64Array(lines.length * dim);
  lines.forEach(([line, no], i) => instanceInto(parseJsonText(line, `line ${no}`), `line ${no}`, dim, out, i * dim));
  return { data: out, rows: lines.length, cols: dim };
}

function tensorInto(v: Value | undefined, where: string, dim: number, out: Float64Array, offset: number): void {
  if (!v || v.type === "bytes" || v.type === "none") throw bad(`${where} has no numeric features["values"] tensor`);
  const { values, keys, shape } = v;
  if (keys.length > 0) {
    if (shape.length > 0 && shape[0] !== dim) throw bad(`${where} has shape [${shape.join(",")}], the model expects ${dim} features`);
    if (keys.length !== values.length) throw bad(`${where}: sparse keys and values differ in length`);
    for (let j = 0; j < keys.length; j++) {
      const key = keys[j]!;
      if (key < 0 || key >= dim) throw bad(`${where}: sparse key ${key} is outside 0..${dim - 1}`);
      const x = values[j]!;
      if (!Number.isFinite(x)) throw bad(`${where}, feature ${key}: ${x} is not a finite number`);
      out[offset + key] = x;
    }
    return;
  }
  if (values.length !== dim) throw bad(`${where} has ${values.length} features, the model expects ${dim}`);
  for (let j = 0; j < dim; j++) {
    const x = values[j]!;
    if (!Number.isFinite(x)) throw bad(`${where}, feature ${j}: ${x} is not a finite number`);
    out[offset + j] = x;
  }
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
  const out = new Float64Array(records.length * dim);
  records.forEach((r, i) => tensorInto(r.features["values"], `record ${i}`, dim, out, i * dim));
  return { data: out, rows: records.length, cols: dim };
}

const PARSERS: Record<string, (buf: Uint8Array, dim: number) => FeatureMatrix> = {
  "text/csv": parseCsv,
  "application/json": parseJson,
  "application/jsonlines": parseJsonLines,
  [RECORDIO_CONTENT_TYPE]: parseRecordIO,
};

function negotiate(accept: string | undefined): string {
  if (accept === undefined || accept.trim() === "") return "application/json";
  for (const part of accept.split(",")) {
    const m = mimeType(part);
    if (m === "*/*" || m === "application/*") return "application/json";
    const t = ALIASES[m] ?? m;
    if ((LINEAR_LEARNER_RESPONSE_TYPES as readonly string[]).includes(t)) return t;
  }
  throw new ProtocolError("UNSUPPORTED_ACCEPT", `Accept type ${quote(accept)} is not supported; use ${LINEAR_LEARNER_RESPONSE_TYPES.join(", ")}`);
}

function predictionJson(p: Prediction): string {
  return p.predictedLabel === undefined ? `{"score":${p.score}}` : `{"score":${p.score},"predicted_label":${p.predictedLabel}}`;
}

function encodeResponse(predictions: readonly Prediction[], accept: string | undefined): EncodedBody {
  const type = negotiate(accept);
  if (type === "application/json") {
    const parts = new Array<string>(predictions.length);
    for (let i = 0; i < predictions.length; i++) parts[i] = predictionJson(predictions[i]!);
    return { body: `{"predictions":[${parts.join(",")}]}`, contentType: type };
  }
  if (type === "application/jsonlines") {
    let s = "";
    for (const p of predictions) s += `${predictionJson(p)}\n`;
    return { body: s, contentType: type };
  }
  const body = encodeInferenceResponse(predictions.map((p) => (p.predictedLabel === undefined ? { score: p.score } : { score: p.score, predicted_label: p.predictedLabel })));
  return { body, contentType: type };
}

function requestType(contentType: string | undefined): string {
  const m = mimeType(contentType);
  const t = ALIASES[m] ?? m;
  if (!(t in PARSERS)) {
    throw new ProtocolError("UNSUPPORTED_CONTENT_TYPE", `Content type ${quote(contentType ?? "")} is not supported; use ${LINEAR_LEARNER_REQUEST_TYPES.join(", ")}`);
  }
  return t;
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
  if (type === RECORDIO_CONTENT_TYPE) {
    return serializeInferenceRequest({ data: Float32Array.from(data.subarray(start * cols, end * cols)), shape: [end - start, cols] });
  }
  const lines = new Array<string>(end - start);
  for (let r = start; r < end; r++) {
    const row = data.subarray(r * cols, (r + 1) * cols);
    for (let j = 0; j < cols; j++) if (!Number.isFinite(row[j])) throw new ProtocolError("INVALID_ARGUMENT", `row ${r}, feature ${j}: ${row[j]} cannot be sent to Linear Learner (finite numbers only)`);
    const text = Array.prototype.join.call(row, ",");
    lines[r - start] = type === "text/csv" ? text : `{"features":[${text}]}`;
  }
  if (type === "text/csv" || type === "application/jsonlines") return lines.join("\n");
  return `{"instances":[${lines.join(",")}]}`;
}

function acceptFor(contentType: string): string {
  const t = requestType(contentType);
  return t === RECORDIO_CONTENT_TYPE || t === "application/jsonlines" ? t : "application/json";
}

interface Wire {
  score?: unknown;
  predicted_label?: unknown;
}

function fromWire(p: Wire, i: number): Prediction {
  if (typeof p !== "object" || p === null || typeof p.score !== "number") {
    throw new ProtocolError("BAD_RESPONSE", `endpoint response entry ${i} has no numeric score`);
  }
  return typeof p.predicted_label === "number" ? { score: p.score, predictedLabel: p.predicted_label } : { score: p.score };
}

function parseResponse(body: Uint8Array, accept: string): Prediction[] {
  const type = ALIASES[mimeType(accept)] ?? mimeType(accept);
  try {
    if (type === RECORDIO_CONTENT_TYPE) return parseInferenceResponse(body).map((p, i) => fromWire(p, i));
    const text = utf8(body);
    const predictions = parseJsonPredictions(text, type, "predictions", (p, i) => fromWire(p as Wire, i));
    if (predictions === undefined) throw new ProtocolError("BAD_RESPONSE", `response type ${quote(accept)} is not one Linear Learner writes`);
    return predictions;
  } catch (err) {
    if (err instanceof ProtocolError) throw err;
    throw new ProtocolError("BAD_RESPONSE", `cannot parse endpoint response (${type}): ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Linear Learner's inference protocol (see {@link InferenceProtocol}).
 * @example
 * ```ts
 * const body = LINEAR_LEARNER_PROTOCOL.encodeRequest({ data: new Float64Array([1, 2]), rows: 1, cols: 2 }, "text/csv"); // "1,2"
 * const rows = LINEAR_LEARNER_PROTOCOL.parseRequest(Buffer.from(body), "text/csv", 2);
 * ```
 * @public
 */
export const LINEAR_LEARNER_PROTOCOL: InferenceProtocol = {
  name: "linear-learner",
  requestContentTypes: LINEAR_LEARNER_REQUEST_TYPES,
  responseContentTypes: LINEAR_LEARNER_RESPONSE_TYPES,
  defaultAccept: "application/json",
  maxPayloadBytes: INVOKE_ENDPOINT_MAX_BYTES,
  acceptFor,
  negotiate,
  parseRequest,
  encodeResponse,
  encodeRequest,
  parseResponse,
};
