// Building the forest from data: a uniform reservoir sample of `num_samples_per_tree` rows per tree,
// then a random cut tree over the sample, top down. The cut follows the reference's
// RandomCutTree.randomCut (aws/random-cut-forest-by-aws, Java/core/src/main/java/com/amazon/
// randomcutforest/tree/RandomCutTree.java): a uniform draw over the sum of the box's side lengths
// picks the dimension with probability proportional to its range and the cut uniformly within it,
// in float32 arithmetic, a cut at the top of a range moved just below it. Built top down on the
// whole sample, a tree has the distribution the reference's one-point-at-a-time insertion gives
// (Guha et al., "Robust random cut forest based anomaly detection on streams", ICML 2016, §3).
import { createRng } from "../../rng.js";
import type { Rng } from "../../rng.js";
import type { FeatureTransform, ForestData } from "./forest.js";

/** Stream of the seeded generator that draws every tree's own seed. */
const RCF_STREAM = 8;

const F32 = new Float32Array(1);
const I32 = new Int32Array(F32.buffer);

/** The float32 next to `v` towards −∞ (Java's `Math.nextAfter(v, smaller)` on a float). @internal */
export function nextDown32(v: number): number {
  F32[0] = v;
  const f = F32[0]!;
  if (f === 0) return -1.401298464324817e-45;
  if (f > 0) I32[0]!--;
  else I32[0]!++;
  return F32[0]!;
}

/**
 * Indices of a uniform sample of `k` of `n` rows (all of them when `n <= k`): reservoir sampling,
 * Li's Algorithm L ("Reservoir-sampling algorithms of time complexity O(n(1 + log(N/n)))", 1994),
 * which skips ahead instead of drawing once per row. Returned in increasing order.
 * @internal
 */
export function reservoirSample(n: number, k: number, rng: Rng): Int32Array {
  if (n <= k) return Int32Array.from({ length: n }, (_, i) => i);
  const res = new Int32Array(k);
  for (let i = 0; i < k; i++) res[i] = i;
  const u = (): number => 1 - rng.next(); // (0, 1]
  let w = Math.exp(Math.log(u()) / k);
  let i = k - 1;
  for (;;) {
    const skip = w >= 1 ? 0 : Math.floor(Math.log(u()) / Math.log(1 - w));
    i += skip + 1;
    if (!(i < n)) break;
    res[rng.int(k)] = i;
    w *= Math.exp(Math.log(u()) / k);
  }
  return res.sort();
}

/** One tree under construction, in tree-local arrays sized for the largest possible tree. */
interface TreeBuffers {
  child: Int32Array;
  cutDim: Int32Array;
  cutValue: Float32Array;
  leafMass: Int32Array;
  segStart: Int32Array;
  segEnd: Int32Array;
  lo: Float64Array;
  hi: Float64Array;
}

function treeBuffers(k: number, d: number): TreeBuffers {
  const n = 2 * k - 1;
  return {
    child: new Int32Array(n),
    cutDim: new Int32Array(n),
    cutValue: new Float32Array(n),
    leafMass: new Int32Array(n),
    segStart: new Int32Array(n),
    segEnd: new Int32Array(n),
    lo: new Float64Array(d),
    hi: new Float64Array(d),
  };
}

/**
 * Builds one random cut tree over `k` float32 points (`pts`, `d` values each): nodes are numbered
 * in breadth-first order, so children always follow their parent.
 * @returns the number of nodes; `order` ends grouped by leaf, each leaf's first point at `segStart`.
 */
