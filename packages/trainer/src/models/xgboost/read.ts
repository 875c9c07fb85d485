// One entry point for the bytes of an `xgboost-model`: the format is told by its first bytes, as
// XGBoost 1.7's Learner::LoadModel tells it (`binf` legacy binary, `{"` JSON, `{` + a letter
// UBJSON); a pickled Booster (SageMaker's 0.90 containers) is named and refused.
import { JsonError, parseJsonBounded } from "@fraud/contracts";
import { ModelError } from "../../errors.js";
import { isBinf, readBinf } from "./binf.js";
import type { XGBoostBooster } from "./booster.js";
import { boosterFromDocument } from "./document.js";
import { decodeUbjson } from "./ubjson.js";

/** The formats an `xgboost-model` may be in. @public */
export type XGBoostFormat = "binf" | "json" | "ubjson";

/** Nesting limit of JSON and UBJSON model documents (XGBoost's own are 7 levels deep). @public */
export const XGBOOST_MAX_DEPTH = 64;

/** Most arrays and objects a JSON model may hold (XGBoost writes about 15 per tree). */
const MAX_JSON_CONTAINERS = 262_144;

/** Most values (counted by their separating commas) a JSON model may hold: a real one holds about 10 per node. */
const MAX_JSON_VALUES = 4_194_304;

/** Options of {@link readXGBoostModel}. @public */
export interface ReadXGBoostOptions {
  /** Name used in messages. @defaultValue "xgboost-model" */
  name?: string;
  /** Largest `num_feature` accepted. @defaultValue 1_000_000 */
  maxFeatures?: number;
}

/** What {@link readXGBoostModel} returns. @public */
export interface ReadXGBoostResult {
  /** The booster. */
  booster: XGBoostBooster;
  /** The format it was read from. */
  format: XGBoostFormat;
}

/**
 * The format of an `xgboost-model`'s bytes, or a one-line reason it is none.
 * @internal
 */
export function sniffXGBoost(bytes: Uint8Array): XGBoostFormat | "pickle" | null {
  if (bytes.length === 0) return null;
  if (bytes[0] === 0x80) return "pickle";
  if (isBinf(bytes)) return "binf";
  if (bytes[0] === 0x7b /* { */ && bytes.length > 1) {
    const c = bytes[1]!;
    if (c === 0x22 /* " */ || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x7d) return "json";
    if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x23 || c === 0x24) return "ubjson";
  }
  return null;
}

/**
 * Reads an XGBoost model from the bytes of `xgboost-model` (or a `.json`/`.ubj` file): legacy
 * binary (`binf`), JSON or UBJSON, `gbtree` with a logistic objective.
 *
 * @example
 * ```ts
 * const { booster, format } = readXGBoostModel(await readFile("xgboost-model"));
 * ```
 * @throws {@link ModelError} `MODEL_CORRUPT` (truncated, malformed, nested deeper than
 *   {@link XGBOOST_MAX_DEPTH}), `MODEL_UNSUPPORTED` (a pickled Booster, another booster or
 *   objective, multiclass, categorical splits), `MODEL_TOO_LARGE`.
 * @public
 */
export function readXGBoostModel(bytes: Uint8Array, options: ReadXGBoostOptions = {}): ReadXGBoostResult {
  const file = options.name ?? "xgboost-model";
  const maxFeatures = options.maxFeatures ?? 1_000_000;
  const format = sniffXGBoost(bytes);
  if (format === "pickle") {
    throw new ModelError("MODEL_UNSUPPORTED", `${file}: unsupported: pickled Booster (XGBoost 0.90 container); load it with that version and save it with Booster.save_model`);
  }
  if (format === null) {
    if (bytes.length >= 4 && String.fromCharCode(...bytes.subarray(0, 4)) === "bs64") throw new ModelError("MODEL_UNSUPPORTED", `${file}: unsupported: base64 XGBoost model (bs64)`);
    throw new ModelError("MODEL_CORRUPT", `${file}: not an XGBoost model (expected the binf, JSON or UBJSON model format)`);
  }
  if (format === "binf") return { booster: readBinf(bytes, file, maxFeatures), format };
  if (format === "ubjson") {
    const doc = decodeUbjson(bytes, { name: file, maxDepth: XGBOOST_MAX_DEPTH });
    return { booster: boosterFromDocument(doc, file, maxFeatures), format };
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch (err) {
    throw new ModelError("MODEL_CORRUPT", `${file}: JSON model is not UTF-8`, { cause: err });
  }
  let containers = 0;
  let commas = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x2c && ++commas >= MAX_JSON_VALUES) {
      throw new ModelError("MODEL_TOO_LARGE", `${file}: JSON model holds more than ${MAX_JSON_VALUES} values`);
    } else if (c === 0x22) {
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
    } else if ((c === 0x5b || c === 0x7b) && ++containers > MAX_JSON_CONTAINERS) {
      throw new ModelError("MODEL_TOO_LARGE", `${file}: JSON model holds more than ${MAX_JSON_CONTAINERS} arrays and objects`);
    }
  }
  let doc: unknown;
  try {
    doc = parseJsonBounded(text, { maxDepth: XGBOOST_MAX_DEPTH });
  } catch (err) {
    if (err instanceof JsonError) throw new ModelError("MODEL_CORRUPT", `${file}: ${err.message}`, { cause: err });
    throw err;
  }
  return { booster: boosterFromDocument(doc, file, maxFeatures), format };
}
