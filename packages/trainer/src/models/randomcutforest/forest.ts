// The forest as flat typed arrays, and its scalar anomaly score, following the open reference
// aws/random-cut-forest-by-aws (Java/core/src/main/java/com/amazon/randomcutforest/):
//   - CommonUtils.java: defaultScoreSeenFunction 1/(depth + log2(mass + 1)),
//     defaultScoreUnseenFunction 1/(depth + 1), defaultDampFunction 1 − leafMass/(2·treeMass),
//     defaultScalarNormalizerFunction score · log2(treeMass + 1);
//   - anomalydetection/AbstractScalarScoreVisitor.java: the leaf first (seen: damped scoreSeen and
//     stop; unseen: scoreUnseen), then every ancestor up to the root,
//     score = p · scoreUnseen(depth) + (1 − p) · score, stopping once p = 0;
//   - tree/RandomCutTree.java: probabilityOfCut, p = Σ outside-distance / (rangeSum + Σ outside-distance)
//     over the node's bounding box; `point[cutDim] <= cutValue` goes left;
//   - RandomCutForest.java: getAnomalyScore, the mean of the tree scores.
import { ModelError } from "../../errors.js";

/**
 * A forest in its stored form: every tree's nodes in tree-local order (a child's index is always
 * greater than its parent's, the root is node 0), and the point of every leaf. This is exactly what
 * the artifact holds (FORMAT.md); {@link assembleForest} turns it into a {@link Forest}.
 * @public
 */
export interface ForestData {
  /** Features per point. */
  dim: number;
  /** Number of nodes of each tree. */
  nodeCounts: Int32Array;
  /**
   * Tree-local index of each internal node's left child, −1 for a leaf; the right child is the
   * next node (`child + 1`).
   */
  child: Int32Array;
  /** Cut dimension of each internal node, −1 for a leaf. */
  cutDim: Int32Array;
  /** Cut value of each internal node (`x[cutDim] <= cutValue` goes left), 0 for a leaf. */
  cutValue: Float32Array;
  /** Mass (number of sampled points equal to the leaf's point) of each leaf, 0 for an internal node. */
  leafMass: Int32Array;
  /** The leaves' points, `dim` values each, in node order (tree after tree). */
  points: Float32Array;
}

/**
 * A forest ready to score: {@link ForestData} plus every node's bounding box, mass and range sum,
 * with global node indices.
 * @public
 */
export interface Forest {
  /** The stored form it was assembled from. */
  readonly data: ForestData;
  /** Features per point. */
  readonly dim: number;
  /** Number of trees. */
  readonly trees: number;
  /** Global index of each tree's root; `nodeStart[trees]` is the number of nodes. */
  readonly nodeStart: Int32Array;
  /** Total mass of each tree (its sample size, duplicates included). */
  readonly treeMass: Float64Array;
  /**
   * Three 32-bit words per node, in one buffer so a node is one memory read: the global index of
   * the left child (−1 for a leaf; the right child follows it), the cut dimension, and the cut value
   * (read through {@link Forest.nodeF}).
   */
  readonly node: Int32Array;
  /** {@link Forest.node} seen as float32 (word `3·g + 2` is node `g`'s cut value). */
  readonly nodeF: Float32Array;
  /** Mass of each node (sum of its leaves' masses). */
  readonly mass: Float64Array;
  /**
   * Lower bound of each node's bounding box, `dim` float32 values per node (node `g` at `g·dim`);
   * a leaf's box is its point.
   */
  readonly lo: Float32Array;
  /** Upper bound of each node's bounding box, laid out as {@link Forest.lo}. */
  readonly hi: Float32Array;
  /** Sum over dimensions of each node's box side lengths. */
  readonly rangeSum: Float64Array;
  /** Deepest leaf (edges from its root). */
  readonly maxDepth: number;
}

/** Score contribution of a point not in the tree reaching a node at `depth` (CommonUtils.defaultScoreUnseenFunction). @internal */
export const scoreUnseen = (depth: number): number => 1 / (depth + 1);
/** Score of a point equal to a leaf of `mass` at `depth` (CommonUtils.defaultScoreSeenFunction). @internal */
export const scoreSeen = (depth: number, mass: number): number => 1 / (depth + Math.log2(mass + 1));
/** Damping of a seen point's score (CommonUtils.defaultDampFunction). @internal */
export const damp = (leafMass: number, treeMass: number): number => 1 - leafMass / (2 * treeMass);
/** Normaliser of a tree's score (CommonUtils.defaultScalarNormalizerFunction). @internal */
export const normalizer = (treeMass: number): number => Math.log2(treeMass + 1);

function corrupt(file: string, message: string): ModelError {
  return new ModelError("MODEL_CORRUPT", `${file}: ${message}`);
}

