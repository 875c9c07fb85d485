// Histogram-based gradient boosting for the logistic loss, with XGBoost 1.7's `hist` semantics:
// quantile cuts per feature (`max_bin`), gradient/hessian pairs, split gain with lambda, alpha and
// max_delta_step, min_child_weight, depthwise growth to max_depth, learned default directions for
// missing values (both directions tried where a node has missing values), gamma applied by
// pruning afterwards (XGBoost's `prune` updater), row and column sampling, scale_pos_weight and
// early stopping on a validation set.
//
// Data layout: every value (read as float32) gets a global bin (feature offset + bin; each feature
// has one extra bin for its missing values), stored twice: row-major for histograms (a byte a
// value counted from the feature's first bin where every feature fits, rows padded so none
// straddles a cache line), so building a node's histogram walks its rows' bins without a branch,
// and column-major for partitions and walks. A node's histogram is built for the smaller child
// only; the larger one is its parent's minus it. The row work is done in fixed parts on one thread
// or two (histogram.ts): the same model either way.
import { availableParallelism } from "node:os";
import { TrainError } from "../../errors.js";
import { averagePrecision, rocAuc, sweep } from "../../metrics.js";
import { createRng } from "../../rng.js";
import type { Rng } from "../../rng.js";
import { ROOT_PARENT, baseMargin } from "./booster.js";
import type { XGBoostBooster, XGBoostTree } from "./booster.js";
import { parseXGBoostHyperparameters } from "./hyperparameters.js";
import type { XGBoostEvalMetric, XGBoostHyperparameters } from "./hyperparameters.js";
import { HistogramBuilder, RowMemory, TrainingHelper, binFinder, codeGeneration, sketchColumns } from "./histogram.js";
import type { Binning, RoundSampling } from "./histogram.js";
import { sortedCuts } from "./sketch.js";
import type { Cuts } from "./sketch.js";
import { leafWeight } from "./split.js";
import type { SplitParams } from "./split.js";

/** Rows for training: `rows × cols` values (NaN = missing) and 0/1 labels. @public */
export interface XGBoostData {
  /** Row-major values. */
  features: Float64Array | Float32Array;
  /** One 0/1 label per row. */
  labels: Uint8Array;
  /** Number of rows. */
  rows: number;
}

/** Options of {@link trainXGBoost}. @public */
export interface TrainXGBoostOptions {
  /** Hyperparameters, SageMaker's names; parsed with {@link parseXGBoostHyperparameters}. */
  hyperparameters?: Readonly<Record<string, string | number>> | XGBoostHyperparameters;
  /** Rows watched for early stopping and reported each round. */
  validation?: XGBoostData;
  /** Features per row. @defaultValue features.length / rows */
  cols?: number;
  /** Called after each round with the validation metric (NaN without validation). */
  onRound?: (round: number, metric: number) => void;
  /**
   * Threads building histograms: 1, or 2 (the calling thread and a helper worker thread). The
   * model is the same bit for bit either way.
   * @defaultValue 2 from {@link XGBOOST_PARALLEL_ROWS} training rows up when the machine has two
   *   cores or more, else 1
   */
  threads?: number;
  /**
   * Stores the bins as bytes where every feature's fit (the default); false keeps 16-bit global
   * bins. The model is the same either way.
   * @internal
   */
  byteBins?: boolean;
  /**
   * Builds histograms with the WebAssembly kernel where the runtime has WebAssembly (the
   * default); false keeps the JavaScript kernels. The model is the same either way.
   * @internal
   */
  wasm?: boolean;
}

/**
 * Training rows from which {@link trainXGBoost} uses a second thread by default (below, starting
 * it costs more than it saves).
 * @public
 */
export const XGBOOST_PARALLEL_ROWS = 50_000;

/** What {@link trainXGBoost} returns. @public */
export interface TrainXGBoostResult {
  /** The trained booster (truncated to the best round when early stopping stopped it). */
  booster: XGBoostBooster;
  /** The hyperparameters used. */
  hyperparameters: XGBoostHyperparameters;
  /** Rounds trained. */
  rounds: number;
  /** The best round (0-based) on the validation metric, or the last round without validation. */
  bestIteration: number;
  /** The validation metric at the best round (NaN without validation). */
  bestScore: number;
  /** The validation metric of each round. */
  history: number[];
  /** Threads that built histograms (1 or 2). */
  threads: number;
}

