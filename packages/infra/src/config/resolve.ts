import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { scorerEnvironment } from "../constructs/scorer-env.js";
import { InfraError } from "../errors.js";
import { ALGORITHM_IMAGES, ENVIRONMENT_NAME_RULE, exampleQueueUrl, isContractError, isRegionName, regionImage, trainingJobName, validateSageMakerName } from "@fraud/contracts";
import { stackNames } from "../constructs/names.js";
import { applyEnvOverrides, deepMerge, infraEnv, isPlainObject } from "./env.js";
import { invalid, issueError, show } from "./issues.js";
import { readSageMakerJson } from "./sagemaker-json.js";
import { ENVIRONMENT_PATTERN, settingsSchema } from "./schema.js";
import type { AnomalyDetectorSettings, InfraConfigFile, ModelSettings, Settings } from "./schema.js";
import type { ScoringMode } from "@fraud/contracts";

/** The model settings once resolved: the image is always known. @public */
export interface ResolvedModel extends ModelSettings {
  /** Serving image: `model.imageUri`, else the training job's image, else the region's image of `model.algorithm`. */
  imageUri: string;
}

/** The anomaly detector's settings once resolved: mode, image and paths known. @public */
export interface ResolvedAnomalyDetector extends Omit<AnomalyDetectorSettings, "scoringMode"> {
  /** `endpoint` or `embedded`: as configured, else `endpoint` for a `sagemakerJson` model and `embedded` otherwise. */
  scoringMode: ScoringMode;
  /** Serving image in endpoint mode: `imageUri`, else the training job's image, else the region's Random Cut Forest image. */
  imageUri: string;
}

/**
 * A fully resolved, validated configuration for one environment (one stack).
 * @public
 */
export interface StackConfig extends Omit<Settings, "model" | "anomalyDetector"> {
  /** Environment name, e.g. `dev`; also the stack's folder under `cdktf.out/stacks/`. */
  environment: string;
  /** Directory relative paths were resolved against (the configuration file's). */
  baseDir: string;
  /** The model, with `dataUrl` and `version` taken from `sagemakerJson` when that is given. */
  model: ResolvedModel;
  /** The optional anomaly detector, with `dataUrl` and `version` taken from its `sagemakerJson` when that is given. */
  anomalyDetector: ResolvedAnomalyDetector;
}

/** Longest `<prefix>-<environment>`: bucket prefixes and role names must stay within AWS limits. */
const MAX_NAME = 26;

type Json = Record<string, unknown>;

function resolvePath(baseDir: string, p: string): string {
  return isAbsolute(p) ? p : resolve(baseDir, p);
}

function pickEnvironment(file: Json, environment: string): Json {
  if (!ENVIRONMENT_PATTERN.test(environment)) {
    throw invalid("environments", `environment name must be ${ENVIRONMENT_NAME_RULE} (got ${show(environment)})`);
  }
  const environments = file["environments"];
  if (environments === undefined) return {};
  if (!isPlainObject(environments)) throw invalid("environments", `must be an object of environment names to settings (got ${show(environments)})`);
  const names = Object.keys(environments);
  if (!names.includes(environment)) throw invalid("environments", `no environment ${show(environment)} (known: ${names.join(", ") || "none"})`);
  const overrides = environments[environment] ?? {};
  if (!isPlainObject(overrides)) throw invalid(`environments.${environment}`, `must be an object (got ${show(overrides)})`);
  return overrides;
}

/** The names SageMaker will see must pass its rules (`@fraud/contracts`). */
function checkNames(settings: Settings, environment: string): void {
  const names = stackNames({ prefix: settings.prefix, environment });
  try {
    trainingJobName(names.trainingJobPrefix);
    validateSageMakerName("endpoint", names.endpoint);
    validateSageMakerName("endpoint", names.anomalyEndpoint);
  } catch (err) {
    if (!isContractError(err)) throw err;
    throw invalid("prefix", err.message, err);
  }
}