/**
 * Checks a stored forest node by node and computes what scoring needs. Every index, count and value
 * is checked before use, so a hostile forest is refused (`MODEL_CORRUPT`) in time linear in its
 * size: a child pair must come after its parent and be claimed once (no cycles, no shared nodes),
 * leaves must have a mass ≥ 1, cut dimensions must be in range, values finite, and every cut must
 * separate its two children's boxes (as RandomCutTree.java's own check does).
 *
 * @param file - Name used in messages.
 * @throws {@link ModelError} `MODEL_CORRUPT` naming the tree and node.
 * @internal
 */
export function assembleForest(data: ForestData, file = "model.tar.gz"): Forest {
  const d = data.dim;
  const trees = data.nodeCounts.length;
  if (!Number.isSafeInteger(d) || d < 1) throw corrupt(file, `feature dimension ${d} is not a positive integer`);
  if (trees < 1) throw corrupt(file, "the forest has no tree");
  const nodeStart = new Int32Array(trees + 1);
  let total = 0;
  for (let t = 0; t < trees; t++) {
    const n = data.nodeCounts[t]!;
    if (!(n >= 1) || n % 2 !== 1) throw corrupt(file, `tree ${t} has ${n} nodes (a tree has an odd number of nodes, at least 1)`);
    nodeStart[t] = total;
    total += n;
    if (total > data.child.length) break;
  }
  nodeStart[trees] = total;
  const arrays = [data.child, data.cutDim, data.cutValue, data.leafMass];
  if (arrays.some((a) => a.length !== total)) throw corrupt(file, `node arrays do not hold the ${total} nodes the trees declare`);
  const leaves = (total + trees) / 2;
  if (data.points.length !== leaves * d) throw corrupt(file, `${data.points.length} point values for ${leaves} leaves of ${d} features`);
  for (let i = 0; i < data.points.length; i++) {
    if (!Number.isFinite(data.points[i]!)) throw corrupt(file, `leaf point value ${i} is ${data.points[i]}`);
  }

  const node = new Int32Array(3 * total);
  const nodeF = new Float32Array(node.buffer);
  const mass = new Float64Array(total);
  const lo = new Float32Array(total * d);
  const hi = new Float32Array(total * d);
  const rangeSum = new Float64Array(total);
  const treeMass = new Float64Array(trees);
  const claimed = new Uint8Array(total);
  const depth = new Int32Array(total);
  let maxDepth = 0;
  let leaf = 0;
  for (let t = 0; t < trees; t++) {
    const start = nodeStart[t]!;
    const n = nodeStart[t + 1]! - start;
    // Top-down: structure, leaf points in node order, depths.
    for (let i = 0; i < n; i++) {
      const g = start + i;
      const c = data.child[g]!;
      if (i > 0 && claimed[g] !== 1) throw corrupt(file, `tree ${t} node ${i} is not the child of any node`);
      if (c === -1) {
        const m = data.leafMass[g]!;
        if (!(m >= 1)) throw corrupt(file, `tree ${t} leaf ${i} has mass ${m}`);
        if (data.cutDim[g] !== -1) throw corrupt(file, `tree ${t} leaf ${i} has cut dimension ${data.cutDim[g]}`);
        node[3 * g] = -1;
        node[3 * g + 1] = -1;
        mass[g] = m;
        treeMass[t]! += m;
        const p = leaf * d;
        lo.set(data.points.subarray(p, p + d), g * d);
        hi.set(data.points.subarray(p, p + d), g * d);
        leaf++;
      } else {
        if (!(c > i && c + 1 < n)) throw corrupt(file, `tree ${t} node ${i} has children ${c} and ${c + 1} (must be after ${i} and below ${n})`);
        if (claimed[start + c] !== 0 || claimed[start + c + 1] !== 0) throw corrupt(file, `tree ${t} node ${i} claims a node that already has a parent`);
        claimed[start + c] = 1;
        claimed[start + c + 1] = 1;
        const k = data.cutDim[g]!;
        if (!(k >= 0 && k < d)) throw corrupt(file, `tree ${t} node ${i} has cut dimension ${k} (features: ${d})`);
        if (!Number.isFinite(data.cutValue[g]!)) throw corrupt(file, `tree ${t} node ${i} has cut value ${data.cutValue[g]}`);
        if (data.leafMass[g] !== 0) throw corrupt(file, `tree ${t} internal node ${i} has leaf mass ${data.leafMass[g]}`);
        node[3 * g] = start + c;
        node[3 * g + 1] = k;
        nodeF[3 * g + 2] = data.cutValue[g]!;
        depth[start + c] = depth[g]! + 1;
        depth[start + c + 1] = depth[g]! + 1;
        if (depth[g]! + 1 > maxDepth) maxDepth = depth[g]! + 1;
      }
    }
    // Bottom-up: boxes and masses (children come after their parent).
    for (let i = n - 1; i >= 0; i--) {
      const g = start + i;
      const b = g * d;
      const l = node[3 * g]!;
      if (l >= 0) {
        const lb = l * d;
        const rb = lb + d;
        const k = node[3 * g + 1]!;
        const cut = nodeF[3 * g + 2]!;
        if (!(hi[lb + k]! <= cut && lo[rb + k]! > cut)) {
          throw corrupt(file, `tree ${t} node ${i}: cut x${k} <= ${cut} does not separate its children`);
        }
        for (let j = 0; j < d; j++) {
          lo[b + j] = Math.min(lo[lb + j]!, lo[rb + j]!);
          hi[b + j] = Math.max(hi[lb + j]!, hi[rb + j]!);
        }
        mass[g] = mass[l]! + mass[l + 1]!;
      }
      let s = 0;
      for (let j = 0; j < d; j++) s += hi[b + j]! - lo[b + j]!;
      rangeSum[g] = s;
    }
  }
  return { data, dim: d, trees, nodeStart, treeMass, node, nodeF, mass, lo, hi, rangeSum, maxDepth };
}

