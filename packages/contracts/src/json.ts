/**
 * JSON parsing bounded before any recursive work: a linear pre-scan refuses input nested deeper
 * than a limit, so `JSON.parse` (and every walk over its result) never recurses past it.
 * @packageDocumentation
 */
import { FraudError } from "./errors.js";

/**
 * The default nesting limit of {@link parseJsonBounded}: 64 levels of arrays and objects.
 * @public
 */
export const MAX_JSON_DEPTH = 64;

/** Codes of {@link JsonError}. @public */
export type JsonErrorCode = "JSON_TOO_DEEP" | "JSON_INVALID" | "JSON_TOO_LARGE";

/** The error of {@link parseJsonBounded}. @public */
export class JsonError extends FraudError<JsonErrorCode> {
  /** Always `JsonError`. */
  override readonly name = "JsonError";
}

/** Options of {@link parseJsonBounded}. @public */
export interface JsonBounds {
  /**
   * Deepest nesting of arrays and objects accepted.
   * @defaultValue {@link MAX_JSON_DEPTH}
   */
  maxDepth?: number;
  /**
   * Longest input accepted, in UTF-16 code units.
   * @defaultValue no limit beyond the caller's own
   */
  maxLength?: number;
}

/**
 * One linear pass over a JSON text that skips strings (honouring escapes) and tracks the nesting
 * depth and the number of containers (arrays and objects); it stops as soon as either limit is
 * exceeded.
 */
function scanJson(text: string, maxDepth: number, maxContainers: number): { depth: number; containers: number } {
  let depth = 0;
  let max = 0;
  let containers = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      for (i++; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (++containers > maxContainers) break;
      if (depth > max) {
        max = depth;
        if (max > maxDepth) break;
      }
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return { depth: max, containers };
}

/**
 * The nesting depth of a JSON text, scanned in one linear pass that skips strings; stops as soon
 * as `limit` is exceeded (returns `limit + 1` then).
 * @example
 * ```ts
 * jsonDepth('{"a":[1,[2]]}'); // 3
 * ```
 * @public
 */
export function jsonDepth(text: string, limit = Number.MAX_SAFE_INTEGER): number {
  return scanJson(text, limit, Number.MAX_SAFE_INTEGER).depth;
}

/**
 * How many containers (arrays and objects) a JSON text holds, counted in one linear pass that
 * skips strings; stops as soon as `limit` is exceeded (returns `limit + 1` then). A bound on the
 * work and memory parsing the text would take, known before parsing it.
 * @example
 * ```ts
 * jsonContainers('{"instances":[{"features":[1]}]}'); // 4
 * ```
 * @public
 */
export function jsonContainers(text: string, limit = Number.MAX_SAFE_INTEGER): number {
  return scanJson(text, Number.MAX_SAFE_INTEGER, limit).containers;
}

/**
 * `JSON.parse` with a nesting limit checked first (linear time, no recursion), and an optional
 * length limit.
 *
 * @example
 * ```ts
 * parseJsonBounded('{"instances":[{"features":[1,2]}]}'); // ok
 * parseJsonBounded("[".repeat(5000) + "]".repeat(5000)); // throws JsonError JSON_TOO_DEEP
 * ```
 * @throws {@link JsonError} `JSON_TOO_DEEP`, `JSON_TOO_LARGE` or `JSON_INVALID` (one line, the
 * parser's own reason).
 * @public
 */
export function parseJsonBounded(text: string, bounds: JsonBounds = {}): unknown {
  const maxDepth = bounds.maxDepth ?? MAX_JSON_DEPTH;
  if (bounds.maxLength !== undefined && text.length > bounds.maxLength) {
    throw new JsonError("JSON_TOO_LARGE", `JSON text of ${text.length} characters is over the limit of ${bounds.maxLength}`);
  }
  if (jsonDepth(text, maxDepth) > maxDepth) {
    throw new JsonError("JSON_TOO_DEEP", `JSON nested deeper than ${maxDepth} levels`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new JsonError("JSON_INVALID", `invalid JSON: ${String((err as Error).message).split("\n")[0]!.slice(0, 120)}`, { cause: err });
  }
}