const RT_EPS = 1e-6;
const STREAM_SUBSAMPLE = 24;
const STREAM_COLUMNS = 25;

/** The quantised training matrix. */
interface Binned {
  rows: number;
  cols: number;
  /**
   * Each row's bins, row-major (histograms read a row's bins together): global bins (Uint16,
   * `cols` per row) or, where every feature has at most 256 bins with its missing one and code
   * generation is allowed, each feature's bin from `offset[f]` in a byte, rows `stride` apart
   * (see histogram.ts' RowLayout).
   */
  bins: Uint8Array | Uint16Array;
  /** Elements from one row's bins to the next. */
  stride: number;
  /** Whether `bins` are bytes counted from each feature's first bin. */
  byteBins: boolean;
  /**
   * The same bins column-major (feature f's at `f * rows`): partitions and walks read one feature
   * of rows in ascending order, a stream rather than a cache miss per row.
   */
  colBins: Uint16Array;
  /** First global bin of each feature; its missing bin is `offset[f+1] - 1`. */
  offset: Int32Array;
  cuts: Cuts[];
  /** Total bins (with the missing bins). */
  total: number;
  /** What filling the bins needs. */
  binning: Binning;
  /** The memory `bins` is in, with room for the other row arrays the kernels read and the histogram builder's histograms. */
  memory: RowMemory;
}

/** Rows beyond which the cut points are computed from every `every`-th row (and the exact extremes). */
const SKETCH_ROWS = 65_536;

/**
 * The cuts of every feature (quantile sketch, on both threads with a helper) and the layout of
 * the bins, from float32 values; the bins are allocated, to be filled by {@link HistogramBuilder.bin}.
 */
function planBins(x: Float32Array, rows: number, cols: number, maxBin: number, allowBytes: boolean, memory: RowMemory, helper: TrainingHelper): Binned {
  // the sketch: every `every`-th row's present values per feature (and the exact extremes), sorted
  const every = Math.max(1, Math.floor(rows / SKETCH_ROWS));
  const columns = sketchColumns(helper, x, rows, cols, every, memory.memory !== null);
  const cuts: Cuts[] = [];
  const offset = new Int32Array(cols + 1);
  // bins a byte must hold per feature: its bins, and its missing bin where a value is missing
  let widest = 0;
  for (let f = 0; f < cols; f++) {
    cuts.push(sortedCuts(columns[f]!.values, maxBin));
    offset[f + 1] = offset[f]! + cuts[f]!.values.length + 1;
    widest = Math.max(widest, cuts[f]!.values.length + (columns[f]!.missing ? 1 : 0));
  }
  const total = offset[cols]!;
  if (total > 0xffff) throw new TrainError("INVALID_ARGUMENT", `${cols} features × ${maxBin} bins is more than this trainer's 65535 histogram bins`);
  const byteBins = allowBytes && widest <= 256 && codeGeneration();
  // byte rows padded to a power of two (up to 64) or a multiple of 64: no row straddles a cache line
  const stride = !byteBins ? cols : cols <= 64 ? 2 ** Math.ceil(Math.log2(cols)) : Math.ceil(cols / 64) * 64;
  // the bins themselves are filled by the row work (HistogramBuilder.bin), on both threads
  const bins = byteBins ? memory.take(Uint8Array, rows * stride) : memory.take(Uint16Array, rows * cols);
  const colBins = memory.take(Uint16Array, rows * cols);
  const binning: Binning = { x, cuts: cuts.map((c) => c.values), finders: cuts.map((c) => binFinder(c.values)), lasts: Int32Array.from(cuts, (c) => c.values.length - 1) };
  return { rows, cols, bins, stride, byteBins, colBins, offset, cuts, total, binning, memory };
}