/** Reusable buffers of the tree walk. */
interface Scratch {
  /** Nodes from the root down to the leaf's parent. */
  path: Int32Array;
  /** Dimensions in which the point lies below the current ancestor's box, in index order. */
  below: Int32Array;
  /** Dimensions in which the point lies above the current ancestor's box, in index order. */
  above: Int32Array;
  /** `1 / (depth + 1)` for every depth (scoreUnseen). */
  unseen: Float64Array;
}

function scratchFor(forest: Forest): Scratch {
  const unseen = new Float64Array(forest.maxDepth + 1);
  for (let k = 0; k <= forest.maxDepth; k++) unseen[k] = scoreUnseen(k);
  return { path: new Int32Array(forest.maxDepth + 1), below: new Int32Array(forest.dim), above: new Int32Array(forest.dim), unseen };
}

/**
 * Adds tree `t`'s normalised score of each of the `nr` float32 points in `block` to `acc`:
 * AbstractScalarScoreVisitor's walk — down to the leaf, the leaf's score (seen: damped, and the walk
 * stops; unseen: 1/(depth+1)), then each ancestor up to the root,
 * `score = p/(depth+1) + (1 − p)·score` with p the probability that a random cut of the node's box
 * extended to the point separates the point, until p = 0.
 *
 * How it stays fast without changing the arithmetic: a dimension in which the point lies inside a
 * node's box lies inside every ancestor's box, and one in which it lies below (above) a box can
 * only stay below (above) or enter the ancestor's; so after the leaf's parent, which checks every
 * dimension, each ancestor checks only the dimensions still outside, each against the one bound
 * it lies beyond, and the walk ends when none is left (p = 0). The distances are summed per side
 * in index order (as RandomCutTree.probabilityOfCut's minsum and maxsum). Choices between two
 * outcomes that data decides (which child, which dimension stays outside) are arithmetic on the
 * comparison, not branches the processor would mispredict half of the time.
 */
