import { INFRA_ENV_VARIABLES, isContractError, readInfraEnv } from "@fraud/contracts";
import type { InfraEnvKind } from "@fraud/contracts";
import { invalid } from "./issues.js";

/** Kind of value an environment variable override carries. @public */
export type EnvKind = InfraEnvKind;

/**
 * The `FRAUD_INFRA_*` variables that override single settings (applied last), as
 * `[variable, dotted field, kind]`: the setting rows of `@fraud/contracts`' `INFRA_ENV_VARIABLES`,
 * the one table of these names. Booleans accept `true|false|1|0`.
 * @example
 * ```ts
 * // FRAUD_INFRA_PHASE=serving FRAUD_INFRA_MODEL_DATA_URL=s3://b/m/model.tar.gz npx nx run infra:synth
 * ENV_OVERRIDES.find(([name]) => name === "FRAUD_INFRA_PHASE"); // ["FRAUD_INFRA_PHASE", "phase", "string"]
 * ```
 * @public
 */
export const ENV_OVERRIDES: readonly (readonly [string, string, EnvKind])[] = Object.freeze(
  INFRA_ENV_VARIABLES.flatMap((v) => (v.setting === null ? [] : [Object.freeze([v.name, v.setting, v.kind] as const)])),
);

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

/**
 * Reads the `FRAUD_INFRA_*` variables once (`@fraud/contracts`' `readInfraEnv`), naming the
 * setting a bad value was meant for.
 * @throws InfraError `INVALID_ARGUMENT`.
 * @internal
 */
export function infraEnv(env: NodeJS.ProcessEnv): ReturnType<typeof readInfraEnv> {
  try {
    return readInfraEnv(env);
  } catch (err) {
    if (!isContractError(err)) throw err;
    const name = /^FRAUD_INFRA_[A-Z_]+/.exec(err.message)?.[0];
    const setting = INFRA_ENV_VARIABLES.find((v) => v.name === name)?.setting ?? "environments";
    throw invalid(setting, err.message, err);
  }
}

/**
 * Applies the {@link ENV_OVERRIDES} present (non-empty) in `env` to a raw settings object.
 * @throws InfraError `INVALID_ARGUMENT` when a boolean or integer variable does not parse.
 * @internal
 */
export function applyEnvOverrides(settings: Json, env: NodeJS.ProcessEnv): Json {
  let merged = settings;
  for (const [field, value] of infraEnv(env).overrides) {
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
