// Training of one shard of the parallel models: every model sees the same shuffled mini-batches
// (the shuffle depends only on the run's seed and the epoch), so a model's result does not depend
// on which shard or thread trains it. Runs in the calling thread or in a worker (worker.ts).
import { BLOCK, blockGradient, blockLoss, createBlock } from "./gradient.js";
import type { Block } from "./gradient.js";
import { optimizerStep } from "./optimizer.js";
import type { OptimizerSettings } from "./optimizer.js";
import { RNG_STREAM, createRng } from "./rng.js";
import type { Rng } from "./rng.js";

/** Per-model settings of the parallel-model grid. @internal */
export interface KernelModel {
  /** Base learning rate. */
  lr: number;
  /** L1 penalty. */
  l1: number;
  /** L2 penalty. */
  wd: number;
  /** Weight of positive examples in the loss. */
  posWeight: number;
  /** Index of the model's initialisation stream (its place in the grid). */
  initStream: number;
}

/** Weight initialisation (`init_method`, `init_scale`, `init_sigma`, `init_bias`). @internal */
export interface InitSettings {
  method: "uniform" | "normal";
  scale: number;
  sigma: number;
  bias: number;
}

/** One shard of models trained over the same mini-batches. @internal */
export interface KernelJob {
  /** `n × d` standardised training features, row-major. */
  x: Float32Array;
  /** `n` training labels. */
  y: Uint8Array;
  n: number;
  d: number;
  /** `vn × d` standardised validation features. */
  vx: Float32Array;
  vy: Uint8Array;
  vn: number;
  models: KernelModel[];
  epochs: number;
  batchSize: number;
  /** Seed of the run: initialisation and epoch shuffles. */
  seed: number;
  /** `early_stopping_patience`. */
  patience: number;
  /** `early_stopping_tolerance`. */
  tolerance: number;
  optimizer: OptimizerSettings;
  init: InitSettings;
}

/** Result for one model of a shard. @internal */
export interface KernelModelResult {
  /** Weights at the best epoch (standardised feature space). */
  weights: Float64Array;
  bias: number;
  /** Epoch (0-based) with the lowest validation loss; -1 when none was finite. */
  bestEpoch: number;
  bestLoss: number;
  epochsRun: number;
  /** Validation loss after each epoch run. */
  valLoss: number[];
}

/** Called after each epoch with every model's validation loss (NaN for a stopped model). @internal */
export type EpochCallback = (epoch: number, valLoss: number[]) => void;

/** Everything a shard keeps between epochs; parameters are `[w_0 … w_{d−1}, bias]` per model. */
class ShardState {
  readonly stride: number;
  readonly params: Float64Array;
  readonly m1: Float64Array;
  readonly m2: Float64Array;
  readonly best: Float64Array;
  readonly bestLoss: Float64Array;
  readonly refLoss: Float64Array;
  readonly bestEpoch: Int32Array;
  readonly bad: Int32Array;
  readonly epochsRun: Int32Array;
  readonly active: Uint8Array;
  readonly history: number[][];
  readonly blocks: Block[];
  /** Model index of each block slot; padding slots repeat a real member and are ignored. */
  readonly slots: Int32Array;
  readonly grad: Float64Array;
  readonly losses: Float64Array;
  blockCount = 0;

  constructor(
    readonly job: KernelJob,
    readonly m: number,
  ) {
    const d = job.d;
    this.stride = d + 1;
    const size = m * this.stride;
    this.params = new Float64Array(size);
    this.m1 = new Float64Array(size);
    this.m2 = new Float64Array(size);
    this.best = new Float64Array(size);
    this.bestLoss = new Float64Array(m).fill(Infinity);
    this.refLoss = new Float64Array(m).fill(Infinity);
    this.bestEpoch = new Int32Array(m).fill(-1);
    this.bad = new Int32Array(m);
    this.epochsRun = new Int32Array(m);
    this.active = new Uint8Array(m).fill(1);
    this.history = Array.from({ length: m }, () => []);
    const blocks = Math.ceil(m / BLOCK);
    this.blocks = Array.from({ length: blocks }, () => createBlock(d));
    this.slots = new Int32Array(blocks * BLOCK);
    this.grad = new Float64Array(d + 1);
    this.losses = new Float64Array(BLOCK);
  }

  /** Groups the active models into blocks of four; returns false when none is left. */
  regroup(): boolean {
    let k = 0;
    for (let i = 0; i < this.m; i++) if (this.active[i]) this.slots[k++] = i;
    this.blockCount = Math.ceil(k / BLOCK);
    for (let s = k; s < this.blockCount * BLOCK; s++) this.slots[s] = this.slots[s - 1]!;
    return k > 0;
  }

  /** Copies the parameters of block `b`'s members into its interleaved scratch. */
  load(b: number): Block {
    const blk = this.blocks[b]!;
    const d = this.job.d;
    for (let s = 0; s < BLOCK; s++) {
      const k = this.slots[b * BLOCK + s]!;
      const o = k * this.stride;
      for (let j = 0; j < d; j++) blk.w[j * BLOCK + s] = this.params[o + j]!;
      blk.b[s] = this.params[o + d]!;
      blk.pw[s] = this.job.models[k]!.posWeight;
    }
    return blk;
  }
}