function resolveModel(settings: Settings, baseDir: string): ResolvedModel {
  const { model, region } = settings;
  const image = regionImage(model.algorithm, region);
  if (image === undefined && !(model.imageUri !== undefined && isRegionName(region))) {
    const regions = ALGORITHM_IMAGES[model.algorithm].registries.map((r) => r.region);
    throw invalid("region", `unknown region ${show(region)}: ${model.algorithm} is published in ${regions.length} regions, ${regions[0]} to ${regions.at(-1)} (set model.imageUri for others)`);
  }
  const out: ResolvedModel = { algorithm: model.algorithm, imageUri: model.imageUri ?? "" };
  let job: ReturnType<typeof readSageMakerJson> | undefined;
  if (model.sagemakerJson !== undefined) {
    out.sagemakerJson = resolvePath(baseDir, model.sagemakerJson);
    job = readSageMakerJson(out.sagemakerJson);
    if (job.region !== region) throw invalid("model.sagemakerJson", `the training job ran in ${job.region} but the stack's region is ${region}`);
  }
  const dataUrl = model.dataUrl ?? job?.modelDataUrl;
  if (dataUrl !== undefined) out.dataUrl = dataUrl;
  out.imageUri = model.imageUri ?? job?.image ?? image ?? "";
  const version = model.version ?? job?.jobName;
  if (version !== undefined) out.version = version;
  return out;
}

function resolveAnomalyDetector(settings: Settings, baseDir: string): ResolvedAnomalyDetector {
  const { anomalyDetector: a, region } = settings;
  const { scoringMode: _mode, ...rest } = a;
  const out: ResolvedAnomalyDetector = { ...rest, scoringMode: a.scoringMode ?? (a.sagemakerJson !== undefined ? "endpoint" : "embedded"), imageUri: "" };
  if (a.enabled !== true) return { ...out, imageUri: a.imageUri ?? regionImage("randomcutforest", region) ?? "" };
  const image = regionImage("randomcutforest", region);
  if (out.scoringMode === "endpoint" && image === undefined && a.imageUri === undefined) {
    throw invalid("anomalyDetector.imageUri", `randomcutforest has no built-in image in ${show(region)}: set anomalyDetector.imageUri or use anomalyDetector.scoringMode embedded`);
  }
  if (a.modelPath !== undefined) out.modelPath = resolvePath(baseDir, a.modelPath);
  let job: ReturnType<typeof readSageMakerJson> | undefined;
  if (a.sagemakerJson !== undefined) {
    out.sagemakerJson = resolvePath(baseDir, a.sagemakerJson);
    job = readSageMakerJson(out.sagemakerJson, "anomalyDetector.sagemakerJson");
    if (job.region !== region) throw invalid("anomalyDetector.sagemakerJson", `the training job ran in ${job.region} but the stack's region is ${region}`);
  }
  const dataUrl = a.dataUrl ?? job?.modelDataUrl;
  if (dataUrl !== undefined) out.dataUrl = dataUrl;
  out.imageUri = a.imageUri ?? job?.image ?? image ?? "";
  const version = a.version ?? job?.jobName;
  if (version !== undefined) out.version = version;
  return out;
}

function finish(settings: Settings, environment: string, baseDir: string): StackConfig {
  if (`${settings.prefix}-${environment}`.length > MAX_NAME) {
    throw invalid("prefix", `"${settings.prefix}-${environment}" is longer than ${MAX_NAME} characters, too long for bucket and role names`);
  }
  checkNames(settings, environment);
  const model = resolveModel(settings, baseDir);
  const anomalyDetector = resolveAnomalyDetector(settings, baseDir);
  const backend = settings.backend.type === "local"
    ? settings.backend.path === undefined ? settings.backend : { ...settings.backend, path: resolvePath(baseDir, settings.backend.path) }
    : { ...settings.backend, key: settings.backend.key ?? `${settings.prefix}/${environment}/terraform.tfstate`, region: settings.backend.region ?? settings.region };
  const config: StackConfig = {
    ...settings,
    environment,
    baseDir,
    model,
    anomalyDetector,
    backend,
    lambda: { ...settings.lambda, zipPath: resolvePath(baseDir, settings.lambda.zipPath) },
  };
  // The Lambda's own check, on what the stack would write (the queue URL is only known at apply).
  if (model.dataUrl !== undefined) scorerEnvironment(config, exampleQueueUrl(config.region));
  return config;
}