/** A node of the tree being grown. */
interface Node {
  /** Rows of the node: `index[begin, end)`. */
  begin: number;
  end: number;
  g: number;
  h: number;
  depth: number;
  /** Its histogram (g, h interleaved per global bin), while needed. */
  hist: Float64Array | null;
  /** Split found, or feature -1. */
  feature: number;
  /** Last bin going left (-1: only missing values go left). */
  bin: number;
  defaultLeft: boolean;
  gain: number;
  /** Gradient and hessian sums of the rows the split sends left. */
  gl: number;
  hl: number;
  left: number;
  right: number;
  weight: number;
}

/** `k` of `from`, sampled without replacement and sorted (XGBoost's ColumnSampler). */
function sampleFeatures(from: Int32Array, share: number, rng: Rng): Int32Array {
  if (share >= 1) return from;
  const k = Math.max(1, Math.round(share * from.length));
  const a = Array.from(from);
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(a.length - i);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return Int32Array.from(a.slice(0, k).sort((p, q) => p - q));
}

/** The grower of one tree, reused across rounds. */
class Grower {
  private readonly split: SplitParams;
  /** Histograms free for reuse (in shared memory: either thread may search them). */
  private readonly pool: Float64Array[] = [];
  private readonly allFeatures: Int32Array;

  constructor(
    private readonly data: Binned,
    private readonly hp: XGBoostHyperparameters,
    private readonly histograms: HistogramBuilder,
  ) {
    this.split = { minChildWeight: hp.min_child_weight, lambda: hp.lambda, alpha: hp.alpha, maxDeltaStep: hp.max_delta_step };
    this.allFeatures = Int32Array.from({ length: data.cols }, (_, i) => i);
  }

  private take(): Float64Array {
    return this.pool.pop() ?? this.histograms.histogram();
  }

  private give(h: Float64Array | null): void {
    if (h !== null) this.pool.push(h);
  }

  /**
   * Grows one round's tree: the rows' gradients, the rows sampled (`index[0, n)`) and the root's
   * histogram first; returns the nodes (index 0 = root).
   */
  grow(sampling: RoundSampling, rng: Rng): Node[] {
    const { max_depth: maxDepth } = this.hp;
    const rootHist = this.take();
    const { rows: n, g: G, h: H } = this.histograms.root(sampling, rootHist);
    const nodes: Node[] = [{ begin: 0, end: n, g: G, h: H, depth: 0, hist: rootHist, feature: -1, bin: 0, defaultLeft: false, gain: 0, gl: 0, hl: 0, left: -1, right: -1, weight: 0 }];
    const treeFeatures = sampleFeatures(this.allFeatures, this.hp.colsample_bytree, rng);
    let level = [0];
    for (let depth = 0; depth < maxDepth && level.length > 0; depth++) {
      const levelFeatures = sampleFeatures(treeFeatures, this.hp.colsample_bylevel, rng);
      // the level's split searches in one go (each node's features in two parts, one per thread)
      const found = this.histograms.splits(
        level.map((id) => {
          const node = nodes[id]!;
          return { hist: node.hist!, features: sampleFeatures(levelFeatures, this.hp.colsample_bynode, rng), g: node.g, h: node.h };
        }),
        this.split,
      );
      level.forEach((id, j) => {
        const node = nodes[id]!;
        const s = found[j]!;
        node.gain = s.gain;
        // splits of at most RT_EPS gain are not made
        node.feature = s.gain > RT_EPS ? s.feature : -1;
        node.bin = s.bin;
        node.defaultLeft = s.defaultLeft;
        node.gl = s.gl;
        node.hl = s.hl;
      });
      const next: number[] = [];
      const pending: [parent: Node, small: Node, large: Node][] = [];
      const splitting: Node[] = [];
      for (const id of level) {
        const node = nodes[id]!;
        if (node.feature >= 0) splitting.push(node);
        else {
          this.give(node.hist);
          node.hist = null;
        }
      }
      // the level's partitions in one go (one hand-over to the helper thread)
      const { offset } = this.data;
      const lefts = this.histograms.partitionMany(
        splitting.map((node) => ({ begin: node.begin, end: node.end, feature: node.feature, splitBin: offset[node.feature]! + node.bin, missingBin: offset[node.feature + 1]! - 1, defaultLeft: node.defaultLeft })),
      );
      for (let j = 0; j < splitting.length; j++) {
        const node = splitting[j]!;
        const mid = node.begin + lefts[j]!;
        const make = (begin: number, end: number, g: number, h: number): number => {
          nodes.push({ begin, end, g, h, depth: depth + 1, hist: null, feature: -1, bin: 0, defaultLeft: false, gain: 0, gl: 0, hl: 0, left: -1, right: -1, weight: 0 });
          return nodes.length - 1;
        };
        node.left = make(node.begin, mid, node.gl, node.hl);
        node.right = make(mid, node.end, node.g - node.gl, node.h - node.hl);
        if (depth + 1 < maxDepth) {
          // histogram of the smaller child; the larger one's is the parent's minus it
          const l = nodes[node.left]!;
          const r = nodes[node.right]!;
          const small = l.end - l.begin <= r.end - r.begin ? l : r;
          small.hist = this.take();
          pending.push([node, small, small === l ? r : l]);
          next.push(node.left, node.right);
        } else {
          this.give(node.hist);
          node.hist = null;
        }
      }
      // the level's histograms in one go (one hand-over to the helper thread per level)
      // (each parent's histogram becomes the larger child's: the parent's minus the smaller's)
      this.histograms.buildMany(
        pending.map(([, small]) => small.hist!),
        Int32Array.from(pending.flatMap(([, small]) => [small.begin, small.end])),
        pending.map(([parent]) => parent.hist!),
      );
      for (const [parent, , large] of pending) {
        large.hist = parent.hist;
        parent.hist = null;
      }
      level = next;
    }
    for (const node of nodes) {
      this.give(node.hist);
      node.hist = null;
      node.weight = leafWeight(node.g, node.h, this.split.minChildWeight, this.split.lambda, this.split.alpha, this.split.maxDeltaStep);
    }
    return nodes;
  }
}