function initialise(st: ShardState): void {
  const { job, stride } = st;
  const d = job.d;
  for (let k = 0; k < st.m; k++) {
    const rng = createRng(job.seed, RNG_STREAM.init + 16 * (job.models[k]!.initStream + 1));
    const o = k * stride;
    for (let j = 0; j < d; j++) st.params[o + j] = initialWeight(rng, job.init);
    st.params[o + d] = job.optimizer.useBias ? job.init.bias : 0;
  }
}

function initialWeight(rng: Rng, init: InitSettings): number {
  if (init.method === "uniform") return (rng.next() * 2 - 1) * init.scale;
  // Box–Muller; 1 − u lies in (0, 1], so the logarithm is finite.
  return init.sigma * Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
}

/** One pass over the training rows in the order of `perm`; `t` counts steps across epochs. */
function trainEpoch(st: ShardState, perm: Int32Array, off: Int32Array, labels: Uint8Array, t: number): number {
  const { job, stride, grad } = st;
  const { x, y, n, d } = job;
  const bs = off.length;
  for (let start = 0; start < n; start += bs) {
    const size = Math.min(bs, n - start);
    for (let q = 0; q < size; q++) {
      const i = perm[start + q]!;
      off[q] = i * d;
      labels[q] = y[i]!;
    }
    t++;
    const inv = 1 / size;
    for (let b = 0; b < st.blockCount; b++) {
      const blk = st.load(b);
      blockGradient(x, off, labels, size, d, blk);
      for (let s = 0; s < BLOCK; s++) {
        const k = st.slots[b * BLOCK + s]!;
        if (s > 0 && k === st.slots[b * BLOCK + s - 1]) break; // padding
        for (let j = 0; j < d; j++) grad[j] = blk.g[j * BLOCK + s]! * inv;
        grad[d] = blk.gb[s]! * inv;
        optimizerStep(st.params, st.m1, st.m2, k * stride, grad, d, t, job.models[k]!, job.optimizer);
      }
    }
  }
  return t;
}

/** Validation loss of every active model, then early-stopping bookkeeping; returns the epoch's losses. */
function validate(st: ShardState, epoch: number): number[] {
  const { job, stride } = st;
  const out = new Array<number>(st.m).fill(NaN);
  for (let b = 0; b < st.blockCount; b++) {
    blockLoss(job.vx, job.vy, job.vn, job.d, st.load(b), st.losses);
    for (let s = 0; s < BLOCK; s++) out[st.slots[b * BLOCK + s]!] = st.losses[s]!;
  }
  for (let k = 0; k < st.m; k++) {
    if (!st.active[k]) continue;
    const loss = out[k]!;
    st.history[k]!.push(loss);
    st.epochsRun[k] = epoch + 1;
    if (!Number.isFinite(loss)) {
      st.active[k] = 0;
      continue;
    }
    if (loss < st.bestLoss[k]!) {
      st.bestLoss[k] = loss;
      st.bestEpoch[k] = epoch;
      st.best.set(st.params.subarray(k * stride, (k + 1) * stride), k * stride);
    }
    // Patience counts epochs whose relative improvement over the reference loss is below tolerance.
    const ref = st.refLoss[k]!;
    if (ref === Infinity || (ref - loss) / Math.abs(ref) >= job.tolerance) {
      st.refLoss[k] = Math.min(ref, loss);
      st.bad[k] = 0;
    } else if (++st.bad[k]! >= job.patience) st.active[k] = 0;
  }
  return out;
}

function shuffle(perm: Int32Array, rng: Rng): void {
  for (let i = perm.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = perm[i]!;
    perm[i] = perm[j]!;
    perm[j] = t;
  }
}

/**
 * Trains every model of a shard with early stopping on validation loss; calls `onEpoch` after
 * each epoch. Deterministic: the same job gives the same result on any thread.
 * @internal
 */
export function trainShard(job: KernelJob, onEpoch?: EpochCallback): KernelModelResult[] {
  const st = new ShardState(job, job.models.length);
  initialise(st);
  const perm = new Int32Array(job.n);
  for (let i = 0; i < job.n; i++) perm[i] = i;
  const bs = Math.max(1, Math.min(job.batchSize, job.n));
  const off = new Int32Array(bs);
  const labels = new Uint8Array(bs);
  const rng = createRng(job.seed, RNG_STREAM.shuffle);
  let t = 0;
  for (let epoch = 0; epoch < job.epochs && st.regroup(); epoch++) {
    shuffle(perm, rng);
    t = trainEpoch(st, perm, off, labels, t);
    const losses = validate(st, epoch);
    onEpoch?.(epoch, losses);
  }
  return job.models.map((_, k) => ({
    weights: st.best.slice(k * st.stride, k * st.stride + job.d),
    bias: st.best[k * st.stride + job.d]!,
    bestEpoch: st.bestEpoch[k]!,
    bestLoss: st.bestLoss[k]!,
    epochsRun: st.epochsRun[k]!,
    valLoss: st.history[k]!,
  }));
}