function buildTree(pts: Float32Array, k: number, d: number, rng: Rng, buf: TreeBuffers, order: Int32Array): number {
  for (let i = 0; i < k; i++) order[i] = i;
  const { child, cutDim, cutValue, leafMass, segStart, segEnd, lo, hi } = buf;
  segStart[0] = 0;
  segEnd[0] = k;
  let count = 1;
  for (let node = 0; node < count; node++) {
    const a = segStart[node]!;
    const e = segEnd[node]!;
    lo.fill(Infinity);
    hi.fill(-Infinity);
    for (let p = a; p < e; p++) {
      const base = order[p]! * d;
      for (let j = 0; j < d; j++) {
        const v = pts[base + j]!;
        if (v < lo[j]!) lo[j] = v;
        if (v > hi[j]!) hi[j] = v;
      }
    }
    // Side lengths as the reference computes them: float32 differences, summed in double.
    let range = 0;
    for (let j = 0; j < d; j++) range += Math.fround(hi[j]! - lo[j]!);
    if (range === 0) {
      child[node] = -1;
      cutDim[node] = -1;
      cutValue[node] = 0;
      leafMass[node] = e - a;
      continue;
    }
    let breakPoint = rng.next() * range;
    let dim = -1;
    let cut = 0;
    for (let j = 0; j < d; j++) {
      const gap = Math.fround(hi[j]! - lo[j]!);
      if (breakPoint <= gap && gap > 0) {
        dim = j;
        cut = Math.fround(lo[j]! + breakPoint);
        if (cut >= hi[j]!) cut = nextDown32(hi[j]!);
        break;
      }
      breakPoint -= gap;
    }
    if (dim < 0) {
      // Rounding left the break point past the last range (a draw of almost 1): the top of the
      // last non-empty range, as the reference's fallback does.
      for (let j = d - 1; j >= 0; j--) {
        if (hi[j]! > lo[j]!) {
          dim = j;
          cut = nextDown32(hi[j]!);
          break;
        }
      }
    }
    // Partition: x[dim] <= cut to the left.
    let i = a;
    let r = e - 1;
    while (i <= r) {
      if (pts[order[i]! * d + dim]! <= cut) i++;
      else {
        const tmp = order[i]!;
        order[i] = order[r]!;
        order[r] = tmp;
        r--;
      }
    }
    const l = count++;
    const rr = count++;
    child[node] = l;
    cutDim[node] = dim;
    cutValue[node] = cut;
    leafMass[node] = 0;
    segStart[l] = a;
    segEnd[l] = i;
    segStart[rr] = i;
    segEnd[rr] = e;
  }
  return count;
}

/** What {@link buildForest} needs. @internal */
export interface BuildOptions {
  /** Number of trees (`num_trees`). */
  trees: number;
  /** Sample size of each tree (`num_samples_per_tree`). */
  samplesPerTree: number;
  /** The seed of the run. */
  seed: number;
  /** Applied to each sampled row before it enters a tree (as `scoreRows` applies it). */
  transform?: FeatureTransform | undefined;
}

/**
 * Builds a forest over the rows of `values` (`rows × cols`, row-major, finite values): each tree
 * draws its own seed from the run's seed, then its reservoir sample and its cuts, so the forest
 * depends only on the seed and the data.
 * @internal
 */
export function buildForest(values: ArrayLike<number>, rows: number, cols: number, options: BuildOptions): ForestData {
  const d = cols;
  const k = Math.min(rows, options.samplesPerTree);
  const master = createRng(options.seed, RCF_STREAM);
  const treeSeeds = Array.from({ length: options.trees }, () => master.int(2 ** 32));
  const buf = treeBuffers(k, d);
  const order = new Int32Array(k);
  const pts = new Float32Array(k * d);
  const nodeCounts = new Int32Array(options.trees);
  const maxNodes = options.trees * (2 * k - 1);
  const child = new Int32Array(maxNodes);
  const cutDim = new Int32Array(maxNodes);
  const cutValue = new Float32Array(maxNodes);
  const leafMass = new Int32Array(maxNodes);
  const points = new Float32Array(options.trees * k * d);
  let nodes = 0;
  let leaves = 0;
  for (let t = 0; t < options.trees; t++) {
    const rng = createRng(treeSeeds[t]!, 0);
    const sample = reservoirSample(rows, k, rng);
    const shift = options.transform?.shift;
    const scale = options.transform?.scale;
    for (let s = 0; s < k; s++) {
      const src = sample[s]! * d;
      if (shift === undefined || scale === undefined) for (let j = 0; j < d; j++) pts[s * d + j] = values[src + j]!;
      else for (let j = 0; j < d; j++) pts[s * d + j] = (values[src + j]! - shift[j]!) * scale[j]!;
    }
    const n = buildTree(pts, k, d, rng, buf, order);
    nodeCounts[t] = n;
    child.set(buf.child.subarray(0, n), nodes);
    cutDim.set(buf.cutDim.subarray(0, n), nodes);
    cutValue.set(buf.cutValue.subarray(0, n), nodes);
    leafMass.set(buf.leafMass.subarray(0, n), nodes);
    for (let i = 0; i < n; i++) {
      if (buf.child[i]! >= 0) continue;
      const src = order[buf.segStart[i]!]! * d;
      points.set(pts.subarray(src, src + d), leaves * d);
      leaves++;
    }
    nodes += n;
  }
  return {
    dim: d,
    nodeCounts,
    child: child.slice(0, nodes),
    cutDim: cutDim.slice(0, nodes),
    cutValue: cutValue.slice(0, nodes),
    leafMass: leafMass.slice(0, nodes),
    points: points.slice(0, leaves * d),
  };
}