/** XGBoost's pruner: collapses splits (children both leaves) whose gain is below gamma, bottom-up. */
function prune(nodes: Node[], gamma: number): void {
  const parent = new Int32Array(nodes.length).fill(-1);
  nodes.forEach((n, i) => {
    if (n.feature >= 0) {
      parent[n.left] = i;
      parent[n.right] = i;
    }
  });
  const isLeaf = (i: number): boolean => nodes[i]!.feature < 0;
  for (let i = nodes.length - 1; i >= 0; i--) {
    if (!isLeaf(i)) continue;
    let p = parent[i]!;
    while (p >= 0) {
      const pn = nodes[p]!;
      if (!(isLeaf(pn.left) && isLeaf(pn.right) && pn.gain < gamma)) break;
      pn.feature = -1;
      p = parent[p]!;
    }
  }
}

/** The grown nodes as an XGBoost tree (reachable nodes renumbered breadth-first) with its leaf values. */
function toTree(nodes: Node[], data: Binned, eta: number): { tree: XGBoostTree; leafOf: Float32Array; splitBin: Int32Array; rows: Int32Array } {
  const order: number[] = [0];
  const map = new Int32Array(nodes.length).fill(-1);
  map[0] = 0;
  for (let q = 0; q < order.length; q++) {
    const n = nodes[order[q]!]!;
    if (n.feature >= 0) {
      map[n.left] = order.length;
      order.push(n.left);
      map[n.right] = order.length;
      order.push(n.right);
    }
  }
  const m = order.length;
  const tree: XGBoostTree = {
    left: new Int32Array(m),
    right: new Int32Array(m),
    parent: new Int32Array(m),
    splitIndex: new Uint32Array(m),
    splitCondition: new Float32Array(m),
    defaultLeft: new Uint8Array(m),
    baseWeight: new Float32Array(m),
    lossChange: new Float32Array(m),
    sumHessian: new Float32Array(m),
  };
  const leafOf = new Float32Array(m);
  const splitBin = new Int32Array(m);
  const rows = new Int32Array(2 * m);
  tree.parent[0] = ROOT_PARENT;
  order.forEach((id, i) => {
    const n = nodes[id]!;
    rows[2 * i] = n.begin;
    rows[2 * i + 1] = n.end;
    tree.baseWeight[i] = n.weight;
    tree.sumHessian[i] = n.h;
    if (n.feature >= 0) {
      const l = map[n.left]!;
      const r = map[n.right]!;
      tree.left[i] = l;
      tree.right[i] = r;
      tree.parent[l] = i;
      tree.parent[r] = i;
      tree.splitIndex[i] = n.feature;
      const cuts = data.cuts[n.feature]!;
      tree.splitCondition[i] = n.bin < 0 ? cuts.min : cuts.values[n.bin]!;
      tree.defaultLeft[i] = n.defaultLeft ? 1 : 0;
      tree.lossChange[i] = n.gain;
      splitBin[i] = n.bin;
    } else {
      tree.left[i] = -1;
      tree.right[i] = -1;
      tree.splitCondition[i] = Math.fround(eta * n.weight);
      leafOf[i] = tree.splitCondition[i]!;
    }
  });
  return { tree, leafOf, splitBin, rows };
}

