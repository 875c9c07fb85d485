/**
 * Linear Learner's inference request and response formats.
 * @packageDocumentation
 */
import { RECORDIO_CONTENT_TYPE, decodeRecords, encodeInferenceResponse } from "@fraud/recordio";
import type { Value } from "@fraud/recordio";
import { quote } from "./options.js";

/** A request the model container rejects: `status` is what the container answers. @internal */
export class PayloadError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Rows parsed from a request body, row-major. @internal */
export interface ParsedRows {
  data: Float64Array;
  rows: number;
}

/** A prediction as a model returns it (the shape of `@fraud/trainer`'s `Prediction`). @public */
export interface ModelPrediction {
  /** Probability of class 1 (classifier) or the regression value. */
  score: number;
  /** Predicted class (classifiers only). */
  predictedLabel?: number | undefined;
}

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

function bad(message: string): PayloadError {
  return new PayloadError(400, `unable to evaluate payload provided: ${message}`);
}

function slowNumber(buf: Uint8Array, a: number, b: number, line: number, col: number): number {
  const s = Buffer.from(buf.buffer, buf.byteOffset + a, b - a).toString("latin1").trim();
  const v = s === "" || /^[+-]?0[xXoObB]/.test(s) ? NaN : Number(s);
  if (!Number.isFinite(v)) throw bad(`line ${line}, column ${col}: ${quote(s)} is not a finite number`);
  return v;
}

/**
 * Parses `text/csv` rows of numbers (no header, no label) straight from bytes. Plain decimals with
 * up to 15 significant digits take an exact fast path; anything else goes through `Number`.
 * @internal
 */
export function parseCsv(buf: Uint8Array, dim: number): ParsedRows {
  const n = buf.length;
  let lines = 1;
  for (let i = 0; i < n; i++) if (buf[i] === 10) lines++;
  let out = new Float64Array(lines * dim);
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
      let b = a;
      while (b < stop && buf[b] !== 44) b++;
      col++;
      if (col > dim) throw bad(`line ${line} has more than ${dim} features, the model expects ${dim}`);
      // fast path: [+-]digits[.digits]
      let i = a;
      let neg = false;
      let c = buf[i];
      if (c === 45) {
        neg = true;
        i++;
      } else if (c === 43) i++;
      let mant = 0;
      let digits = 0;
      let scale = 0;
      while (i < b && (c = buf[i]!) >= 48 && c <= 57) {
        mant = mant * 10 + (c - 48);
        digits++;
        i++;
      }
      if (i < b && buf[i] === 46) {
        i++;
        while (i < b && (c = buf[i]!) >= 48 && c <= 57) {
          mant = mant * 10 + (c - 48);
          digits++;
          scale++;
          i++;
        }
      }
      let v: number;
      if (i === b && digits > 0 && digits <= 15) {
        v = scale === 0 ? mant : mant / POW10[scale]!;
        if (neg) v = -v;
      } else {
        v = slowNumber(buf, a, b, line, col);
      }
      out[k++] = v;
      a = b + 1;
    }
    if (col !== dim) throw bad(`line ${line} has ${col} features, the model expects ${dim}`);
    rows++;
    pos = end + 1;
  }
  if (rows === 0) throw bad("no rows in the request");
  if (k < out.length) out = out.subarray(0, k);
  return { data: out, rows };
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
  if (Array.isArray(shape) && shape.length > 0 && shape[0] !== dim) throw bad(`${where} has shape [${shape.join(",")}], the model expects ${dim} features`);
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

/** Parses `application/json`: `{"instances":[{"features":[…]}|{"data":{"features":{…}}}]}`. @internal */
export function parseJson(buf: Uint8Array, dim: number): ParsedRows {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(buf.buffer, buf.byteOffset, buf.length).toString("utf8"));
  } catch {
    throw bad("the body is not valid JSON");
  }
  const instances = typeof doc === "object" && doc !== null ? (doc as Record<string, unknown>)["instances"] : undefined;
  if (!Array.isArray(instances) || instances.length === 0) throw bad('expected {"instances": [...]} with at least one instance');
  const out = new Float64Array(instances.length * dim);
  instances.forEach((inst, i) => instanceInto(inst, `instance ${i}`, dim, out, i * dim));
  return { data: out, rows: instances.length };
}

