// The scalar anomaly score computed the slow, literal way, as the reference's visitor does it
// (aws/random-cut-forest-by-aws, Java/core/src/main/java/com/amazon/randomcutforest/:
// anomalydetection/AbstractScalarScoreVisitor.java, tree/RandomCutTree.java probabilityOfCut,
// CommonUtils.java), straight from the stored form (ForestData): every node's bounding box from
// its leaves, a walk down recording the path, then the leaf and every ancestor up to the root with
// the full box distance over all dimensions. No shortcut, no shared code with the scorer in src/
// (kernel.wat): the scorer must give these scores bit for bit (fast.test.ts).
// Its arithmetic is the visitor's as forest.ts documents it: boxes of float32 values, distances
// and range sums in double, the distances below the box summed in index order (minsum), those
// above it likewise (maxsum), `p · (1 / (depth + 1)) + (1 − p) · score`, and a seen leaf's
// `(1 − m/(2M)) / (depth + log2(m + 1))`.
import type { ForestData } from "../../src/models/randomcutforest/forest.js";

/** A forest with every node's parent, depth, box and mass, derived from its stored form. */
export interface ReferenceForest {
  data: ForestData;
  /** Global index of each tree's root (and the node count at `trees`). */
  start: number[];
  parent: Int32Array;
  lo: Float32Array;
  hi: Float32Array;
  mass: Float64Array;
  /** Index of each leaf's point in `data.points` (in points), −1 for internal nodes. */
  pointOf: Int32Array;
}

/** Derives parents, boxes and masses (assumes a valid forest; validity is the loader's job). */
export function referenceForest(data: ForestData): ReferenceForest {
  const d = data.dim;
  const total = data.child.length;
  const start: number[] = [0];
  for (const n of data.nodeCounts) start.push(start.at(-1)! + n);
  const parent = new Int32Array(total).fill(-1);
  const lo = new Float32Array(total * d).fill(Infinity);
  const hi = new Float32Array(total * d).fill(-Infinity);
  const mass = new Float64Array(total);
  const pointOf = new Int32Array(total).fill(-1);
  let leaf = 0;
  for (let t = 0; t < data.nodeCounts.length; t++) {
    for (let g = start[t]!; g < start[t + 1]!; g++) {
      const c = data.child[g]!;
      if (c >= 0) {
        parent[start[t]! + c] = g;
        parent[start[t]! + c + 1] = g;
      } else {
        pointOf[g] = leaf++;
      }
    }
  }
  // A leaf's box is its point; every ancestor's box grows to hold it and its mass adds up.
  for (let g = 0; g < total; g++) {
    if (pointOf[g]! < 0) continue;
    for (let n = g; n >= 0; n = parent[n]!) {
      for (let j = 0; j < d; j++) {
        const v = data.points[pointOf[g]! * d + j]!;
        if (v < lo[n * d + j]!) lo[n * d + j] = v;
        if (v > hi[n * d + j]!) hi[n * d + j] = v;
      }
      mass[n]! += data.leafMass[g]!;
    }
  }
  return { data, start, parent, lo, hi, mass, pointOf };
}

/** RandomCutTree.probabilityOfCut: the chance a random cut of the box extended to `x` separates `x`. */
function probabilityOfCut(f: ReferenceForest, n: number, x: Float32Array): number {
  const d = f.data.dim;
  let minsum = 0;
  let maxsum = 0;
  let range = 0;
  for (let j = 0; j < d; j++) {
    const l = f.lo[n * d + j]!;
    const h = f.hi[n * d + j]!;
    range += h - l;
    if (x[j]! < l) minsum += l - x[j]!;
    else if (x[j]! > h) maxsum += x[j]! - h;
  }
  const sum = maxsum + minsum;
  return sum === 0 ? 0 : sum / (range + sum);
}

/** Tree `t`'s normalised score of `x` (already float32). */
export function referenceTreeScore(f: ReferenceForest, t: number, x: Float32Array): number {
  const data = f.data;
  const d = data.dim;
  const root = f.start[t]!;
  const treeMass = f.mass[root]!;
  // Down to the leaf.
  let g = root;
  let depth = 0;
  while (data.child[g]! >= 0) {
    const left = root + data.child[g]!;
    g = x[data.cutDim[g]!]! <= data.cutValue[g]! ? left : left + 1;
    depth++;
  }
  // The leaf (AbstractScalarScoreVisitor.acceptLeaf).
  let seen = true;
  for (let j = 0; j < d; j++) if (data.points[f.pointOf[g]! * d + j] !== x[j]) seen = false;
  let score: number;
  if (seen) {
    const m = f.mass[g]!;
    score = (1 - m / (2 * treeMass)) / (depth + Math.log2(m + 1));
  } else {
    score = 1 / (depth + 1);
    // Every ancestor up to the root (AbstractScalarScoreVisitor.accept), until x is inside a box.
    for (let n = f.parent[g]!, k = depth - 1; n >= 0; n = f.parent[n]!, k--) {
      const p = probabilityOfCut(f, n, x);
      if (p === 0) break;
      score = p * (1 / (k + 1)) + (1 - p) * score;
    }
  }
  return score * Math.log2(treeMass + 1);
}

/** The forest's score of each row of `values` (`cols` = the forest's dimension), transform first. */
export function referenceScores(f: ReferenceForest, values: ArrayLike<number>, rows: number, transform?: { shift: ArrayLike<number>; scale: ArrayLike<number> }): Float64Array {
  const d = f.data.dim;
  const trees = f.data.nodeCounts.length;
  const out = new Float64Array(rows);
  const x = new Float32Array(d);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < d; j++) {
      const v = values[r * d + j]!;
      x[j] = transform === undefined ? v : (v - transform.shift[j]!) * transform.scale[j]!;
    }
    let acc = 0;
    for (let t = 0; t < trees; t++) acc += referenceTreeScore(f, t, x);
    out[r] = acc / trees;
  }
  return out;
}
