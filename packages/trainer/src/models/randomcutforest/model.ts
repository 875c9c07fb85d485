/**
 * A loaded Random Cut Forest: the forest, the feature transform it was trained with, and its
 * anomaly threshold, behind the common {@link Model} interface.
 * @packageDocumentation
 */
import type { FeatureMatrix, Prediction } from "@fraud/contracts";
import { ModelError } from "../../errors.js";
import type { Model, ModelDescription } from "../model.js";
import { assembleForest, scoreRows } from "./forest.js";
import type { FeatureTransform, Forest, ForestData } from "./forest.js";
import { RCF_PROTOCOL } from "./protocol.js";

/** How the anomaly threshold was set. @public */
export type RcfThresholdRule =
  | {
      /** Mean plus `sigmas` standard deviations of the scores of the training rows. */
      rule: "mean+sd";
      /** Standard deviations above the mean (SageMaker's documentation suggests 3). */
      sigmas: number;
      /** Mean training score. */
      mean: number;
      /** Standard deviation of the training scores. */
      std: number;
      /** Training rows scored. */
      rows: number;
    }
  | {
      /** Given explicitly at training. */
      rule: "given";
    };

/** Everything a Random Cut Forest model is made of (what the artifact stores). @public */
export interface RcfModelParams {
  /** The forest in its stored form. */
  forest: ForestData;
  /** Applied to every row before the forest sees it; null: raw features. */
  transform: FeatureTransform | null;
  /** Anomaly threshold: `predictedLabel = score >= threshold ? 1 : 0`. */
  threshold: number;
  /** How {@link RcfModelParams.threshold} was set. */
  thresholdRule: RcfThresholdRule;
  /** Samples per tree the forest was trained with (`num_samples_per_tree`). */
  samplesPerTree: number;
  /** Seed of the training run, when known. */
  seed: number | null;
  /** Rows the forest was trained on. */
  trainedRows: number;
}

/** Where a loaded model came from (for {@link Model.describe}). */
export interface RcfSource {
  /** Path, URI or `model.tar.gz`. */
  source?: string;
  /** Hex SHA-256 of the artifact. */
  sha256?: string;
}

/**
 * A Random Cut Forest anomaly detector. `scores` are the forest's anomaly scores (higher is more
 * anomalous); `predict` adds `predictedLabel` 1 when the score is at or above the threshold.
 * @public
 */
export class RandomCutForestModel implements Model {
  /** Always `randomcutforest`. */
  readonly algorithm = "randomcutforest" as const;
  /** Always `anomaly_detector`. */
  readonly kind = "anomaly_detector" as const;
  /** RCF's container protocol. */
  readonly protocol = RCF_PROTOCOL;
  /** Features every row must have. */
  readonly featureDim: number;
  /** Anomaly threshold. */
  readonly threshold: number;
  /** The parameters the model was made from. */
  readonly params: Readonly<RcfModelParams>;
  /** The forest, ready to score. */
  readonly forest: Forest;
  readonly #source: RcfSource;

  /**
   * @param params - The forest, transform and threshold (checked: `MODEL_CORRUPT` when inconsistent).
   * @param source - Where it was loaded from.
   * @param file - Name used in messages.
   * @param assembled - The forest already assembled from `params.forest` (skips assembling it again).
   */
  constructor(params: RcfModelParams, source: RcfSource = {}, file = "model.tar.gz", assembled?: Forest) {
    this.forest = assembled !== undefined && assembled.data === params.forest ? assembled : assembleForest(params.forest, file);
    const d = this.forest.dim;
    const t = params.transform;
    if (t !== null) {
      if (t.shift.length !== d || t.scale.length !== d) throw new ModelError("MODEL_CORRUPT", `${file}: the feature transform has ${t.shift.length}/${t.scale.length} values for ${d} features`);
      for (let j = 0; j < d; j++) {
        if (!Number.isFinite(t.shift[j]!) || !(Number.isFinite(t.scale[j]!) && t.scale[j]! > 0)) throw new ModelError("MODEL_CORRUPT", `${file}: feature transform ${j} (shift ${t.shift[j]}, scale ${t.scale[j]}) is not finite and positive`);
      }
    }
    if (!Number.isFinite(params.threshold)) throw new ModelError("MODEL_CORRUPT", `${file}: threshold ${params.threshold} is not a finite number`);
    this.featureDim = d;
    this.threshold = params.threshold;
    this.params = params;
    this.#source = source;
  }

  /** Algorithm, kind, features, threshold, format and forest shape. */
  describe(): ModelDescription {
    const rule = this.params.thresholdRule;
    return {
      algorithm: this.algorithm,
      kind: this.kind,
      featureDim: this.featureDim,
      threshold: this.threshold,
      format: "fraud-detection randomcutforest (rcf-model.json, version 1)",
      protocol: this.protocol.name,
      ...(this.#source.sha256 !== undefined ? { sha256: this.#source.sha256 } : {}),
      ...(this.#source.source !== undefined ? { source: this.#source.source } : {}),
      details: {
        num_trees: this.forest.trees,
        num_samples_per_tree: this.params.samplesPerTree,
        nodes: this.forest.nodeStart[this.forest.trees]!,
        max_depth: this.forest.maxDepth,
        standardized: this.params.transform !== null,
        threshold_rule: rule.rule === "given" ? "given" : `mean + ${rule.sigmas} sd of ${rule.rows} training scores`,
        seed: this.params.seed,
      },
    };
  }

  /**
   * Anomaly scores of the rows (mean over trees of the reference's normalised scalar score).
   * @throws {@link ModelError} `BAD_FEATURE_COUNT` for a matrix of the wrong shape,
   *   `INVALID_ARGUMENT` for a value that is not a finite number (RCF has no missing values).
   */
  scores(matrix: FeatureMatrix): Float64Array {
    if (typeof matrix !== "object" || matrix === null || !(matrix.data instanceof Float64Array || matrix.data instanceof Float32Array)) {
      throw new ModelError("INVALID_ARGUMENT", "rows must be a FeatureMatrix { data: Float64Array | Float32Array, rows, cols }");
    }
    const { data, rows, cols } = matrix;
    if (cols !== this.featureDim) throw new ModelError("BAD_FEATURE_COUNT", `rows have ${cols} features, the model expects ${this.featureDim}`);
    if (!Number.isSafeInteger(rows) || rows < 0 || data.length !== rows * cols) {
      throw new ModelError("BAD_FEATURE_COUNT", `a ${rows}×${cols} matrix needs ${rows * cols} values, got ${data.length}`);
    }
    const out = new Float64Array(rows);
    scoreRows(this.forest, data, rows, cols, out, 0, rows, this.params.transform ?? undefined);
    return out;
  }

  /** Scores with `predictedLabel` 1 at or above the threshold. Same errors as {@link RandomCutForestModel.scores}. */
  predict(matrix: FeatureMatrix): Prediction[] {
    const s = this.scores(matrix);
    const out = new Array<Prediction>(s.length);
    for (let i = 0; i < s.length; i++) out[i] = { score: s[i]!, predictedLabel: s[i]! >= this.threshold ? 1 : 0 };
    return out;
  }

  /** The same model with another threshold (e.g. from `--threshold`). */
  withThreshold(threshold: number): RandomCutForestModel {
    if (!Number.isFinite(threshold)) throw new ModelError("INVALID_ARGUMENT", `threshold ${threshold} is not a finite number`);
    return new RandomCutForestModel({ ...this.params, threshold, thresholdRule: { rule: "given" } }, this.#source, undefined, this.forest);
  }
}
