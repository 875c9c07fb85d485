/**
 * Every `FRAUD_INFRA_*` environment variable of the stack and its deploy, in one table: the
 * setting each overrides and how its text is parsed. These names are a contract.
 * @packageDocumentation
 */
import { ContractError } from "./contract-error.js";
import { ENVIRONMENT_NAME_PATTERN, ENVIRONMENT_NAME_RULE } from "./environment.js";
import { parseDecimalString } from "./number.js";
import { parseInteger, quote } from "./text.js";

/** How a variable's text is parsed: as is, a safe integer, a finite decimal number, or `true|false|1|0`. @public */
export type InfraEnvKind = "string" | "int" | "number" | "bool";

/** One `FRAUD_INFRA_*` variable. @public */
export interface InfraEnvVariable {
  /** The variable's name. */
  readonly name: string;
  /** How its text is parsed. */
  readonly kind: InfraEnvKind;
  /** The dotted setting it overrides (`lambda.memoryMb`), or `null` for the run's own inputs (`FRAUD_INFRA_ENV`, `_CONFIG`, `_CREDENTIALS`). */
  readonly setting: string | null;
}

const v = (name: string, setting: string | null, kind: InfraEnvKind = "string"): InfraEnvVariable => Object.freeze({ name, kind, setting });

/**
 * Every `FRAUD_INFRA_*` variable. The first three choose what runs: `FRAUD_INFRA_ENV`
 * (comma-separated environment names), `FRAUD_INFRA_CONFIG` (the configuration file) and
 * `FRAUD_INFRA_CREDENTIALS` (`instance`: credentials come from an instance role, which cannot be
 * detected offline). The others override one setting each, applied last.
 * @example
 * ```ts
 * INFRA_ENV_VARIABLES.find((x) => x.name === "FRAUD_INFRA_PHASE")?.setting; // "phase"
 * ```
 * @public
 */
export const INFRA_ENV_VARIABLES: readonly InfraEnvVariable[] = Object.freeze([
  v("FRAUD_INFRA_ENV", null),
  v("FRAUD_INFRA_CONFIG", null),
  v("FRAUD_INFRA_CREDENTIALS", null),
  v("FRAUD_INFRA_PREFIX", "prefix"),
  v("FRAUD_INFRA_REGION", "region"),
  v("FRAUD_INFRA_PHASE", "phase"),
  v("FRAUD_INFRA_MODEL_DATA_URL", "model.dataUrl"),
  v("FRAUD_INFRA_SAGEMAKER_JSON", "model.sagemakerJson"),
  v("FRAUD_INFRA_IMAGE_URI", "model.imageUri"),
  v("FRAUD_INFRA_MODEL_VERSION", "model.version"),
  v("FRAUD_INFRA_MODEL_ALGORITHM", "model.algorithm"),
  v("FRAUD_INFRA_ANOMALY_DETECTOR", "anomalyDetector.enabled", "bool"),
  v("FRAUD_INFRA_ANOMALY_SCORING_MODE", "anomalyDetector.scoringMode"),
  v("FRAUD_INFRA_ANOMALY_MODEL_DATA_URL", "anomalyDetector.dataUrl"),
  v("FRAUD_INFRA_ANOMALY_MODEL_PATH", "anomalyDetector.modelPath"),
  v("FRAUD_INFRA_ANOMALY_SAGEMAKER_JSON", "anomalyDetector.sagemakerJson"),
  v("FRAUD_INFRA_ANOMALY_THRESHOLD", "anomalyDetector.threshold", "number"),
  v("FRAUD_INFRA_ANOMALY_MODEL_VERSION", "anomalyDetector.version"),
  v("FRAUD_INFRA_ENDPOINT_MODE", "endpoint.mode"),
  v("FRAUD_INFRA_ENDPOINT_INSTANCE_TYPE", "endpoint.instanceType"),
  v("FRAUD_INFRA_ENDPOINT_INSTANCE_COUNT", "endpoint.instanceCount", "int"),
  v("FRAUD_INFRA_AUTOSCALING", "endpoint.autoscaling.enabled", "bool"),
  v("FRAUD_INFRA_NOTEBOOK", "notebook.enabled", "bool"),
  v("FRAUD_INFRA_NOTEBOOK_DIRECT_INTERNET", "notebook.directInternetAccess", "bool"),
  v("FRAUD_INFRA_LAMBDA_ZIP", "lambda.zipPath"),
  v("FRAUD_INFRA_LAMBDA_MEMORY_MB", "lambda.memoryMb", "int"),
  v("FRAUD_INFRA_SCORING_MODE", "lambda.scoringMode"),
  v("FRAUD_INFRA_FUNCTION_URL", "lambda.functionUrl.enabled", "bool"),
  v("FRAUD_INFRA_SCHEDULE_ENABLED", "schedule.enabled", "bool"),
  v("FRAUD_INFRA_FORCE_DESTROY", "buckets.forceDestroy", "bool"),
  v("FRAUD_INFRA_BUCKET_ENCRYPTION", "buckets.encryption"),
  v("FRAUD_INFRA_ALARMS", "alarms.enabled", "bool"),
  v("FRAUD_INFRA_ALARM_TOPIC_ARN", "alarms.topicArn"),
  v("FRAUD_INFRA_ALARM_EMAIL", "alarms.email"),
]);

