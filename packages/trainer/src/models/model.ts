/**
 * What a model is to the rest of the system: an algorithm's loaded artifact that describes itself,
 * scores rows and names its inference protocol. Each algorithm is one {@link ModelPlugin} in its
 * own folder (`models/<algorithm>/`), found by the registry from the artifact's members.
 * @packageDocumentation
 */
import type { Algorithm, FeatureMatrix, ModelKind, Prediction } from "@fraud/contracts";
import type { ModelLimits } from "../model/limits.js";
import type { InferenceProtocol } from "./protocol.js";

/** What {@link Model.describe} answers. @public */
export interface ModelDescription {
  /** The algorithm, as SageMaker names it. */
  algorithm: Algorithm;
  /** What the score means. */
  kind: ModelKind;
  /** Features per row. */
  featureDim: number;
  /** Decision threshold: a probability (classifier) or an anomaly score (anomaly detector). */
  threshold: number;
  /** The artifact format read, e.g. `SageMaker Linear Learner (MXNet module)`. */
  format: string;
  /** The inference protocol's family (see {@link InferenceProtocol.name}). */
  protocol: string;
  /** SHA-256 (hex) of the artifact the model was loaded from, when loaded from one. */
  sha256?: string;
  /** Where the model was loaded from (a path, a URI or `model.tar.gz`). */
  source?: string;
  /** Algorithm-specific facts (predictor type, loss, trees, version, …). */
  details: Readonly<Record<string, string | number | boolean | null>>;
}

/**
 * A loaded model of any algorithm: the only view of a model the scorer, the local endpoint,
 * `fraud-train evaluate`, the deploy and the demo use.
 * @public
 */
export interface Model {
  /** The algorithm, as SageMaker names it. */
  readonly algorithm: Algorithm;
  /** What the score means. */
  readonly kind: ModelKind;
  /** Features every row must have. */
  readonly featureDim: number;
  /**
   * Decision threshold: `predictedLabel = score >= threshold ? 1 : 0` (a probability for a
   * classifier, an anomaly score for an anomaly detector; unused by regressors).
   */
  readonly threshold: number;
  /** Its SageMaker container's wire formats. */
  readonly protocol: InferenceProtocol;
  /** Algorithm, kind, feature count, threshold, format and artifact hash. */
  describe(): ModelDescription;
  /**
   * Raw scores of `rows × featureDim` values (NaN = missing, for models that support it).
   * @throws an error with code `BAD_FEATURE_COUNT` when `cols` is not `featureDim` or `data` does
   *   not hold `rows × cols` values.
   */
  scores(matrix: FeatureMatrix): Float64Array;
  /** Scores with labels (see {@link ModelKind}). Same errors as {@link Model.scores}. */
  predict(matrix: FeatureMatrix): Prediction[];
}

/**
 * The opened artifact a {@link ModelPlugin} recognises and loads: the regular-file members of a
 * (gzip-compressed) tar, by path without a leading `./`, or the bare (decompressed) bytes when the
 * input was not a tar.
 * @public
 */
export interface ArtifactMembers {
  /** The artifact's name in messages (a path, a URI or `model.tar.gz`). */
  readonly name: string;
  /** Regular-file members of the tar, in archive order (empty when the input was not a tar). */
  readonly members: ReadonlyMap<string, Uint8Array>;
  /** Tar entries that are not regular files (directories, links), by path without `./` or a trailing `/`, with their tar type. */
  readonly special: ReadonlyMap<string, string>;
  /** The decompressed input itself when it was not a tar (a bare member); else undefined. */
  readonly bare: Uint8Array | undefined;
  /** Hex SHA-256 of the artifact as given (before decompression). */
  readonly sha256: string;
  /** The limits the artifact is read under, defaults filled. */
  readonly limits: Required<ModelLimits>;
}

/** Options of {@link ModelPlugin.load} and `loadModel`. @public */
export interface LoadModelOptions extends ModelLimits {
  /**
   * Name of the artifact in error messages.
   * @defaultValue the path, or "model.tar.gz" for bytes
   */
  name?: string;
}

/**
 * One algorithm's model reader. Registered by algorithm name; the registry opens an artifact once
 * (within the limits) and gives its members to the first plug-in that recognises them.
 * @public
 */
export interface ModelPlugin {
  /** The algorithm it reads. */
  readonly algorithm: Algorithm;
  /** Its container's protocol (also each loaded model's {@link Model.protocol}). */
  readonly protocol: InferenceProtocol;
  /** Cheap check on member names and magic bytes: is this artifact this algorithm's? */
  recognise(artifact: ArtifactMembers): boolean;
  /**
   * Loads a recognised artifact.
   * @throws a `ModelError` (`MODEL_CORRUPT`, `MODEL_UNSUPPORTED`, `MODEL_TOO_LARGE`).
   */
  load(artifact: ArtifactMembers): Model | Promise<Model>;
}
