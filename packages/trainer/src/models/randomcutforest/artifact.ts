/**
 * The Random Cut Forest artifact of this project (SageMaker's own RCF format is undocumented):
 * `model.tar.gz` holding one member, `rcf-model.json`, version 1 — described in FORMAT.md beside
 * this file. Reading is bounded: the member is within the model limits before it is parsed, its
 * JSON depth is capped before any recursion, every declared count is checked against the bytes
 * actually present before anything is decoded, and the trees are checked node by node.
 * @packageDocumentation
 */
import { JsonError, parseJsonBounded } from "@fraud/contracts";
import { ModelError } from "../../errors.js";
import { MODEL_MEMBER, isZip, memberList, readZip, startsWith, writeGzip, writeTar } from "../../model/archive.js";
import { MODEL_LIMITS, tooLarge } from "../../model/limits.js";
import type { ArtifactMembers } from "../model.js";
import type { ForestData } from "./forest.js";
import { RandomCutForestModel } from "./model.js";
import type { RcfModelParams, RcfThresholdRule } from "./model.js";

/** Name of the artifact's member. @public */
export const RCF_MEMBER = "rcf-model.json";
/** Value of the member's `format` field. @public */
export const RCF_FORMAT = "fraud-detection/randomcutforest";
/** The format version written, and the only one read. @public */
export const RCF_FORMAT_VERSION = 1;
/** Deepest JSON nesting of a valid member (the format needs 3). */
const MAX_DEPTH = 8;

/** One flat array of the member: its element type and base64 of its little-endian bytes. */
type Dtype = "int32" | "float32";
const ARRAYS: readonly (readonly [keyof ForestData & string, Dtype])[] = [
  ["nodeCounts", "int32"],
  ["child", "int32"],
  ["cutDim", "int32"],
  ["cutValue", "float32"],
  ["leafMass", "int32"],
  ["points", "float32"],
];

function corrupt(file: string, message: string, cause?: unknown): ModelError {
  return new ModelError("MODEL_CORRUPT", `${file}: ${RCF_MEMBER}: ${message}`, cause === undefined ? undefined : { cause });
}

function toBase64(a: Int32Array | Float32Array): string {
  const view = new DataView(new ArrayBuffer(a.length * 4));
  if (a instanceof Int32Array) for (let i = 0; i < a.length; i++) view.setInt32(i * 4, a[i]!, true);
  else for (let i = 0; i < a.length; i++) view.setFloat32(i * 4, a[i]!, true);
  return Buffer.from(view.buffer).toString("base64");
}

function fromBase64(file: string, name: string, text: unknown, dtype: Dtype, count: number): Int32Array | Float32Array {
  if (typeof text !== "string") throw corrupt(file, `arrays.${name} is not a base64 string`);
  // The declared count decides the size, and the text must hold exactly that many bytes: a huge
  // declared count is refused before anything is allocated.
  const bytes = count * 4;
  const expected = 4 * Math.ceil(bytes / 3);
  if (text.length !== expected) throw corrupt(file, `arrays.${name} holds ${text.length} base64 characters, ${count} ${dtype} values need ${expected}`);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) throw corrupt(file, `arrays.${name} is not base64`);
  const buf = Buffer.from(text, "base64");
  if (buf.length !== bytes) throw corrupt(file, `arrays.${name} decodes to ${buf.length} bytes, expected ${bytes}`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.length);
  if (dtype === "int32") {
    const out = new Int32Array(count);
    for (let i = 0; i < count; i++) out[i] = view.getInt32(i * 4, true);
    return out;
  }
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

function numbers(file: string, name: string, v: unknown, length: number): Float64Array {
  if (!Array.isArray(v) || v.length !== length || !v.every((x) => typeof x === "number" && Number.isFinite(x))) {
    throw corrupt(file, `${name} is not a list of ${length} finite numbers`);
  }
  return Float64Array.from(v as number[]);
}

function count(file: string, name: string, v: unknown, max: number): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) throw corrupt(file, `${name} ${JSON.stringify(v)?.slice(0, 40)} is not a count`);
  if (v > max) throw new ModelError("MODEL_TOO_LARGE", `${file}: ${RCF_MEMBER} declares ${name} ${v} (more than ${max} fit in the member's bytes)`);
  return v;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function thresholdRule(file: string, v: unknown): RcfThresholdRule {
  if (isRecord(v) && v["rule"] === "given") return { rule: "given" };
  if (isRecord(v) && v["rule"] === "mean+sd") {
    const [sigmas, mean, std, rows] = ["sigmas", "mean", "std", "rows"].map((k) => v[k]);
    if ([sigmas, mean, std, rows].every((x) => typeof x === "number" && Number.isFinite(x))) {
      return { rule: "mean+sd", sigmas: sigmas as number, mean: mean as number, std: std as number, rows: rows as number };
    }
  }
  throw corrupt(file, "thresholdRule is not {rule: \"given\"} or {rule: \"mean+sd\", sigmas, mean, std, rows}");
}