/** A parsed value of a `FRAUD_INFRA_*` variable. @public */
export type InfraEnvValue = string | number | boolean;

/** The `FRAUD_INFRA_*` environment, read once. @public */
export interface InfraEnv {
  /** `FRAUD_INFRA_ENV`: the environments named, in order (empty when unset). */
  environments: string[];
  /** `FRAUD_INFRA_CONFIG`: the configuration file, when set. */
  configFile: string | undefined;
  /** `FRAUD_INFRA_CREDENTIALS=instance`: credentials come from an instance role. */
  instanceCredentials: boolean;
  /** The setting overrides present, dotted setting → parsed value, in table order. */
  overrides: ReadonlyArray<readonly [setting: string, value: InfraEnvValue, variable: string]>;
}

function fail(name: string, reason: string, raw: string): never {
  throw new ContractError("INVALID_ARGUMENT", `${name} ${reason} (got ${quote(raw)})`, reason);
}

function parseValue(variable: InfraEnvVariable, raw: string): InfraEnvValue {
  if (variable.kind === "bool") {
    if (!/^(true|false|1|0)$/i.test(raw.trim())) fail(variable.name, "must be true, false, 1 or 0", raw);
    return /^(true|1)$/i.test(raw.trim());
  }
  if (variable.kind === "number") {
    const n = parseDecimalString(raw.trim());
    if (!Number.isFinite(n)) fail(variable.name, "must be a decimal number", raw);
    return n;
  }
  if (variable.kind === "int") {
    const n = parseInteger(raw);
    if (n === undefined) fail(variable.name, "must be an integer", raw);
    return n;
  }
  return raw;
}

/**
 * Reads every `FRAUD_INFRA_*` variable of an environment once: unset and empty variables are
 * absent; booleans, integers and environment names are checked.
 * @example
 * ```ts
 * readInfraEnv({ FRAUD_INFRA_ENV: "dev,prod", FRAUD_INFRA_LAMBDA_MEMORY_MB: "1024" });
 * // { environments: ["dev", "prod"], configFile: undefined, instanceCredentials: false, overrides: [["lambda.memoryMb", 1024, "FRAUD_INFRA_LAMBDA_MEMORY_MB"]] }
 * ```
 * @throws ContractError `INVALID_ARGUMENT` naming the variable and quoting its value.
 * @public
 */
export function readInfraEnv(env: Readonly<Record<string, string | undefined>>): InfraEnv {
  const get = (name: string): string | undefined => {
    const raw = env[name];
    return raw === undefined || raw === "" ? undefined : raw;
  };
  const envList = get("FRAUD_INFRA_ENV");
  const environments = envList === undefined ? [] : envList.split(",").map((s) => s.trim()).filter(Boolean);
  for (const name of environments) if (!ENVIRONMENT_NAME_PATTERN.test(name)) fail("FRAUD_INFRA_ENV", `names environments of ${ENVIRONMENT_NAME_RULE}`, name);
  const credentials = get("FRAUD_INFRA_CREDENTIALS");
  if (credentials !== undefined && credentials !== "instance") fail("FRAUD_INFRA_CREDENTIALS", "must be instance or unset", credentials);
  const overrides: [string, InfraEnvValue, string][] = [];
  for (const variable of INFRA_ENV_VARIABLES) {
    if (variable.setting === null) continue;
    const raw = get(variable.name);
    if (raw !== undefined) overrides.push([variable.setting, parseValue(variable, raw), variable.name]);
  }
  return { environments, configFile: get("FRAUD_INFRA_CONFIG"), instanceCredentials: credentials === "instance", overrides };
}
