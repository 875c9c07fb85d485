// The training hot loop. `trainShard` must stay self-contained (no imports, no outside helpers):
// its source text is also run inside worker threads.

/** Per-model settings of the parallel-model grid. @internal */
export interface KernelModel {
  lr: number;
  l1: number;
  wd: number;
  posWeight: number;
  seed: number;
}

/** One shard of models trained over the same mini-batches. @internal */
export interface KernelJob {
  x: Float32Array;
  y: Uint8Array;
  n: number;
  d: number;
  vx: Float32Array;
  vy: Uint8Array;
  vn: number;
  models: KernelModel[];
  epochs: number;
  batchSize: number;
  seed: number;
  patience: number;
  tolerance: number;
  optimizer: number; // 0 adam, 1 sgd, 2 rmsprop
  beta1: number;
  beta2: number;
  momentum: number;
  biasLrMult: number;
  biasWdMult: number;
  useBias: boolean;
  useScheduler: boolean;
  schedStep: number;
  schedFactor: number;
  schedMin: number;
  initNormal: boolean;
  initScale: number;
  initSigma: number;
  initBias: number;
}

/** Result for one model of a shard. @internal */
export interface KernelModelResult {
  weights: Float64Array;
  bias: number;
  bestEpoch: number;
  bestLoss: number;
  epochsRun: number;
  valLoss: number[];
}

