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
  /** Bounding box of each node, `2·dim` values: lower and upper bound of each dimension in turn (a leaf: its point twice). */
  readonly box: Float32Array;
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
  const box = new Float32Array(total * 2 * d);
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
        const b = g * 2 * d;
        for (let j = 0; j < d; j++) {
          box[b + 2 * j] = data.points[p + j]!;
          box[b + 2 * j + 1] = data.points[p + j]!;
        }
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
      const b = g * 2 * d;
      const l = node[3 * g]!;
      if (l >= 0) {
        const lb = l * 2 * d;
        const rb = lb + 2 * d;
        const k = node[3 * g + 1]!;
        const cut = nodeF[3 * g + 2]!;
        if (!(box[lb + 2 * k + 1]! <= cut && box[rb + 2 * k]! > cut)) {
          throw corrupt(file, `tree ${t} node ${i}: cut x${k} <= ${cut} does not separate its children`);
        }
        for (let j = 0; j < 2 * d; j += 2) {
          box[b + j] = Math.min(box[lb + j]!, box[rb + j]!);
          box[b + j + 1] = Math.max(box[lb + j + 1]!, box[rb + j + 1]!);
        }
        mass[g] = mass[l]! + mass[l + 1]!;
      }
      let s = 0;
      for (let j = 0; j < 2 * d; j += 2) s += box[b + j + 1]! - box[b + j]!;
      rangeSum[g] = s;
    }
  }
  return { data, dim: d, trees, nodeStart, treeMass, node, nodeF, mass, box, rangeSum, maxDepth };
}

/** Reusable buffers of the tree walk. */
interface Scratch {
  path: Int32Array;
  active: Int32Array;
}

function scratchFor(forest: Forest): Scratch {
  return { path: new Int32Array(forest.maxDepth + 1), active: new Int32Array(forest.dim) };
}

/**
 * Adds tree `t`'s normalised score of each of the `nr` float32 points in `block` to `acc`:
 * AbstractScalarScoreVisitor's walk — down to the leaf, the leaf's score (seen: damped, and the walk
 * stops; unseen: 1/(depth+1)), then each ancestor up to the root,
 * `score = p/(depth+1) + (1 − p)·score` with p the probability that a random cut of the node's box
 * extended to the point separates the point, until p = 0.
 */
function scoreBlock(forest: Forest, t: number, block: Float32Array, nr: number, acc: Float64Array, scratch: Scratch): void {
  const node = forest.node;
  const nodeF = forest.nodeF;
  const box = forest.box;
  const rangeSum = forest.rangeSum;
  const mass = forest.mass;
  const d = forest.dim;
  const d2 = 2 * d;
  const path = scratch.path;
  const active = scratch.active;
  const root = forest.nodeStart[t]!;
  const T = forest.treeMass[t]!;
  const norm = Math.log2(T + 1);
  for (let r = 0, off = 0; r < nr; r++, off += d) {
    let g = root;
    let depth = 0;
    let c = node[3 * g]!;
    while (c >= 0) {
      path[depth++] = g;
      g = block[off + node[3 * g + 1]!]! <= nodeF[3 * g + 2]! ? c : c + 1;
      c = node[3 * g]!;
    }
    let b = g * d2;
    let j = 0;
    while (j < d && box[b + 2 * j] === block[off + j]) j++;
    let score: number;
    if (j === d) {
      const m = mass[g]!;
      score = (1 - m / (2 * T)) / (depth + Math.log2(m + 1));
    } else {
      score = 1 / (depth + 1);
      // A coordinate inside a node's box is inside every ancestor's box: only the others are visited.
      let na = d;
      for (let i = 0; i < d; i++) active[i] = i;
      for (let k = depth - 1; k >= 0; k--) {
        const n = path[k]!;
        b = n * d2;
        let sum = 0;
        let w = 0;
        for (let a = 0; a < na; a++) {
          const jj = active[a]!;
          const v = block[off + jj]!;
          const l = box[b + 2 * jj]!;
          if (v < l) {
            sum += l - v;
            active[w++] = jj;
          } else {
            const h = box[b + 2 * jj + 1]!;
            if (v > h) {
              sum += v - h;
              active[w++] = jj;
            }
          }
        }
        na = w;
        if (na === 0) break;
        const p = sum / (rangeSum[n]! + sum);
        score = p / (k + 1) + (1 - p) * score;
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
