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
import { createKernel, kernelLayout } from "./kernel.js";
import type { Kernel } from "./kernel.js";

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
 * A forest ready to score: {@link ForestData} laid out for the scorer (kernel.wat): every node's
 * child, cut, parent and depth, bounding box and range sum, every leaf's seen score, with global
 * node indices, in the memory of the forest's own WebAssembly scorer.
 * @public
 */
export interface Forest {
  /** The stored form it was assembled from. */
  readonly data: ForestData;
  /** Features per point. */
  readonly dim: number;
  /** Number of trees. */
  readonly trees: number;
  /**
   * Global index of each tree's root; `nodeStart[trees]` is the number of nodes (node
   * `nodeStart[trees]` of the arrays below is a sentinel above every root, whose box holds
   * everything).
   */
  readonly nodeStart: Int32Array;
  /** Total mass of each tree (its sample size, duplicates included). */
  readonly treeMass: Float64Array;
  /**
   * Four 32-bit words per node: the global index of the left child (a leaf: itself; the right
   * child follows the left), the cut dimension × 8 (a byte offset into a row of the scorer's
   * block), the cut value as float32 (a leaf: +∞), and the parent (a root: the sentinel).
   */
  readonly node: Int32Array;
  /** Depth of each node (edges from its root). */
  readonly depth: Int32Array;
  /** Each leaf's score of its own point, `(1 − m/(2M)) / (depth + log2(m + 1))`; 0 for internal nodes. */
  readonly seen: Float64Array;
  /**
   * Each node's bounding box, `2·dim` float32 values per node (node `g` at `2·dim·g`): for each
   * dimension its lower bound, then its upper bound negated. A leaf's box is its point.
   */
  readonly box: Float32Array;
  /** Sum over dimensions of each node's box side lengths (upper − lower, in double). */
  readonly rangeSum: Float64Array;
  /** Deepest leaf (edges from its root). */
  readonly maxDepth: number;
  /** The scorer over this forest's memory. @internal */
  readonly kernel: Kernel;
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
 * Checks a stored forest node by node and lays it out for scoring. Every index, count and value
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

  // Top-down, every tree: structure, depths, tree masses.
  const claimed = new Uint8Array(total);
  const depthOf = new Int32Array(total);
  const treeMass = new Float64Array(trees);
  let maxDepth = 0;
  for (let t = 0; t < trees; t++) {
    const start = nodeStart[t]!;
    const n = nodeStart[t + 1]! - start;
    for (let i = 0; i < n; i++) {
      const g = start + i;
      const c = data.child[g]!;
      if (i > 0 && claimed[g] !== 1) throw corrupt(file, `tree ${t} node ${i} is not the child of any node`);
      if (c === -1) {
        const m = data.leafMass[g]!;
        if (!(m >= 1)) throw corrupt(file, `tree ${t} leaf ${i} has mass ${m}`);
        if (data.cutDim[g] !== -1) throw corrupt(file, `tree ${t} leaf ${i} has cut dimension ${data.cutDim[g]}`);
        treeMass[t]! += m;
      } else {
        if (!(c > i && c + 1 < n)) throw corrupt(file, `tree ${t} node ${i} has children ${c} and ${c + 1} (must be after ${i} and below ${n})`);
        if (claimed[start + c] !== 0 || claimed[start + c + 1] !== 0) throw corrupt(file, `tree ${t} node ${i} claims a node that already has a parent`);
        claimed[start + c] = 1;
        claimed[start + c + 1] = 1;
        const k = data.cutDim[g]!;
        if (!(k >= 0 && k < d)) throw corrupt(file, `tree ${t} node ${i} has cut dimension ${k} (features: ${d})`);
        if (!Number.isFinite(data.cutValue[g]!)) throw corrupt(file, `tree ${t} node ${i} has cut value ${data.cutValue[g]}`);
        if (data.leafMass[g] !== 0) throw corrupt(file, `tree ${t} internal node ${i} has leaf mass ${data.leafMass[g]}`);
        depthOf[start + c] = depthOf[g]! + 1;
        depthOf[start + c + 1] = depthOf[g]! + 1;
        if (depthOf[g]! + 1 > maxDepth) maxDepth = depthOf[g]! + 1;
      }
    }
  }

  // The scorer's memory: nodes, then the sentinel (node `total`).
  const layout = kernelLayout(total + 1, d, maxDepth);
  const kernel = createKernel(layout, d);
  const buf = kernel.buffer;
  const node = new Int32Array(buf, layout.node, 4 * (total + 1));
  const nodeF = new Float32Array(buf, layout.node, 4 * (total + 1));
  const depth = new Int32Array(buf, layout.depth, total + 1);
  const seen = new Float64Array(buf, layout.seen, total + 1);
  const box = new Float32Array(buf, layout.box, 2 * d * (total + 1));
  const rangeSum = new Float64Array(buf, layout.range, total + 1);
  const unseen = new Float64Array(buf, layout.unseen - 24, maxDepth + 4);
  depth.set(depthOf);
  unseen.fill(1, 0, 3);
  for (let k = 0; k <= maxDepth; k++) unseen[k + 3] = scoreUnseen(k);
  node[4 * total] = total;
  nodeF[4 * total + 2] = Infinity;
  node[4 * total + 3] = total;
  box.fill(-Infinity, 2 * d * total);
  rangeSum[total] = 1;