/**
 * Decodes the `rcf-model.json` member into model parameters.
 * @param file - Name used in messages.
 * @throws {@link ModelError} `MODEL_CORRUPT` (not UTF-8 JSON, nesting over 8, a field missing or
 *   of the wrong type, arrays that do not match the declared counts, a malformed tree),
 *   `MODEL_UNSUPPORTED` (another format or version), `MODEL_TOO_LARGE` (declared counts the
 *   member's bytes cannot hold).
 * @public
 */
export function decodeRcfMember(bytes: Uint8Array, file = "model.tar.gz"): RcfModelParams {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch (err) {
    throw corrupt(file, "not UTF-8 text", err);
  }
  let doc: unknown;
  try {
    doc = parseJsonBounded(text, { maxDepth: MAX_DEPTH });
  } catch (err) {
    if (err instanceof JsonError) throw corrupt(file, err.message, err);
    throw err;
  }
  if (!isRecord(doc)) throw corrupt(file, "not a JSON object");
  if (doc["format"] !== RCF_FORMAT) throw new ModelError("MODEL_UNSUPPORTED", `${file}: ${RCF_MEMBER} has format ${JSON.stringify(doc["format"])?.slice(0, 60)}, expected ${JSON.stringify(RCF_FORMAT)}`);
  if (doc["version"] !== RCF_FORMAT_VERSION) {
    throw new ModelError("MODEL_UNSUPPORTED", `${file}: ${RCF_MEMBER} version ${JSON.stringify(doc["version"])?.slice(0, 20)} is not supported (this reader reads version ${RCF_FORMAT_VERSION})`);
  }
  // Every declared count is bounded by the member's own size: each int32/float32 value takes more
  // than 4 characters of base64 text, so no honest count exceeds bytes / 4.
  const cap = Math.floor(bytes.length / 4);
  const dim = count(file, "featureDim", doc["featureDim"], cap);
  if (dim < 1) throw corrupt(file, "featureDim is 0");
  const trees = count(file, "trees", doc["trees"], cap);
  const nodes = count(file, "nodes", doc["nodes"], cap);
  const leaves = count(file, "leaves", doc["leaves"], cap);
  if (leaves * dim > cap) throw new ModelError("MODEL_TOO_LARGE", `${file}: ${RCF_MEMBER} declares ${leaves} leaves of ${dim} features (more than its bytes hold)`);
  const samplesPerTree = count(file, "samplesPerTree", doc["samplesPerTree"], Number.MAX_SAFE_INTEGER);
  const trainedRows = count(file, "trainedRows", doc["trainedRows"], Number.MAX_SAFE_INTEGER);
  const arrays = doc["arrays"];
  if (!isRecord(arrays)) throw corrupt(file, "arrays is not an object");
  const sizes: Record<string, number> = { nodeCounts: trees, child: nodes, cutDim: nodes, cutValue: nodes, leafMass: nodes, points: leaves * dim };
  const decoded: Record<string, Int32Array | Float32Array> = {};
  for (const [name, dtype] of ARRAYS) decoded[name] = fromBase64(file, name, arrays[name], dtype, sizes[name]!);
  const threshold = doc["threshold"];
  if (typeof threshold !== "number" || !Number.isFinite(threshold)) throw corrupt(file, "threshold is not a finite number");
  const t = doc["transform"];
  let transform: RcfModelParams["transform"] = null;
  if (t !== null) {
    if (!isRecord(t)) throw corrupt(file, "transform is neither null nor {shift, scale}");
    transform = { shift: numbers(file, "transform.shift", t["shift"], dim), scale: numbers(file, "transform.scale", t["scale"], dim) };
  }
  const seed = doc["seed"];
  if (seed !== null && !(typeof seed === "number" && Number.isSafeInteger(seed))) throw corrupt(file, "seed is neither null nor an integer");
  return {
    forest: {
      dim,
      nodeCounts: decoded["nodeCounts"] as Int32Array,
      child: decoded["child"] as Int32Array,
      cutDim: decoded["cutDim"] as Int32Array,
      cutValue: decoded["cutValue"] as Float32Array,
      leafMass: decoded["leafMass"] as Int32Array,
      points: decoded["points"] as Float32Array,
    },
    transform,
    threshold,
    thresholdRule: thresholdRule(file, doc["thresholdRule"]),
    samplesPerTree,
    seed,
    trainedRows,
  };
}

/**
 * Encodes model parameters as the `rcf-model.json` member (version 1).
 * @public
 */
