/**
 * Random Cut Forest's inference protocol, as SageMaker's RCF container speaks it
 * (https://docs.aws.amazon.com/sagemaker/latest/dg/randomcutforest.html, "Inference"): requests in
 * `text/csv`, `application/json` (`{"instances": [{"features": [...]}]}`) or RecordIO-protobuf;
 * answers `application/json` `{"scores": [{"score": s}]}`, `application/jsonlines` (one
 * `{"score": s}` per line) or RecordIO-protobuf (a float32 `score` label per record). The request
 * bodies are the built-in algorithms' common formats, read and written by the same code as Linear
 * Learner's.
 * @packageDocumentation
 */
import type { FeatureMatrix, Prediction } from "@fraud/contracts";
import { INVOKE_ENDPOINT_MAX_BYTES } from "@fraud/contracts";
import { RECORDIO_CONTENT_TYPE, encodeInferenceResponse, parseInferenceResponse } from "@fraud/recordio";
import { LINEAR_LEARNER_PROTOCOL } from "../linear-learner/protocol.js";
import { ProtocolError, mimeType, parseJsonPredictions, scoreEntry } from "../protocol.js";
import type { EncodedBody, InferenceProtocol } from "../protocol.js";

/** Request content types of the RCF container; the first is the default. @public */
export const RCF_REQUEST_TYPES = ["text/csv", "application/json", RECORDIO_CONTENT_TYPE] as const;
/** Response content types of the RCF container. @public */
export const RCF_RESPONSE_TYPES = ["application/json", "application/jsonlines", RECORDIO_CONTENT_TYPE] as const;

const ALIASES: Record<string, string> = { "application/x-jsonlines": "application/jsonlines" };

function quote(value: string): string {
  return JSON.stringify(value.slice(0, 80));
}

function requestType(contentType: string | undefined): string {
  const t = mimeType(contentType);
  if (!(RCF_REQUEST_TYPES as readonly string[]).includes(t)) {
    throw new ProtocolError("UNSUPPORTED_CONTENT_TYPE", `Content type ${quote(contentType ?? "")} is not supported by randomcutforest; use ${RCF_REQUEST_TYPES.join(", ")}`);
  }
  return t;
}

function negotiate(accept: string | undefined): string {
  if (accept === undefined || accept.trim() === "") return "application/json";
  for (const part of accept.split(",").slice(0, 64)) {
    const m = mimeType(part);
    if (m === "*/*" || m === "application/*") return "application/json";
    const t = ALIASES[m] ?? m;
    if ((RCF_RESPONSE_TYPES as readonly string[]).includes(t)) return t;
  }
  throw new ProtocolError("UNSUPPORTED_ACCEPT", `Accept type ${quote(accept)} is not supported by randomcutforest; use ${RCF_RESPONSE_TYPES.join(", ")}`);
}

function checkPredictions(predictions: readonly Prediction[]): void {
  if (!Array.isArray(predictions)) throw new ProtocolError("INVALID_ARGUMENT", "predictions must be an array");
  for (let i = 0; i < predictions.length; i++) {
    const p = predictions[i] as Prediction | null | undefined;
    if (typeof p !== "object" || p === null || typeof p.score !== "number") throw new ProtocolError("INVALID_ARGUMENT", `prediction ${i} has no numeric score`);
  }
}

function encodeResponse(predictions: readonly Prediction[], accept: string | undefined): EncodedBody {
  const type = negotiate(accept);
  checkPredictions(predictions);
  if (type === "application/json") {
    const parts = new Array<string>(predictions.length);
    for (let i = 0; i < predictions.length; i++) parts[i] = `{"score":${predictions[i]!.score}}`;
    return { body: `{"scores":[${parts.join(",")}]}`, contentType: type };
  }
  if (type === "application/jsonlines") {
    let s = "";
    for (const p of predictions) s += `{"score":${p.score}}\n`;
    return { body: s, contentType: type };
  }
  return { body: encodeInferenceResponse(predictions.map((p) => ({ score: p.score }))), contentType: type };
}

function parseRequest(body: Uint8Array, contentType: string | undefined, featureDim: number): FeatureMatrix {
  return LINEAR_LEARNER_PROTOCOL.parseRequest(body, requestType(contentType), featureDim);
}

function encodeRequest(m: FeatureMatrix, contentType: string, start?: number, end?: number): string | Uint8Array {
  return LINEAR_LEARNER_PROTOCOL.encodeRequest(m, requestType(contentType), start, end);
}

function acceptFor(contentType: string): string {
  return requestType(contentType) === RECORDIO_CONTENT_TYPE ? RECORDIO_CONTENT_TYPE : "application/json";
}


function parseResponse(body: Uint8Array, accept: string): Prediction[] {
  const type = ALIASES[mimeType(accept)] ?? mimeType(accept);
  try {
    if (type === RECORDIO_CONTENT_TYPE) return parseInferenceResponse(body).map((p) => ({ score: p.score }));
    const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("utf8");
    const predictions = parseJsonPredictions(text, type, "scores", scoreEntry);
    if (predictions === undefined) throw new ProtocolError("BAD_RESPONSE", `response type ${quote(accept)} is not one randomcutforest writes`);
    return predictions;
  } catch (err) {
    if (err instanceof ProtocolError) throw err;
    throw new ProtocolError("BAD_RESPONSE", `cannot parse endpoint response (${type}): ${(err as Error).message.split("\n")[0]!.slice(0, 200)}`, { cause: err });
  }
}

/**
 * Random Cut Forest's inference protocol (see {@link InferenceProtocol}).
 * @example
 * ```ts
 * RCF_PROTOCOL.encodeResponse([{ score: 1.37 }], "application/json").body; // '{"scores":[{"score":1.37}]}'
 * ```
 * @public
 */
export const RCF_PROTOCOL: InferenceProtocol = {
  name: "randomcutforest",
  requestContentTypes: RCF_REQUEST_TYPES,
  responseContentTypes: RCF_RESPONSE_TYPES,
  defaultAccept: "application/json",
  maxPayloadBytes: INVOKE_ENDPOINT_MAX_BYTES,
  acceptFor,
  negotiate,
  parseRequest,
  encodeResponse,
  encodeRequest,
  parseResponse,
};
