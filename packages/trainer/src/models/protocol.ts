/**
 * A model's SageMaker inference protocol: the content types its container takes and answers, how a
 * request is parsed (server) and encoded (client), how a response is encoded (server) and parsed
 * (client), the container's error shape and the payload limit. One implementation per algorithm
 * family, used by both the Lambda scorer's endpoint client and the local endpoint.
 * @packageDocumentation
 */
import { FraudError, jsonContainers, parseJsonBounded } from "@fraud/contracts";
import type { FeatureMatrix, Prediction } from "@fraud/contracts";

/**
 * Codes of {@link ProtocolError}:
 * - `UNSUPPORTED_CONTENT_TYPE` — the request's content type is not one the container reads (415);
 * - `UNSUPPORTED_ACCEPT` — no type listed in `Accept` is one the container writes (406);
 * - `BAD_PAYLOAD` — the body cannot be read as rows of the model's features (400);
 * - `PAYLOAD_TOO_LARGE` — the body is over the payload limit, or holds more rows or JSON values
 *   than the protocol's bounds (413);
 * - `BAD_RESPONSE` — (client side) a response body that is not the container's answer;
 * - `INVALID_ARGUMENT` — (client side) rows that cannot be encoded in the chosen type.
 * @public
 */
export type ProtocolErrorCode = "UNSUPPORTED_CONTENT_TYPE" | "UNSUPPORTED_ACCEPT" | "BAD_PAYLOAD" | "PAYLOAD_TOO_LARGE" | "BAD_RESPONSE" | "INVALID_ARGUMENT";

const STATUS: Record<ProtocolErrorCode, number> = {
  UNSUPPORTED_CONTENT_TYPE: 415,
  UNSUPPORTED_ACCEPT: 406,
  BAD_PAYLOAD: 400,
  PAYLOAD_TOO_LARGE: 413,
  BAD_RESPONSE: 502,
  INVALID_ARGUMENT: 400,
};

/**
 * What a model container refuses, or what a client cannot read: `status` is the HTTP status the
 * container answers (the runtime API wraps it in a 424 `ModelError` with this message as
 * `OriginalMessage`), `message` the container's own text.
 * @example
 * ```ts
 * try { protocol.parseRequest(body, "text/csv", 30); }
 * catch (err) { if (err instanceof ProtocolError) reply(err.status, err.message); }
 * ```
 * @public
 */
export class ProtocolError extends FraudError<ProtocolErrorCode> {
  /** Always `ProtocolError`. */
  override readonly name = "ProtocolError";
  /** The HTTP status the container answers with. */
  readonly status: number;