/** Parses `application/jsonlines`: one instance object per line. @internal */
export function parseJsonLines(buf: Uint8Array, dim: number): ParsedRows {
  const lines = Buffer.from(buf.buffer, buf.byteOffset, buf.length)
    .toString("utf8")
    .split("\n")
    .map((l, i) => [l.trim(), i + 1] as const)
    .filter(([l]) => l !== "");
  if (lines.length === 0) throw bad("no rows in the request");
  const out = new Float64Array(lines.length * dim);
  lines.forEach(([text, no], i) => {
    let inst: unknown;
    try {
      inst = JSON.parse(text);
    } catch {
      throw bad(`line ${no} is not valid JSON`);
    }
    instanceInto(inst, `line ${no}`, dim, out, i * dim);
  });
  return { data: out, rows: lines.length };
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

/** Parses `application/x-recordio-protobuf`: one record per row, features under `"values"`. @internal */
export function parseRecordIO(buf: Uint8Array, dim: number): ParsedRows {
  let records;
  try {
    records = decodeRecords(buf);
  } catch (err) {
    throw bad(`invalid RecordIO-protobuf: ${(err as Error).message}`);
  }
  if (records.length === 0) throw bad("no records in the request");
  const out = new Float64Array(records.length * dim);
  records.forEach((r, i) => tensorInto(r.features["values"], `record ${i}`, dim, out, i * dim));
  return { data: out, rows: records.length };
}

/** Request content types the endpoint understands, by their bare MIME type. @internal */
export const PARSERS: Record<string, (buf: Uint8Array, dim: number) => ParsedRows> = {
  "text/csv": parseCsv,
  "application/json": parseJson,
  "application/jsonlines": parseJsonLines,
  "application/x-jsonlines": parseJsonLines,
  [RECORDIO_CONTENT_TYPE]: parseRecordIO,
};

/** Response types by bare MIME type. @internal */
export const RESPONSE_TYPES = ["application/json", "application/jsonlines", RECORDIO_CONTENT_TYPE] as const;

/** One of {@link RESPONSE_TYPES}. @internal */
export type ResponseType = (typeof RESPONSE_TYPES)[number];

/** The bare, lower-cased MIME type of a header value (`text/csv; label_size=0` → `text/csv`). @internal */
export function mimeOf(header: string | undefined): string {
  return (header ?? "").split(";")[0]!.trim().toLowerCase();
}

/**
 * Picks the response type from an `Accept` header: the first supported entry (ignoring q-values),
 * `application/json` for none or a wildcard; `undefined` when nothing listed is supported.
 * @internal
 */
export function negotiate(accept: string | undefined): ResponseType | undefined {
  if (accept === undefined || accept.trim() === "") return "application/json";
  for (const part of accept.split(",")) {
    const m = mimeOf(part);
    if (m === "*/*" || m === "application/*") return "application/json";
    if (m === "application/x-jsonlines") return "application/jsonlines";
    if ((RESPONSE_TYPES as readonly string[]).includes(m)) return m as ResponseType;
  }
  return undefined;
}

function predictionJson(p: ModelPrediction): string {
  return p.predictedLabel === undefined ? `{"score":${p.score}}` : `{"score":${p.score},"predicted_label":${p.predictedLabel}}`;
}

/** Serializes predictions in a response type. @internal */
export function formatPredictions(predictions: readonly ModelPrediction[], type: ResponseType): string | Uint8Array {
  switch (type) {
    case "application/json": {
      const parts = new Array<string>(predictions.length);
      for (let i = 0; i < predictions.length; i++) parts[i] = predictionJson(predictions[i]!);
      return `{"predictions":[${parts.join(",")}]}`;
    }
    case "application/jsonlines": {
      let s = "";
      for (const p of predictions) s += `${predictionJson(p)}\n`;
      return s;
    }
    default:
      return encodeInferenceResponse(
        predictions.map((p) => (p.predictedLabel === undefined ? { score: p.score } : { score: p.score, predicted_label: p.predictedLabel })),
      );
  }
}