  let leaf = 0;
  for (let t = 0; t < trees; t++) {
    const start = nodeStart[t]!;
    const end = nodeStart[t + 1]!;
    const T = treeMass[t]!;
    node[4 * start + 3] = total;
    // Top-down: children, cuts, parents, leaf points and seen scores.
    for (let g = start; g < end; g++) {
      const c = data.child[g]!;
      if (c === -1) {
        node[4 * g] = g;
        nodeF[4 * g + 2] = Infinity;
        const m = data.leafMass[g]!;
        // As the scorer always has: damp over (depth + log2(m + 1)), one division.
        seen[g] = (1 - m / (2 * T)) / (depthOf[g]! + Math.log2(m + 1));
        const p = leaf * d;
        const b = 2 * d * g;
        for (let j = 0; j < d; j++) {
          const v = data.points[p + j]!;
          box[b + 2 * j] = v;
          box[b + 2 * j + 1] = -v;
        }
        leaf++;
      } else {
        node[4 * g] = start + c;
        node[4 * g + 1] = 8 * data.cutDim[g]!;
        nodeF[4 * g + 2] = data.cutValue[g]!;
        node[4 * (start + c) + 3] = g;
        node[4 * (start + c + 1) + 3] = g;
      }
    }
    // Bottom-up: boxes (children come after their parent) and range sums.
    for (let g = end - 1; g >= start; g--) {
      const b = 2 * d * g;
      const l = node[4 * g]!;
      if (l !== g) {
        const lb = 2 * d * l;
        const rb = lb + 2 * d;
        const k = node[4 * g + 1]! >> 3;
        const cut = nodeF[4 * g + 2]!;
        if (!(-box[lb + 2 * k + 1]! <= cut && box[rb + 2 * k]! > cut)) {
          throw corrupt(file, `tree ${t} node ${g - start}: cut x${k} <= ${cut} does not separate its children`);
        }
        for (let j = 0; j < 2 * d; j++) box[b + j] = Math.min(box[lb + j]!, box[rb + j]!);
      }
      let s = 0;
      for (let j = 0; j < d; j++) s += -box[b + 2 * j + 1]! - box[b + 2 * j]!;
      rangeSum[g] = s;
    }
  }
  return { data, dim: d, trees, nodeStart, treeMass, node, depth, seen, box, rangeSum, maxDepth, kernel };
}

/** The kernel's block of rows being scored, and each tree's normaliser. */
interface Block {
  /** For each dimension of each row, the value, then the value negated. */
  x: Float32Array;
  /** Each row's sum of normalised tree scores. */
  acc: Float64Array;
  /** `log2(treeMass + 1)` of each tree. */
  norm: Float64Array;
}

const blocks = new WeakMap<Forest, Block>();

function blockOf(forest: Forest): Block {
  let block = blocks.get(forest);
  if (block === undefined) {
    const layout = kernelLayout(forest.nodeStart[forest.trees]! + 1, forest.dim, forest.maxDepth);
    const x = new Float32Array(forest.kernel.buffer, layout.block, 2 * forest.dim * layout.blockRows);
    const acc = new Float64Array(forest.kernel.buffer, layout.acc, layout.blockRows);
    block = { x, acc, norm: forest.treeMass.map(normalizer) };
    blocks.set(forest, block);
  }
  return block;
}

/**
 * Scores the first `nr` rows of the block with trees `[t0, t1)`: the accumulators start at 0, and
 * each tree adds its normalised score, tree after tree. The block's rows past `nr`, up to a
 * multiple of 8, become copies of its first row (they walk down in lock step with the others).
 */
function scoreBlock(forest: Forest, block: Block, nr: number, t0: number, t1: number): void {
  const w = 2 * forest.dim;
  for (let r = nr; r < ((nr + 7) & ~7); r++) block.x.copyWithin(r * w, 0, w);
  block.acc.fill(0, 0, nr);
  for (let t = t0; t < t1; t++) forest.kernel.scoreTree(forest.nodeStart[t]!, block.norm[t]!, nr);
}

/**
 * One tree's normalised score of one point (rounded to float32, as the reference's points are):
 * AbstractScalarScoreVisitor's walk — down to the leaf, the leaf's score (seen: damped, and the
 * walk stops; unseen: 1/(depth+1)), then each ancestor up to the root,
 * `score = p·(1/(depth+1)) + (1 − p)·score` with p the probability that a random cut of the
 * node's box extended to the point separates the point, until p = 0 (kernel.wat).
 * @internal
 */
export function scoreTree(forest: Forest, t: number, point: ArrayLike<number>): number {
  const block = blockOf(forest);
  for (let j = 0; j < forest.dim; j++) {
    block.x[2 * j] = point[j]!;
    block.x[2 * j + 1] = -block.x[2 * j]!;
  }
  scoreBlock(forest, block, 1, t, t + 1);
  return block.acc[0]!;
}

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
  const block = blockOf(forest);
  const x = block.x;
  const trees = forest.trees;
  const rowsPerBlock = block.acc.length;
  for (let r0 = from; r0 < from + count; r0 += rowsPerBlock) {
    const nr = Math.min(rowsPerBlock, from + count - r0);
    for (let i = 0, o = 0; i < nr * d; i++, o += 2) {
      const v = values[r0 * d + i]!;
      if (!Number.isFinite(v)) {
        throw new ModelError("INVALID_ARGUMENT", `row ${r0 + Math.floor(i / d)} feature ${i % d} is ${String(v)}, not a finite number`);
      }
      x[o] = shift === undefined || scale === undefined ? v : (v - shift[i % d]!) * scale[i % d]!;
      x[o + 1] = -x[o]!;
    }
    scoreBlock(forest, block, nr, 0, trees);
    for (let r = 0; r < nr; r++) out[r0 + r] = block.acc[r]! / trees;
  }
}