  /**
   * @param code - The stable code.
   * @param message - The container's message (one line).
   * @param options - `status` overrides the code's default status; `cause`.
   */
  constructor(code: ProtocolErrorCode, message: string, options: ErrorOptions & { status?: number } = {}) {
    super(code, message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = options.status ?? STATUS[code];
  }
}

/** A response body with its content type. @public */
export interface EncodedBody {
  /** The body. */
  body: string | Uint8Array;
  /** Its bare MIME type. */
  contentType: string;
}

/**
 * One algorithm family's inference protocol, as its SageMaker container speaks it.
 * @public
 */
export interface InferenceProtocol {
  /** The container family, e.g. `linear-learner`. */
  readonly name: string;
  /** Request content types read by the container (bare MIME types); the first is the default. */
  readonly requestContentTypes: readonly string[];
  /** Response content types written by the container (bare MIME types). */
  readonly responseContentTypes: readonly string[];
  /** The response type when `Accept` is absent or a wildcard. */
  readonly defaultAccept: string;
  /** Largest request body, in bytes. */
  readonly maxPayloadBytes: number;
  /**
   * The response type a client asks for when it sends `contentType` (the one the container
   * answers that type with best).
   */
  acceptFor(contentType: string): string;
  /**
   * Picks the response type for an `Accept` header (the first supported entry, the default for
   * none or a wildcard).
   * @throws {@link ProtocolError} `UNSUPPORTED_ACCEPT`.
   */
  negotiate(accept: string | undefined): string;
  /**
   * Server side: reads a request body into rows of `featureDim` features.
   * @throws {@link ProtocolError} `UNSUPPORTED_CONTENT_TYPE`, `BAD_PAYLOAD`, `PAYLOAD_TOO_LARGE`.
   */
  parseRequest(body: Uint8Array, contentType: string | undefined, featureDim: number): FeatureMatrix;
  /**
   * Server side: encodes predictions for an `Accept` header.
   * @throws {@link ProtocolError} `UNSUPPORTED_ACCEPT`.
   */
  encodeResponse(predictions: readonly Prediction[], accept: string | undefined): EncodedBody;
  /**
   * Client side: encodes rows `[start, end)` of a matrix as a request body.
   * @throws {@link ProtocolError} `UNSUPPORTED_CONTENT_TYPE`, `INVALID_ARGUMENT`.
   */
  encodeRequest(matrix: FeatureMatrix, contentType: string, start?: number, end?: number): string | Uint8Array;
  /**
   * Client side: reads a response body written in `accept`.
   * @throws {@link ProtocolError} `BAD_RESPONSE`.
   */
  parseResponse(body: Uint8Array, accept: string): Prediction[];
}

/**
 * The bare, lower-cased MIME type of a header value (`text/csv; label_size=0` → `text/csv`).
 * @example
 * ```ts
 * mimeType("Text/CSV; charset=utf-8"); // "text/csv"
 * ```
 * @public
 */
export function mimeType(header: string | undefined): string {
  return (header ?? "").split(";")[0]!.trim().toLowerCase();
}

/** Byte length of an encoded body. @public */
export function bodyBytes(body: string | Uint8Array): number {
  return typeof body === "string" ? Buffer.byteLength(body) : body.byteLength;
}


/** Deepest JSON nesting a protocol reads in a request or a response: 64 levels. */
export const MAX_REQUEST_JSON_DEPTH = 64;

/**
 * Most JSON containers (objects and arrays) one JSON or JSON Lines request may hold: 131,072,
 * counted in one linear pass before parsing (an instance takes at least one), so a 6 MiB body of
 * tiny objects cannot take hundreds of MB to parse.
 */
export const MAX_REQUEST_JSON_CONTAINERS = 131_072;

/**
 * Counts JSON containers outside strings in one pass, refusing more than
 * {@link MAX_REQUEST_JSON_CONTAINERS} with a `PAYLOAD_TOO_LARGE` {@link ProtocolError}.
 */
export function checkJsonContainers(text: string): void {
  if (jsonContainers(text, MAX_REQUEST_JSON_CONTAINERS) > MAX_REQUEST_JSON_CONTAINERS) {
    throw new ProtocolError("PAYLOAD_TOO_LARGE", `unable to evaluate payload provided: more than ${MAX_REQUEST_JSON_CONTAINERS} JSON objects and arrays in one request`);
  }
}

/**
 * A response entry holding a numeric `score` (XGBoost's `predictions`, Random Cut Forest's
 * `scores`), as a {@link Prediction}.
 * @internal
 */
export function scoreEntry(v: unknown, i: number): Prediction {
  const score = typeof v === "object" && v !== null ? (v as { score?: unknown }).score : undefined;
  if (typeof score !== "number") throw new ProtocolError("BAD_RESPONSE", `endpoint response entry ${i} has no numeric score`);
  return { score };
}

/**
 * Reads a JSON response body into predictions, bounded in depth and containers: one entry a line
 * for `application/jsonlines`, else the document's `key` array for `application/json`; each entry
 * read by `entry`. Returns `undefined` for any other type, for the caller to handle.
 * @internal
 */
export function parseJsonPredictions(text: string, type: string, key: string, entry: (v: unknown, i: number) => Prediction): Prediction[] | undefined {
  checkJsonContainers(text);
  if (type === "application/jsonlines") {
    return text
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map((l, i) => entry(parseJsonBounded(l, { maxDepth: MAX_REQUEST_JSON_DEPTH }), i));
  }
  if (type !== "application/json") return undefined;
  const doc = parseJsonBounded(text, { maxDepth: MAX_REQUEST_JSON_DEPTH }) as Record<string, unknown> | null;
  const list = typeof doc === "object" && doc !== null ? doc[key] : undefined;
  if (!Array.isArray(list)) throw new ProtocolError("BAD_RESPONSE", `endpoint response has no "${key}" array`);
  return list.map(entry);
}