/** Trains every model of a shard; calls `onEpoch` after each epoch. @internal */
export function trainShard(job: KernelJob, onEpoch?: (epoch: number, valLoss: number[]) => void): KernelModelResult[] {
  const mulberry = (seed: number): (() => number) => {
    let s = (Math.trunc(seed) ^ 0x9e3779b9) >>> 0;
    s = Math.imul(s ^ (s >>> 16), 0x85ebca6b) >>> 0;
    s = Math.imul(s ^ (s >>> 13), 0xc2b2ae35) >>> 0;
    s = (s ^ (s >>> 16)) >>> 0;
    return () => {
      s = (s + 0x6d2b79f5) >>> 0;
      let t = s;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  };
  const softplus = (z: number): number => (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)));
  const { x, y, n, d, vx, vy, vn, models } = job;
  const M = models.length;
  const W = new Float64Array(M * d);
  const B = new Float64Array(M);
  const m1 = new Float64Array(M * (d + 1));
  const m2 = new Float64Array(M * (d + 1));
  const bestW = new Float64Array(M * d);
  const bestB = new Float64Array(M);
  const bestLoss = new Float64Array(M).fill(Infinity);
  const refLoss = new Float64Array(M).fill(Infinity);
  const bestEpoch = new Int32Array(M).fill(-1);
  const bad = new Int32Array(M);
  const epochsRun = new Int32Array(M);
  const active = new Uint8Array(M).fill(1);
  const valHist: number[][] = models.map(() => []);
  for (let k = 0; k < M; k++) {
    const r = mulberry(models[k]!.seed);
    for (let j = 0; j < d; j++) {
      if (job.initNormal) {
        const u = Math.max(r(), 1e-12);
        W[k * d + j] = job.initSigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
      } else W[k * d + j] = (r() * 2 - 1) * job.initScale;
    }
    B[k] = job.useBias ? job.initBias : 0;
  }
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  const bs = Math.min(job.batchSize, n);
  const bx = new Float64Array(bs * d);
  const by = new Uint8Array(bs);
  const G = new Float64Array(d + 1);
  const eps = 1e-8;
  let t = 0;
  for (let epoch = 0; epoch < job.epochs; epoch++) {
    let anyActive = false;
    for (let k = 0; k < M; k++) if (active[k]) anyActive = true;
    if (!anyActive) break;
    const rng = mulberry(job.seed * 1000003 + epoch);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      const tmp = perm[i]!;
      perm[i] = perm[j]!;
      perm[j] = tmp;
    }
    for (let start = 0; start < n; start += bs) {
      const end = Math.min(n, start + bs);
      const size = end - start;
      for (let r = 0; r < size; r++) {
        const i = perm[start + r]!;
        by[r] = y[i]!;
        const xo = i * d;
        const bo = r * d;
        for (let j = 0; j < d; j++) bx[bo + j] = x[xo + j]!;
      }
      t++;
      for (let k = 0; k < M; k++) {
        if (!active[k]) continue;
        const mk = models[k]!;
        const wo = k * d;
        G.fill(0);
        const b = B[k]!;
        for (let r = 0; r < size; r++) {
          const bo = r * d;
          let z = b;
          for (let j = 0; j < d; j++) z += W[wo + j]! * bx[bo + j]!;
          const yi = by[r]!;
          const wgt = yi === 1 ? mk.posWeight : 1;
          const e = Math.exp(z >= 0 ? -z : z);
          const p = z >= 0 ? 1 / (1 + e) : e / (1 + e);
          const g = wgt * (p - yi);
          for (let j = 0; j < d; j++) G[j] = G[j]! + g * bx[bo + j]!;
          G[d] = G[d]! + g;
        }
        const inv = 1 / size;
        let lr = mk.lr;
        if (job.useScheduler) lr = Math.max(job.schedMin, mk.lr * Math.pow(job.schedFactor, Math.floor(t / job.schedStep)));
        const oo = k * (d + 1);
        for (let j = 0; j <= d; j++) {
          const isBias = j === d;
          if (isBias && !job.useBias) continue;
          const wv = isBias ? B[k]! : W[wo + j]!;
          const gj = G[j]! * inv + mk.wd * (isBias ? job.biasWdMult : 1) * wv;
          const stepLr = isBias ? lr * job.biasLrMult : lr;
          let delta: number;
          if (job.optimizer === 0) {
            const a = (m1[oo + j] = job.beta1 * m1[oo + j]! + (1 - job.beta1) * gj);
            const v = (m2[oo + j] = job.beta2 * m2[oo + j]! + (1 - job.beta2) * gj * gj);
            const ah = a / (1 - Math.pow(job.beta1, t));
            const vh = v / (1 - Math.pow(job.beta2, t));
            delta = (stepLr * ah) / (Math.sqrt(vh) + eps);
          } else if (job.optimizer === 1) {
            const a = (m1[oo + j] = job.momentum * m1[oo + j]! + gj);
            delta = stepLr * a;
          } else {
            const v = (m2[oo + j] = 0.9 * m2[oo + j]! + 0.1 * gj * gj);
            delta = (stepLr * gj) / (Math.sqrt(v) + eps);
          }
          let nv = wv - delta;
          if (!isBias && mk.l1 > 0) {
            const thr = stepLr * mk.l1;
            nv = nv > thr ? nv - thr : nv < -thr ? nv + thr : 0;
          }
          if (isBias) B[k] = nv;
          else W[wo + j] = nv;
        }
      }
    }
    const epochLoss: number[] = [];
    for (let k = 0; k < M; k++) {
      if (!active[k]) {
        epochLoss.push(NaN);
        continue;
      }
      const mk = models[k]!;
      const wo = k * d;
      let sum = 0;
      for (let i = 0; i < vn; i++) {
        const xo = i * d;
        let z = B[k]!;
        for (let j = 0; j < d; j++) z += W[wo + j]! * vx[xo + j]!;
        const yi = vy[i]!;
        sum += (yi === 1 ? mk.posWeight : 1) * softplus(yi === 1 ? -z : z);
      }
      const loss = sum / vn;
      epochLoss.push(loss);
      valHist[k]!.push(loss);
      epochsRun[k] = epoch + 1;
      if (!Number.isFinite(loss)) {
        active[k] = 0;
        continue;
      }
      if (loss < bestLoss[k]!) {
        bestLoss[k] = loss;
        bestEpoch[k] = epoch;
        bestB[k] = B[k]!;
        for (let j = 0; j < d; j++) bestW[wo + j] = W[wo + j]!;
      }
      // Patience counts epochs whose relative improvement over the reference loss is below tolerance.
      if (refLoss[k] === Infinity || (refLoss[k]! - loss) / Math.abs(refLoss[k]!) >= job.tolerance) {
        refLoss[k] = Math.min(refLoss[k]!, loss);
        bad[k] = 0;
      } else if (++bad[k]! >= job.patience) active[k] = 0;
    }
    if (onEpoch) onEpoch(epoch, epochLoss);
  }
  const out: KernelModelResult[] = [];
  for (let k = 0; k < M; k++) {
    out.push({
      weights: bestW.slice(k * d, (k + 1) * d),
      bias: bestB[k]!,
      bestEpoch: bestEpoch[k]!,
      bestLoss: bestLoss[k]!,
      epochsRun: epochsRun[k]!,
      valLoss: valHist[k]!,
    });
  }
  return out;
}
