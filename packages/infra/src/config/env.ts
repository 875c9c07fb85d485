import { invalid, show } from "./issues.js";

/** Kind of value an environment variable override carries. @public */
export type EnvKind = "string" | "int" | "bool";

/**
 * Environment variables that override single settings (applied last), as
 * `[variable, dotted field, kind]`. Booleans accept `true|false|1|0`. These names are a contract.
 * @example
 * ```ts
 * // FRAUD_INFRA_PHASE=serving FRAUD_INFRA_MODEL_DATA_URL=s3://b/m/model.tar.gz npx nx run infra:synth
 * ENV_OVERRIDES.find(([name]) => name === "FRAUD_INFRA_PHASE"); // ["FRAUD_INFRA_PHASE", "phase", "string"]
 * ```
 * @public
 */
export const ENV_OVERRIDES: readonly (readonly [string, string, EnvKind])[] = Object.freeze([
  ["FRAUD_INFRA_PREFIX", "prefix", "string"],
  ["FRAUD_INFRA_REGION", "region", "string"],
  ["FRAUD_INFRA_PHASE", "phase", "string"],
  ["FRAUD_INFRA_MODEL_DATA_URL", "model.dataUrl", "string"],
  ["FRAUD_INFRA_SAGEMAKER_JSON", "model.sagemakerJson", "string"],
  ["FRAUD_INFRA_IMAGE_URI", "model.imageUri", "string"],
  ["FRAUD_INFRA_MODEL_VERSION", "model.version", "string"],
  ["FRAUD_INFRA_ENDPOINT_MODE", "endpoint.mode", "string"],
  ["FRAUD_INFRA_ENDPOINT_INSTANCE_TYPE", "endpoint.instanceType", "string"],
  ["FRAUD_INFRA_ENDPOINT_INSTANCE_COUNT", "endpoint.instanceCount", "int"],
  ["FRAUD_INFRA_AUTOSCALING", "endpoint.autoscaling.enabled", "bool"],
  ["FRAUD_INFRA_NOTEBOOK", "notebook.enabled", "bool"],
  ["FRAUD_INFRA_LAMBDA_ZIP", "lambda.zipPath", "string"],
  ["FRAUD_INFRA_LAMBDA_MEMORY_MB", "lambda.memoryMb", "int"],
  ["FRAUD_INFRA_SCORING_MODE", "lambda.scoringMode", "string"],
  ["FRAUD_INFRA_FUNCTION_URL", "lambda.functionUrl.enabled", "bool"],
  ["FRAUD_INFRA_SCHEDULE_ENABLED", "schedule.enabled", "bool"],
  ["FRAUD_INFRA_FORCE_DESTROY", "buckets.forceDestroy", "bool"],
  ["FRAUD_INFRA_BUCKET_ENCRYPTION", "buckets.encryption", "string"],
  ["FRAUD_INFRA_ALARMS", "alarms.enabled", "bool"],
  ["FRAUD_INFRA_ALARM_TOPIC_ARN", "alarms.topicArn", "string"],
  ["FRAUD_INFRA_ALARM_EMAIL", "alarms.email", "string"],
] as const);

type Json = Record<string, unknown>;

function isPlainObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Merges `over` into `base` field by field; `backend` and non-objects are replaced whole.
 * @internal
 */
export function deepMerge(base: Json, over: Json): Json {
  const out: Json = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    const cur = out[k];
    out[k] = isPlainObject(cur) && isPlainObject(v) && k !== "backend" ? deepMerge(cur, v) : v;
  }
  return out;
}

function parseEnvValue(name: string, field: string, kind: EnvKind, raw: string): unknown {
  if (kind === "bool") {
    if (!/^(true|false|1|0)$/i.test(raw)) throw invalid(field, `${name} must be true, false, 1 or 0 (got ${show(raw)})`);
    return /^(true|1)$/i.test(raw);
  }
  if (kind === "int") {
    if (!/^-?\d+$/.test(raw.trim())) throw invalid(field, `${name} must be an integer (got ${show(raw)})`);
    return Number(raw);
  }
  return raw;
}

/**
 * Applies the {@link ENV_OVERRIDES} present (non-empty) in `env` to a raw settings object.
 * @throws {@link InfraError} `INVALID_ARGUMENT` when a boolean or integer variable does not parse.
 * @internal
 */
export function applyEnvOverrides(settings: Json, env: NodeJS.ProcessEnv): Json {
  let merged = settings;
  for (const [name, field, kind] of ENV_OVERRIDES) {
    const raw = env[name];
    if (raw === undefined || raw === "") continue;
    const value = parseEnvValue(name, field, kind, raw);
    const parts = field.split(".");
    const patch: Json = {};
    let cur = patch;
    parts.forEach((p, i) => {
      if (i === parts.length - 1) cur[p] = value;
      else cur = cur[p] = {} as Json;
    });
    merged = deepMerge(merged, patch);
  }
  return merged;
}

/** Whether a value is a JSON object (not an array or null). @internal */
export { isPlainObject };
