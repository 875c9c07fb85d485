/**
 * `@fraud/contracts`: what the `@fraud/*` packages must agree on, defined once — the model and
 * inference types, the common error base and small shared helpers. Depends on zod only.
 *
 * @example
 * ```ts
 * import { ALGORITHMS, parseJsonBounded } from "@fraud/contracts";
 * ALGORITHMS; // ["linear-learner", "xgboost", "randomcutforest"]
 * parseJsonBounded('{"a":1}', { maxDepth: 8 });
 * ```
 * @packageDocumentation
 */
export { FraudError, isFraudError } from "./errors.js";
export { ALGORITHMS, DEFAULT_ALGORITHM, isAlgorithm } from "./model.js";
export type { Algorithm, FeatureMatrix, ModelKind, Prediction } from "./model.js";
export { JsonError, MAX_JSON_DEPTH, jsonDepth, parseJsonBounded } from "./json.js";
export type { JsonBounds, JsonErrorCode } from "./json.js";
export { parseDecimal, parseDecimalString } from "./number.js";