/**
 * Merges a parsed configuration file and one environment's overrides over the defaults, applies
 * env variable overrides ((the `FRAUD_INFRA_*` table of `@fraud/contracts`)) and validates the result with one schema.
 *
 * @param file - the parsed configuration file (`{}` for defaults only)
 * @param environment - the environment to resolve; must be listed in `file.environments` when that is given
 * @param options - `env` (default `process.env`) and `baseDir` for relative paths (default the working directory)
 * @example
 * ```ts
 * const dev = resolveConfig({ region: "eu-west-1" }, "dev", { env: {} });
 * dev.lambda.memoryMb; // 512
 * ```
 * @throws {@link InfraError} `INVALID_ARGUMENT` naming the field, e.g. `invalid configuration: region: unknown region "mars-1" …`
 * @public
 */
export function resolveConfig(file: InfraConfigFile, environment: string, options: { env?: NodeJS.ProcessEnv; baseDir?: string } = {}): StackConfig {
  const env = options.env ?? process.env;
  const baseDir = options.baseDir ?? process.cwd();
  if (!isPlainObject(file)) throw invalid("(root)", `must be an object (got ${show(file)})`);
  const { environments: _environments, $schema: _schema, ...top } = file as Json;
  const raw = applyEnvOverrides(deepMerge(top, pickEnvironment(file as Json, environment)), env);
  const parsed = settingsSchema.safeParse(raw);
  if (!parsed.success) throw issueError(parsed.error, raw, settingsSchema);
  return finish(parsed.data, environment, baseDir);
}

/** Where {@link loadConfig} reads from. @public */
export interface LoadConfigOptions {
  /** Configuration file; default env `FRAUD_INFRA_CONFIG`, else `infra.config.json` in `cwd` when it exists. */
  file?: string;
  /** Environments to resolve; default env `FRAUD_INFRA_ENV` (comma-separated), else every environment in the file (or `dev`). */
  environments?: string[];
  /** Environment variables; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Working directory; default `process.cwd()`. */
  cwd?: string;
}

function readConfigFile(file: string, explicit: boolean): InfraConfigFile {
  if (!existsSync(file)) {
    if (explicit) throw new InfraError("CONFIG_NOT_FOUND", `configuration file not found: ${file}`);
    return {};
  }
  try {
    return JSON.parse(readFileSync(file, "utf8")) as InfraConfigFile;
  } catch (err) {
    throw new InfraError("CONFIG_PARSE", `${file}: not valid JSON: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Reads the configuration file and resolves one {@link StackConfig} per environment.
 *
 * @example
 * ```ts
 * const [dev] = loadConfig({ file: "infra.config.json", environments: ["dev"] });
 * ```
 * @throws {@link InfraError} `CONFIG_NOT_FOUND`, `CONFIG_PARSE` or `INVALID_ARGUMENT`.
 * @public
 */
export function loadConfig(options: LoadConfigOptions = {}): StackConfig[] {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const fromEnv = infraEnv(env);
  const explicit = options.file ?? fromEnv.configFile;
  const file = resolve(cwd, explicit ?? "infra.config.json");
  const parsed = readConfigFile(file, explicit !== undefined);
  const baseDir = existsSync(file) ? dirname(file) : cwd;
  const names = options.environments ?? (fromEnv.environments.length > 0 ? fromEnv.environments : isPlainObject(parsed.environments) ? Object.keys(parsed.environments) : ["dev"]);
  if (names.length === 0) throw invalid("environments", "must name at least one environment");
  return names.map((name) => resolveConfig(parsed, name, { env, baseDir }));
}
