/**
 * The model registry, keyed by algorithm: `loadModel` opens an artifact once within the size
 * limits and hands its members to the plug-in that recognises them. Built-in plug-ins are listed
 * here; `registerModelPlugin` adds (or replaces) one at run time.
 * @packageDocumentation
 */
import { ALGORITHMS, isAlgorithm } from "@fraud/contracts";
import type { Algorithm } from "@fraud/contracts";
import { ModelError } from "../errors.js";
import { memberList, openArtifact, readArtifactFile } from "../model/archive.js";
import { resolveLimits } from "../model/limits.js";
import { linearLearnerPlugin } from "./linear-learner/plugin.js";
import { randomCutForestPlugin } from "./randomcutforest/plugin.js";
import { xgboostPlugin } from "./xgboost/plugin.js";
import type { LoadModelOptions, Model, ModelPlugin } from "./model.js";
import type { InferenceProtocol } from "./protocol.js";

/** The plug-ins every process starts with. A new algorithm adds its plug-in here. */
const BUILTIN: readonly ModelPlugin[] = [linearLearnerPlugin, xgboostPlugin, randomCutForestPlugin];

const plugins = new Map<Algorithm, ModelPlugin>(BUILTIN.map((p) => [p.algorithm, p]));

function checkPlugin(plugin: ModelPlugin): void {
  if (typeof plugin !== "object" || plugin === null || !isAlgorithm(plugin.algorithm)) {
    throw new ModelError("INVALID_ARGUMENT", `a model plug-in needs an algorithm of ${ALGORITHMS.join(", ")}, got ${String((plugin as { algorithm?: unknown } | null)?.algorithm).slice(0, 40)}`);
  }
  if (typeof plugin.recognise !== "function" || typeof plugin.load !== "function" || typeof plugin.protocol !== "object") {
    throw new ModelError("INVALID_ARGUMENT", `the ${plugin.algorithm} plug-in needs recognise, load and protocol`);
  }
}

/**
 * Registers a model plug-in under its algorithm, replacing any plug-in registered for it.
 * @example
 * ```ts
 * registerModelPlugin(myXgboostPlugin);
 * ```
 * @throws {@link ModelError} `INVALID_ARGUMENT` for an object that is not a plug-in.
 * @public
 */
export function registerModelPlugin(plugin: ModelPlugin): void {
  checkPlugin(plugin);
  plugins.set(plugin.algorithm, plugin);
}

/**
 * The plug-in registered for an algorithm.
 * @example
 * ```ts
 * modelPlugin("linear-learner").protocol.requestContentTypes; // ["text/csv", …]
 * ```
 * @throws {@link ModelError} `INVALID_ARGUMENT` for a name outside `ALGORITHMS`,
 *   `MODEL_UNSUPPORTED` for an algorithm with no plug-in.
 * @public
 */
export function modelPlugin(algorithm: string): ModelPlugin {
  if (!isAlgorithm(algorithm)) throw new ModelError("INVALID_ARGUMENT", `unknown algorithm ${JSON.stringify(String(algorithm).slice(0, 40))}; use one of ${ALGORITHMS.join(", ")}`);
  const plugin = plugins.get(algorithm);
  if (plugin === undefined) throw new ModelError("MODEL_UNSUPPORTED", `no model plug-in is registered for ${algorithm} (registered: ${registeredAlgorithms().join(", ")})`);
  return plugin;
}

/**
 * The algorithms with a registered model plug-in, in `ALGORITHMS` order.
 * @example
 * ```ts
 * registeredAlgorithms(); // ["linear-learner", …]
 * ```
 * @public
 */
export function registeredAlgorithms(): Algorithm[] {
  return ALGORITHMS.filter((a) => plugins.has(a));
}

/**
 * The inference protocol of an algorithm's container (the Lambda's endpoint client uses it).
 * @example
 * ```ts
 * inferenceProtocol("linear-learner").acceptFor("text/csv"); // "application/json"
 * ```
 * @throws {@link ModelError} as {@link modelPlugin}.
 * @public
 */
export function inferenceProtocol(algorithm: string): InferenceProtocol {
  return modelPlugin(algorithm).protocol;
}

/**
 * Loads a model of any registered algorithm from a `model.tar.gz` (path or bytes): the artifact is
 * read and opened once within the `ModelLimits` (a file above `maxArtifactBytes` is refused
 * before it is read, decompression stops at `maxUncompressedBytes`), and the plug-in that
 * recognises its members loads it.
 *
 * @example
 * ```ts
 * const model = await loadModel("out/model.tar.gz");
 * model.describe().algorithm; // "linear-learner"
 * model.predict({ data: new Float64Array(30), rows: 1, cols: 30 }); // [{ score: 0.0012, predictedLabel: 0 }]
 * ```
 * @throws {@link ModelError} `MODEL_NOT_FOUND`, `MODEL_CORRUPT`, `MODEL_TOO_LARGE`,
 *   `MODEL_UNSUPPORTED` (no registered algorithm recognises the artifact, or its plug-in refuses
 *   it); `INVALID_ARGUMENT` for a bad limit.
 * @public
 */
export async function loadModel(source: string | Uint8Array, options: LoadModelOptions = {}): Promise<Model> {
  if (typeof source !== "string" && !(source instanceof Uint8Array)) {
    throw new ModelError("INVALID_ARGUMENT", "a model source must be a path or the bytes of a model.tar.gz");
  }
  const limits = resolveLimits(options);
  const file = options.name ?? (typeof source === "string" ? source : "model.tar.gz");
  const bytes = typeof source === "string" ? await readArtifactFile(source, limits.maxArtifactBytes) : source;
  const artifact = await openArtifact(bytes, file, limits);
  for (const algorithm of registeredAlgorithms()) {
    const plugin = plugins.get(algorithm)!;
    if (plugin.recognise(artifact)) return plugin.load(artifact);
  }
  if (artifact.bare !== undefined) {
    throw new ModelError("MODEL_CORRUPT", `${file}: not a model.tar.gz (neither gzip-compressed tar, tar nor a bare model any of ${registeredAlgorithms().join(", ")} reads)`);
  }
  throw new ModelError("MODEL_UNSUPPORTED", `${file}: not a model artifact of ${registeredAlgorithms().join(", ")} (members: ${memberList(artifact.members.keys())})`);
}