/** Adds a tree's leaves to the margins of float32 rows (XGBoost's comparison `x < split`). */
function addTreeRaw(tree: XGBoostTree, x: Float32Array, cols: number, margin: Float32Array): void {
  for (let r = 0, o = 0; r < margin.length; r++, o += cols) {
    let n = 0;
    while (tree.left[n] !== -1) {
      const v = x[o + tree.splitIndex[n]!]!;
      n = v < tree.splitCondition[n]! ? tree.left[n]! : v === v ? tree.right[n]! : tree.defaultLeft[n] ? tree.left[n]! : tree.right[n]!;
    }
    margin[r] = Math.fround(margin[r]! + tree.splitCondition[n]!);
  }
}

function sigmoid(m: number): number {
  return 1 / (1 + Math.exp(-m));
}

/** The validation metric of margins (XGBoost's definitions; aucpr as average precision). */
function metric(name: XGBoostEvalMetric, margin: Float32Array, labels: Uint8Array, logitraw: boolean): number {
  const n = margin.length;
  if (name === "logloss") {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const p = Math.min(Math.max(sigmoid(margin[i]!), 1e-16), 1 - 1e-16);
      s -= labels[i] ? Math.log(p) : Math.log(1 - p);
    }
    return s / n;
  }
  if (name === "error") {
    let wrong = 0;
    for (let i = 0; i < n; i++) if ((logitraw ? margin[i]! > 0 : sigmoid(margin[i]!) > 0.5) !== (labels[i] === 1)) wrong++;
    return wrong / n;
  }
  const s = sweep(margin, labels);
  return name === "auc" ? rocAuc(s) : averagePrecision(s);
}

/**
 * Checks a data set's shapes, labels and values (no infinity); with `values`, also copies the
 * values into it as float32, in the same pass (a training set's values are read once before the
 * helper thread can share the work).
 */
function checkData(d: XGBoostData, name: string, cols: number, values?: Float32Array): void {
  checkShape(d, name, cols);
  if (d.labels.length !== d.rows) throw new TrainError("BAD_DATA", `${name} data has ${d.labels.length} labels for ${d.rows} rows`);
  for (let i = 0; i < d.rows; i++) if (d.labels[i]! > 1) throw new TrainError("BAD_DATA", `${name} row ${i + 1}: label ${d.labels[i]} is not 0 or 1`);
  const features = d.features;
  for (let i = 0; i < features.length; i++) {
    const v = features[i]!;
    if (v === Infinity || v === -Infinity) throw new TrainError("BAD_DATA", `${name} row ${Math.floor(i / cols) + 1}, feature ${(i % cols) + 1}: ${v} is not finite (a missing value is NaN)`);
    if (values !== undefined) values[i] = v;
  }
}