function scoreBlock(forest: Forest, t: number, block: Float32Array, nr: number, acc: Float64Array, scratch: Scratch): void {
  const node = forest.node;
  const nodeF = forest.nodeF;
  const lo = forest.lo;
  const hi = forest.hi;
  const rangeSum = forest.rangeSum;
  const mass = forest.mass;
  const d = forest.dim;
  const { path, below, above, unseen } = scratch;
  const root = forest.nodeStart[t]!;
  const T = forest.treeMass[t]!;
  const norm = Math.log2(T + 1);
  for (let r = 0, off = 0; r < nr; r++, off += d) {
    // Down: `x[cutDim] <= cut` goes left, else right (the next node).
    let g = root;
    let depth = 0;
    let c = node[3 * g]!;
    while (c >= 0) {
      path[depth++] = g;
      g = c + +(block[off + node[3 * g + 1]!]! > nodeF[3 * g + 2]!);
      c = node[3 * g]!;
    }
    // The leaf: its box is its point.
    let b = g * d;
    let j = 0;
    while (j < d && lo[b + j] === block[off + j]) j++;
    let score: number;
    if (j === d) {
      const m = mass[g]!;
      score = (1 - m / (2 * T)) / (depth + Math.log2(m + 1));
    } else {
      score = unseen[depth]!;
      let k = depth - 1;
      if (k >= 0) {
        // The leaf's parent: every dimension.
        let n = path[k]!;
        b = n * d;
        let nb = 0;
        let na = 0;
        let sb = 0;
        let sa = 0;
        for (let i = 0; i < d; i++) {
          const v = block[off + i]!;
          const dl = lo[b + i]! - v;
          const dh = v - hi[b + i]!;
          const ob = +(dl > 0);
          const oa = +(dh > 0);
          below[nb] = i;
          nb += ob;
          above[na] = i;
          na += oa;
          sb += dl * ob;
          sa += dh * oa;
        }
        let sum = sb + sa;
        // Ancestors while several dimensions are outside.
        while (nb + na > 1) {
          const p = sum / (rangeSum[n]! + sum);
          score = p * unseen[k]! + (1 - p) * score;
          if (--k < 0) break;
          n = path[k]!;
          b = n * d;
          let w = 0;
          sb = 0;
          for (let a = 0; a < nb; a++) {
            const i = below[a]!;
            const dl = lo[b + i]! - block[off + i]!;
            const o = +(dl > 0);
            below[w] = i;
            w += o;
            sb += dl * o;
          }
          nb = w;
          w = 0;
          sa = 0;
          for (let a = 0; a < na; a++) {
            const i = above[a]!;
            const dh = block[off + i]! - hi[b + i]!;
            const o = +(dh > 0);
            above[w] = i;
            w += o;
            sa += dh * o;
          }
          na = w;
          sum = sb + sa;
        }
        // One dimension left outside: follow its one bound up.
        if (nb + na === 1 && k >= 0) {
          const i = nb === 1 ? below[0]! : above[0]!;
          const v = block[off + i]!;
          const bound = nb === 1 ? lo : hi;
          const sign = nb === 1 ? 1 : -1;
          for (;;) {
            const p = sum / (rangeSum[n]! + sum);
            score = p * unseen[k]! + (1 - p) * score;
            if (--k < 0) break;
            n = path[k]!;
            sum = sign * (bound[n * d + i]! - v);
            if (!(sum > 0)) break;
          }
        }
      }
    }
    acc[r]! += score * norm;
  }
}

/**
 * One tree's normalised score of one point (rounded to float32, as the reference's points are).
 * @internal
 */
export function scoreTree(forest: Forest, t: number, point: ArrayLike<number>): number {
  const block = Float32Array.from(point);
  const acc = new Float64Array(1);
  scoreBlock(forest, t, block, 1, acc, scratchFor(forest));
  return acc[0]!;
}

/** Rows scored per block (245 KB of float32 at 30 features): a tree's boxes stay in cache while the block visits it. */
const BLOCK_ROWS = 2048;

/**
 * The affine map applied to every feature before the forest sees it: `(x − shift) · scale`.
 * @public
 */
export interface FeatureTransform {
  /** Subtracted from each feature (the training mean). */
  readonly shift: Float64Array;
  /** Then multiplied into each feature (1 / the training standard deviation). */
  readonly scale: Float64Array;
}

/**
 * Anomaly scores of `count` points of `cols` values each (row-major in `values`, from row `from`),
 * written to `out[from …]`: the mean over trees of the normalised tree scores. Values go through
 * `transform` when given, then are rounded to float32, as the reference's points are.
 *
 * @throws {@link ModelError} `BAD_FEATURE_COUNT` when `cols` is not the forest's dimension,
 *   `INVALID_ARGUMENT` for a value that is not a finite number.
 * @internal
 */
export function scoreRows(forest: Forest, values: ArrayLike<number>, rows: number, cols: number, out: Float64Array, from = 0, count = rows - from, transform?: FeatureTransform): void {
  const d = forest.dim;
  if (cols !== d) throw new ModelError("BAD_FEATURE_COUNT", `rows have ${cols} features, the model expects ${d}`);
  const shift = transform?.shift;
  const scale = transform?.scale;
  const scratch = scratchFor(forest);
  const blockRows = Math.max(1, Math.min(BLOCK_ROWS, count));
  const block = new Float32Array(blockRows * d);
  const acc = new Float64Array(blockRows);
  const trees = forest.trees;
  for (let r0 = from; r0 < from + count; r0 += BLOCK_ROWS) {
    const nr = Math.min(BLOCK_ROWS, from + count - r0);
    for (let i = 0; i < nr * d; i++) {
      const v = values[r0 * d + i]!;
      if (!Number.isFinite(v)) {
        throw new ModelError("INVALID_ARGUMENT", `row ${r0 + Math.floor(i / d)} feature ${i % d} is ${String(v)}, not a finite number`);
      }
      block[i] = shift === undefined || scale === undefined ? v : (v - shift[i % d]!) * scale[i % d]!;
    }
    acc.fill(0);
    for (let t = 0; t < trees; t++) scoreBlock(forest, t, block, nr, acc, scratch);
    for (let r = 0; r < nr; r++) out[r0 + r] = acc[r]! / trees;
  }
}