export function encodeRcfMember(params: RcfModelParams): Uint8Array {
  const f = params.forest;
  const leaves = f.points.length / f.dim;
  const doc = {
    format: RCF_FORMAT,
    version: RCF_FORMAT_VERSION,
    algorithm: "randomcutforest",
    featureDim: f.dim,
    trees: f.nodeCounts.length,
    nodes: f.child.length,
    leaves,
    samplesPerTree: params.samplesPerTree,
    trainedRows: params.trainedRows,
    seed: params.seed,
    threshold: params.threshold,
    thresholdRule: params.thresholdRule,
    transform: params.transform === null ? null : { shift: Array.from(params.transform.shift), scale: Array.from(params.transform.scale) },
    arrays: Object.fromEntries(ARRAYS.map(([name]) => [name, toBase64(f[name] as Int32Array | Float32Array)])),
  };
  return new TextEncoder().encode(`${JSON.stringify(doc)}\n`);
}

/** Options of {@link encodeRcfArtifact}. @public */
export interface EncodeRcfOptions {
  /**
   * Modification time recorded in the tar.
   * @defaultValue now
   */
  mtime?: Date;
  /**
   * Largest member accepted, so that what is written can be read back with the default limits.
   * @defaultValue `MODEL_LIMITS.maxUncompressedBytes` (64 MiB)
   */
  maxUncompressedBytes?: number;
}

/**
 * A Random Cut Forest `model.tar.gz`: gzip of a tar with the one member `rcf-model.json`.
 * @example
 * ```ts
 * const bytes = encodeRcfArtifact(model.params);
 * const again = await loadModel(bytes); // a RandomCutForestModel scoring the same
 * ```
 * @throws {@link ModelError} `MODEL_TOO_LARGE` when the member is over `maxUncompressedBytes`.
 * @public
 */
export function encodeRcfArtifact(params: RcfModelParams, options: EncodeRcfOptions = {}): Uint8Array {
  const member = encodeRcfMember(params);
  const max = options.maxUncompressedBytes ?? MODEL_LIMITS.maxUncompressedBytes;
  if (member.length + 1024 > max) {
    throw tooLarge(RCF_MEMBER, `the forest takes ${member.length} bytes (fewer trees or samples per tree fit)`, "maxUncompressedBytes", max);
  }
  // zlib's default level: 9 takes 3.5 times as long on base64 floats and saves 0.3% of the bytes
  return writeGzip(writeTar(RCF_MEMBER, member, options.mtime ?? new Date()), 6);
}

/** Marks a SageMaker RCF artifact's `model_algo-1` might carry (SageMaker does not document it). */
const RCF_MARKERS = ["randomcutforest", "RandomCutForest", "random_cut_forest", "num_samples_per_tree"];
const LIST_MAGIC = [0x12, 0x01, 0, 0, 0, 0, 0, 0];

/**
 * What an opened artifact is to this plug-in: ours (`rcf-model.json`), a SageMaker-trained
 * `model_algo-1` that no local reader can load (not a Linear Learner MXNet zip, not an NDArray list
 * of PCA or k-means, not a Factorization Machines zip), or neither.
 */
export function classifyArtifact(a: ArtifactMembers): "ours" | "sagemaker" | "other" {
  if (a.members.has(RCF_MEMBER)) return "ours";
  const member = a.members.get(MODEL_MEMBER);
  if (member === undefined) return "other";
  if (startsWith(member, LIST_MAGIC)) return "other";
  if (isZip(member)) {
    try {
      const { names } = readZip(member, [], a.name, a.limits.maxUncompressedBytes);
      if (names.includes("mx-mod-symbol.json") || names.includes("symbol.json")) return "other";
    } catch {
      return "other";
    }
  }
  return "sagemaker";
}

/**
 * Loads an artifact {@link classifyArtifact} did not call "other".
 * @throws {@link ModelError} `MODEL_UNSUPPORTED` for a SageMaker-trained model, else as
 *   {@link decodeRcfMember} and the model's own checks.
 */
export function loadRcfArtifact(a: ArtifactMembers): RandomCutForestModel {
  const member = a.members.get(RCF_MEMBER);
  if (member === undefined) {
    const m = a.members.get(MODEL_MEMBER);
    const text = m === undefined ? "" : Buffer.from(m.buffer, m.byteOffset, Math.min(m.length, 1 << 20)).toString("latin1");
    if (RCF_MARKERS.some((k) => text.includes(k))) {
      throw new ModelError("MODEL_UNSUPPORTED", `${a.name}: a randomcutforest model trained by SageMaker; randomcutforest models trained by SageMaker are served only by SageMaker (train one locally with --algorithm randomcutforest)`);
    }
    throw new ModelError(
      "MODEL_UNSUPPORTED",
      `${a.name}: ${MODEL_MEMBER} is not a Linear Learner model (a SageMaker built-in model in an undocumented format; randomcutforest models trained by SageMaker are served only by SageMaker) (members: ${memberList(a.members.keys())})`,
    );
  }
  if (member.length > a.limits.maxUncompressedBytes) throw tooLarge(a.name, `${RCF_MEMBER} is ${member.length} bytes`, "maxUncompressedBytes", a.limits.maxUncompressedBytes);
  return new RandomCutForestModel(decodeRcfMember(member, a.name), { source: a.name, sha256: a.sha256 }, a.name);
}