/** The shapes of a data set, as {@link checkData} checks them before its values. */
function checkShape(d: XGBoostData, name: string, cols: number): void {
  if (typeof d !== "object" || d === null || !(d.features instanceof Float64Array || d.features instanceof Float32Array) || !(d.labels instanceof Uint8Array)) {
    throw new TrainError("INVALID_ARGUMENT", `${name} data must be { features: Float64Array | Float32Array, labels: Uint8Array, rows }`);
  }
  if (!Number.isSafeInteger(d.rows) || d.rows < 1) throw new TrainError("BAD_DATA", `${name} data has ${String(d.rows)} rows; at least 1 is needed`);
  if (d.features.length !== d.rows * cols) throw new TrainError("BAD_DATA", `${name} data holds ${d.features.length} values, not ${d.rows} rows × ${cols} features`);
}

/**
 * Trains gradient-boosted trees for the logistic loss the way XGBoost 1.7's `hist` does,
 * deterministically for a given `seed`, on one thread or two (the same model either way).
 *
 * @example
 * ```ts
 * const { booster } = trainXGBoost(train, { hyperparameters: { max_depth: 5, eta: 0.2, num_round: 100 }, validation });
 * new XGBoostPredictor(booster).probabilities({ data: test.features, rows: test.rows, cols: 30 });
 * ```
 * @throws {@link TrainError} `INVALID_ARGUMENT` (hyperparameters, options), `BAD_DATA` (shapes,
 *   labels other than 0/1, infinite values).
 * @public
 */
export function trainXGBoost(train: XGBoostData, options: TrainXGBoostOptions = {}): TrainXGBoostResult {
  const hp = parseXGBoostHyperparameters((options.hyperparameters ?? {}) as Record<string, string | number>);
  const cols = options.cols ?? (train && train.rows > 0 ? train.features.length / train.rows : NaN);
  if (!Number.isSafeInteger(cols) || cols < 1) throw new TrainError("INVALID_ARGUMENT", `cannot tell the feature count: ${String(train?.features?.length)} values for ${String(train?.rows)} rows`);
  const valid = options.validation;
  if (hp.early_stopping_rounds !== null && valid === undefined) throw new TrainError("INVALID_ARGUMENT", `early_stopping_rounds=${hp.early_stopping_rounds} needs a validation set`);
  const threadsWanted = options.threads ?? (train.rows >= XGBOOST_PARALLEL_ROWS && availableParallelism() >= 2 ? 2 : 1);
  if (threadsWanted !== 1 && threadsWanted !== 2) throw new TrainError("INVALID_ARGUMENT", `threads ${String(threadsWanted)} is not valid: must be 1 or 2`);
  // the helper is started before the data is checked and copied: it is up by the sketch's scan
  const helper = new TrainingHelper(threadsWanted);
  try {
    checkShape(train, "training", cols);
    // the row arrays in one shared memory (a WebAssembly memory where the runtime has one), sized
    // for the widest layout (16-bit bins) and the most bins `max_bin` allows, each feature with its
    // missing bin; pages never touched cost no memory
    const treeNodes = Math.min(2 ** (hp.max_depth + 1) - 1, 2 * train.rows + 1);
    const memory = new RowMemory(HistogramBuilder.memoryBytes(train.rows, cols, 2 * cols, 2 * cols * (hp.max_bin + 1), treeNodes), options.wasm !== false);
    // float32 values (both threads bin them), as XGBoost reads them, copied as they are checked
    const x = memory.take(Float32Array, train.features.length);
    checkData(train, "training", cols, x);
    if (valid !== undefined) checkData(valid, "validation", cols);
    return trainOn(train, options, hp, cols, helper, memory, x, treeNodes);
  } finally {
    helper.close();
  }
}

/** {@link trainXGBoost} after the checks, on the values copied as float32 into `x` (in `memory`), with its helper thread (or none). */
function trainOn(train: XGBoostData, options: TrainXGBoostOptions, hp: XGBoostHyperparameters, cols: number, helper: TrainingHelper, memory: RowMemory, x: Float32Array, treeNodes: number): TrainXGBoostResult {
  const data = planBins(x, train.rows, cols, hp.max_bin, options.byteBins !== false, memory, helper);
  const rows = train.rows;
  const grad = data.memory.take(Float32Array, rows);
  const hess = data.memory.take(Float32Array, rows);
  const labels = data.memory.take(Uint8Array, rows);
  labels.set(train.labels);
  const histograms = new HistogramBuilder(
    {
      bins: data.bins,
      stride: data.stride,
      byteBins: data.byteBins,
      offset: data.offset,
      treeNodes,
      binning: data.binning,
      index: data.memory.take(Uint32Array, rows),
      grad,
      hess,
      cols,
      length: data.total * 2,
      margin: data.memory.take(Float32Array, rows),
      labels,
      scalePosWeight: hp.scale_pos_weight,
      colBins: data.colBins,
      scratch: data.memory.take(Uint32Array, rows),
      memory: data.memory,
      sampled: data.memory.take(Uint8Array, rows),
    },
    helper,
  );
  histograms.bin();
  return boost(train, options, hp, cols, data, histograms);
}

function boost(train: XGBoostData, options: TrainXGBoostOptions, hp: XGBoostHyperparameters, cols: number, data: Binned, histograms: HistogramBuilder): TrainXGBoostResult {
  const valid = options.validation;
  const threads = histograms.threads;
  const grower = new Grower(data, hp, histograms);
  const base = baseMargin({ objective: hp.objective, baseScore: hp.base_score });
  const margin = histograms.inputs.margin;
  margin.fill(base);
  const spw = hp.scale_pos_weight;
  const rowRng = createRng(hp.seed, STREAM_SUBSAMPLE);
  const colRng = createRng(hp.seed, STREAM_COLUMNS);
  const vx = valid ? Float32Array.from(valid.features) : null;
  const vm = valid ? new Float32Array(valid.rows).fill(base) : null;
  const higherBetter = hp.eval_metric === "auc" || hp.eval_metric === "aucpr";

  const trees: XGBoostTree[] = [];
  const history: number[] = [];
  let bestIteration = 0;
  let bestScore = NaN;
  for (let round = 0; round < hp.num_round; round++) {
    // gradient and hessian of the logistic loss, weighted by scale_pos_weight; and the rows
    // sampled, each by a hash of the row and the round's key (the same rows on any thread)
    const key = rowRng.int(2 ** 32);
    const nodes = grower.grow({ key, threshold: Math.floor(hp.subsample * 2 ** 32), all: hp.subsample >= 1 }, colRng);
    prune(nodes, hp.gamma);
    const { tree, splitBin, leafOf, rows } = toTree(nodes, data, hp.eta);
    // the sampled rows by their leaves' row ranges, the others by a walk of the tree (both threads)
    histograms.addTree({ ...tree, splitBin, value: leafOf, rows }, nodes[0]!.end);
    trees.push(tree);
    let score = NaN;
    if (valid && vx && vm) {
      addTreeRaw(tree, vx, cols, vm);
      score = metric(hp.eval_metric, vm, valid.labels, hp.objective === "binary:logitraw");
      history.push(score);
      if (round === 0 || (higherBetter ? score > bestScore : score < bestScore)) {
        bestScore = score;
        bestIteration = round;
      }
    } else bestIteration = round;
    options.onRound?.(round, score);
    if (hp.early_stopping_rounds !== null && round - bestIteration >= hp.early_stopping_rounds) break;
  }
  const rounds = trees.length;
  const kept = hp.early_stopping_rounds !== null ? trees.slice(0, bestIteration + 1) : trees;
  const attributes: Record<string, string> = {};
  // recorded only when early stopping kept the best trees: the container predicts with
  // best_iteration + 1 trees when the attribute is there, which must be every tree of the model
  if (valid && hp.early_stopping_rounds !== null) {
    attributes["best_iteration"] = String(bestIteration);
    attributes["best_score"] = String(bestScore);
  }
  return {
    booster: { objective: hp.objective, baseScore: hp.base_score, numFeature: cols, scalePosWeight: spw, trees: kept, attributes, version: null },
    hyperparameters: hp,
    rounds,
    bestIteration,
    bestScore,
    history,
    threads,
  };
}
