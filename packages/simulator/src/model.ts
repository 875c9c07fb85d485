// The statistical model behind the generator. Every figure is derived once, at module load, from
// the profile of the public file (profile.ts) plus a handful of documented shape constants.
import { COMPONENTS, PROFILE_FRAUDS, PROFILE_ROWS, TIME_AMOUNT } from "./profile.js";
import type { Rng } from "./rng.js";

/** Default fraud rate: 492 / 284,807, as in the public file. @internal */
export const DEFAULT_FRAUD_RATE = PROFILE_FRAUDS / PROFILE_ROWS;
/** Time span of the public file in seconds (two days). @internal */
export const TIME_SPAN = 172_800;
/** Largest Time in the public file. @internal */
export const TIME_MAX = 172_792;

/** Shape constants of the hardness model (see the README, "The model"). @internal */
export const HARDNESS = {
  /** Share of frauds drawn from the legitimate distribution, nudged only slightly towards fraud. */
  camouflage: 0.3,
  /** Largest nudge of a camouflaged fraud, as a share of the fraud-vs-legitimate mean gap. */
  camouflageShift: 0.3,
  /** Share of legitimate rows that drift part of the way towards the fraud profile. */
  oddLegit: 0.003,
  /** Largest drift of such an odd legitimate row, as a share of the mean gap. */
  oddShift: 0.45,
} as const;

// ---------------------------------------------------------------- Amount
// Quantile functions: knots (u, amount) interpolated linearly in log1p(amount). Knots at the
// profile's quartiles, median and maximum; the upper-tail knots are fitted so that the mean and
// standard deviation match the profile (mean 88.29 / sd 250.1 legit, 122.2 / 256.7 fraud).
type Knots = readonly (readonly [number, number])[];
const AMOUNT_KNOTS_0: Knots = [
  [0, 0],
  [0.005, 0],
  [0.01, 0.5],
  [0.1, 1.5],
  [0.25, 5.65],
  [0.5, 22],
  [0.75, 77.05],
  [0.9, 190],
  [0.95, 340],
  [0.99, 900],
  [0.999, 2100],
  [0.9999, 4000],
  [1, 25691.16],
];
const AMOUNT_KNOTS_1: Knots = [
  [0, 0],
  [0.05, 0],
  [0.05, 0.5],
  [0.12, 0.9],
  [0.12, 1],
  [0.3, 1],
  [0.3, 1.1],
  [0.5, 9.25],
  [0.75, 105.89],
  [0.86, 250],
  [0.93, 520],
  [0.97, 800],
  [0.99, 1350],
  [1, 2125.87],
];

/** Tabulated quantile function for fast inversion. @internal */
export class QuantileTable {
  private readonly table: Float64Array;
  private readonly size: number;
  constructor(knots: Knots, size = 1 << 14, transform: "log1p" | "linear" = "log1p") {
    this.size = size;
    this.table = new Float64Array(size + 1);
    let k = 0;
    for (let i = 0; i <= size; i++) {
      const u = i / size;
      while (k < knots.length - 2 && u > (knots[k + 1] as readonly [number, number])[0]) k++;
      const [u0, a0] = knots[k] as readonly [number, number];
      const [u1, a1] = knots[k + 1] as readonly [number, number];
      const w = u1 > u0 ? (u - u0) / (u1 - u0) : 1;
      this.table[i] =
        transform === "log1p" ? Math.log1p(a0) + w * (Math.log1p(a1) - Math.log1p(a0)) : a0 + w * (a1 - a0);
    }
  }
  /** Interpolated table value at u in (0, 1). */
  at(u: number): number {
    const x = u * this.size;
    const i = Math.floor(x);
    const lo = this.table[i] as number;
    return lo + (x - i) * ((this.table[i + 1] as number) - lo);
  }
}

const AMOUNT_0 = new QuantileTable(AMOUNT_KNOTS_0);
const AMOUNT_1 = new QuantileTable(AMOUNT_KNOTS_1);

/** Draws an amount in euros, rounded to cents. @internal */
export function drawAmount(rng: Rng, fraud: boolean): number {
  const a = Math.expm1((fraud ? AMOUNT_1 : AMOUNT_0).at(rng.uniform()));
  return Math.round(a * 100) / 100;
}

// ---------------------------------------------------------------- Time
// Volume per hour of day (index 0 = midnight, 1 = the peak), a night trough from 01:00 to 07:00.
const HOURLY = [
  0.45, 0.25, 0.2, 0.2, 0.13, 0.17, 0.25, 0.42, 0.6, 0.93, 0.98, 1.0, 0.97, 0.95, 0.95, 0.96, 0.97, 0.98, 1.0, 0.98,
  0.93, 0.98, 0.88, 0.65,
];
/** Legitimate volume on day 2 relative to day 1, and fraud's (flatter rhythm, earlier). */
const DAY2_LEGIT = 0.97;
const DAY2_FRAUD = 0.72;
/** Fraud volume: this share is flat over the day, the rest follows the legitimate rhythm. */
const FRAUD_FLAT = 0.65;

function hourlyCdf(day2: number, flat: number): Float64Array {
  const mean = HOURLY.reduce((a, b) => a + b, 0) / 24;
  const w: number[] = [];
  for (let d = 0; d < 2; d++) for (const h of HOURLY) w.push((((1 - flat) * h) / mean + flat) * (d === 0 ? 1 : day2));
  const cdf = new Float64Array(49);
  for (let i = 0; i < 48; i++) cdf[i + 1] = (cdf[i] as number) + (w[i] as number);
  const total = cdf[48] as number;
  for (let i = 0; i <= 48; i++) cdf[i] = (cdf[i] as number) / total;
  return cdf;
}
const TIME_CDF_0 = hourlyCdf(DAY2_LEGIT, 0);
const TIME_CDF_1 = hourlyCdf(DAY2_FRAUD, FRAUD_FLAT);

/** Time (integer seconds in 0..172792) at quantile u of the class's time distribution. @internal */
export function timeAt(u: number, fraud: boolean): number {
  const cdf = fraud ? TIME_CDF_1 : TIME_CDF_0;
  let lo = 0;
  let hi = 48;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if ((cdf[mid] as number) <= u) lo = mid;
    else hi = mid;
  }
  const c0 = cdf[lo] as number;
  const t = (lo + (u - c0) / ((cdf[lo + 1] as number) - c0)) * 3600;
  return Math.min(TIME_MAX, Math.floor(t));
}

// ---------------------------------------------------------------- V1..V28
const N = COMPONENTS.length;
const R0 = DEFAULT_FRAUD_RATE;
const T0 = TIME_AMOUNT.time.class0;
const A0 = TIME_AMOUNT.amount.class0;

/** Per-component parameters (arrays of length 28). @internal */
export interface ComponentModel {
  /** Legitimate mean and standard deviation. */
  mean0: Float64Array;
  sd0: Float64Array;
  /** Loadings on standardised Amount and Time (legitimate rows). */
  loadAmount: Float64Array;
  loadTime: Float64Array;
  /** 2x2 matrix of the covariance correction (row-major). */
  corr: Float64Array;
  /** Heavy-tailed core mixture: outlier probability (as u32 threshold), core sd, core/outlier means, outlier sd. */
  outlierCut: Float64Array;
  coreSd: Float64Array;
  coreMean: Float64Array;
  outMean: Float64Array;
  outSd: Float64Array;
  /** Fraud direction (mean gap) in raw units. */
  gap: Float64Array;
  /** Overt-fraud mean, sd and loading on the fraud severity factor. */
  fraudMean: Float64Array;
  fraudSd: Float64Array;
  fraudLoad: Float64Array;
  fraudNoise: Float64Array;
}

function build(): ComponentModel {
  const m: ComponentModel = {
    mean0: new Float64Array(N),
    sd0: new Float64Array(N),
    loadAmount: new Float64Array(N),
    loadTime: new Float64Array(N),
    corr: new Float64Array(4),
    outlierCut: new Float64Array(N),
    coreSd: new Float64Array(N),
    coreMean: new Float64Array(N),
    outMean: new Float64Array(N),
    outSd: new Float64Array(N),
    gap: new Float64Array(N),
    fraudMean: new Float64Array(N),
    fraudSd: new Float64Array(N),
    fraudLoad: new Float64Array(N),
    fraudNoise: new Float64Array(N),
  };
  const { camouflage: q, camouflageShift: cs, oddLegit, oddShift } = HARDNESS;
  for (let j = 0; j < N; j++) {
    const c = COMPONENTS[j]!;
    const gap = c.mean1 - c.mean0;
    // Legitimate variance: overall variance minus the fraud share (law of total variance).
    const var0 = (c.std * c.std - R0 * c.std1 * c.std1 - R0 * (1 - R0) * gap * gap) / (1 - R0);
    // Odd legitimate rows add oddLegit * E[s^2] * gap^2 (s uniform on [0, oddShift]).
    const oddVar = oddLegit * ((oddShift * oddShift) / 3) * gap * gap;
    const sd0 = Math.sqrt(Math.max(var0 - oddVar, 0.01 * c.std * c.std));
    m.sd0[j] = sd0;
    m.mean0[j] = c.mean0 - oddLegit * (oddShift / 2) * gap;
    m.gap[j] = gap;
    m.loadAmount[j] = c.corrAmount * (c.std / sd0);
    m.loadTime[j] = c.corrTime * (c.std / sd0);
  }
  // Keep I - a a' - t t' positive definite.
  let saa = 0,
    stt = 0,
    sat = 0;
  for (let j = 0; j < N; j++) {
    saa += m.loadAmount[j]! ** 2;
    stt += m.loadTime[j]! ** 2;
    sat += m.loadAmount[j]! * m.loadTime[j]!;
  }
  let lmax = (saa + stt) / 2 + Math.sqrt(((saa - stt) / 2) ** 2 + sat * sat);
  if (lmax > 0.95) {
    const f = Math.sqrt(0.95 / lmax);
    for (let j = 0; j < N; j++) {
      m.loadAmount[j]! *= f;
      m.loadTime[j]! *= f;
    }
    saa *= f * f;
    stt *= f * f;
    sat *= f * f;
    lmax = 0.95;
  }
  // M = Q diag((1 - sqrt(1 - l)) / l) Q' for G = [[saa, sat], [sat, stt]].
  const tr = saa + stt;
  const det = saa * stt - sat * sat;
  const disc = Math.sqrt(Math.max(0, (tr * tr) / 4 - det));
  const l1 = tr / 2 + disc;
  const l2 = tr / 2 - disc;
  const mu = (l: number): number => (l > 1e-12 ? (1 - Math.sqrt(1 - l)) / l : 0.5);
  let v1x: number, v1y: number;
  if (Math.abs(sat) > 1e-15) {
    v1x = l1 - stt;
    v1y = sat;
  } else if (saa >= stt) {
    v1x = 1;
    v1y = 0;
  } else {
    v1x = 0;
    v1y = 1;
  }
  const norm = Math.hypot(v1x, v1y);
  v1x /= norm;
  v1y /= norm;
  const v2x = -v1y,
    v2y = v1x;
  const m1 = mu(l1),
    m2 = mu(l2);
  m.corr[0] = m1 * v1x * v1x + m2 * v2x * v2x;
  m.corr[1] = m1 * v1x * v1y + m2 * v2x * v2y;
  m.corr[2] = m.corr[1]!;
  m.corr[3] = m1 * v1y * v1y + m2 * v2y * v2y;

  for (let j = 0; j < N; j++) {
    const c = COMPONENTS[j]!;
    const a = m.loadAmount[j]!,
      t = m.loadTime[j]!;
    const sd0 = m.sd0[j]!;
    // Core spread from the interquartile range; the rest of the variance goes to rare outliers.
    const sCore = (c.p75 - c.p25) / 1.349 / sd0;
    const rest = 1 - a * a - t * t;
    let sc2 = (sCore * sCore - t * t - 0.045 * a * a) / rest;
    sc2 = Math.min(0.97, Math.max(0.04, sc2));
    const p = c.excessKurtosis > 100 ? 0.01 : c.excessKurtosis > 20 ? 0.02 : 0.05;
    let mo = Math.sign(c.skewness) * Math.min(3, Math.abs(c.skewness));
    let mc = (-p * mo) / (1 - p);
    let so2 = (1 - (1 - p) * (sc2 + mc * mc) - p * mo * mo) / p;
    if (so2 < sc2) {
      mo = 0;
      mc = 0;
      so2 = (1 - (1 - p) * sc2) / p;
    }
    m.outlierCut[j] = Math.floor(p * 4294967296);
    m.coreSd[j] = Math.sqrt(sc2);
    m.coreMean[j] = mc;
    m.outMean[j] = mo;
    m.outSd[j] = Math.sqrt(so2);

    // Fraud: a camouflaged share (legitimate draw nudged by s * gap, s ~ U(0, cs)) and an overt share.
    const gap = m.gap[j]!;
    const mC = c.mean0 + (cs / 2) * gap;
    const varC = c.std * c.std + ((cs * cs) / 12) * gap * gap;
    const muR = (c.mean1 - q * mC) / (1 - q);
    let sr2 = (c.std1 * c.std1 - q * varC - q * (1 - q) * (muR - mC) ** 2) / (1 - q);
    sr2 = Math.max(sr2, (0.15 * c.std1) ** 2);
    m.fraudMean[j] = muR;
    m.fraudSd[j] = Math.sqrt(sr2);
    const strength = Math.abs(gap) / c.std;
    const load = strength > 3 ? 0.85 : strength > 1 ? 0.6 : 0.2;
    m.fraudLoad[j] = Math.sign(gap || 1) * load;
    m.fraudNoise[j] = Math.sqrt(1 - load * load);
  }
  return m;
}

/** The component model, derived from the profile. @internal */
export const MODEL: ComponentModel = build();

const CAMO_CUT = Math.floor(HARDNESS.camouflage * 4294967296);
const ODD_CUT = Math.floor(HARDNESS.oddLegit * 4294967296);
const Z = new Float64Array(N);

/**
 * Writes one legitimate-looking V1..V28 vector into `out[offset..offset+28)`. `nudge` shifts it
 * by `nudge * gap` towards the fraud profile.
 */
const L_A = MODEL.loadAmount;
const L_T = MODEL.loadTime;
const CUT16 = Uint32Array.from(MODEL.outlierCut, (c) => Math.round(c / 65536));
const CORE_M = MODEL.coreMean;
const CORE_S = MODEL.coreSd;
const OUT_M = MODEL.outMean;
const OUT_S = MODEL.outSd;
const MEAN0 = MODEL.mean0;
const SD0 = MODEL.sd0;
const GAP = MODEL.gap;
const C00 = MODEL.corr[0]!;
const C01 = MODEL.corr[1]!;
const C11 = MODEL.corr[3]!;

function legitComponents(rng: Rng, amount: number, time: number, nudge: number, out: Float64Array, offset: number): void {
  const gA = (amount - A0.mean) / A0.std;
  const gT = (time - T0.mean) / T0.std;
  let p1 = 0,
    p2 = 0;
  for (let j = 0; j < N; j += 2) {
    // One 32-bit draw gives the outlier coins of two components (16 bits each).
    const coins = rng.u32();
    const z0 =
      (coins & 0xffff) < CUT16[j]! ? OUT_M[j]! + OUT_S[j]! * rng.normal() : CORE_M[j]! + CORE_S[j]! * rng.normal();
    const z1 =
      coins >>> 16 < CUT16[j + 1]!
        ? OUT_M[j + 1]! + OUT_S[j + 1]! * rng.normal()
        : CORE_M[j + 1]! + CORE_S[j + 1]! * rng.normal();
    Z[j] = z0;
    Z[j + 1] = z1;
    p1 += L_A[j]! * z0 + L_A[j + 1]! * z1;
    p2 += L_T[j]! * z0 + L_T[j + 1]! * z1;
  }
  const c1 = C00 * p1 + C01 * p2;
  const c2 = C01 * p1 + C11 * p2;
  for (let j = 0; j < N; j++) {
    const la = L_A[j]!,
      lt = L_T[j]!;
    const x = Z[j]! - la * (c1 - gA) - lt * (c2 - gT);
    out[offset + j] = MEAN0[j]! + SD0[j]! * x + nudge * GAP[j]!;
  }
}

/** Writes V1..V28 of a legitimate row. @internal */
export function drawLegit(rng: Rng, amount: number, time: number, out: Float64Array, offset: number): void {
  const nudge = rng.u32() < ODD_CUT ? rng.uniform() * HARDNESS.oddShift : 0;
  legitComponents(rng, amount, time, nudge, out, offset);
}

/** Writes V1..V28 of a fraud row. @internal */
export function drawFraud(rng: Rng, amount: number, time: number, out: Float64Array, offset: number): void {
  if (rng.u32() < CAMO_CUT) {
    legitComponents(rng, amount, time, rng.uniform() * HARDNESS.camouflageShift, out, offset);
    return;
  }
  const m = MODEL;
  // Severity: standardised exponential (mean 0, sd 1, long tail towards "more fraud-like").
  const f = rng.exponential() - 1;
  for (let j = 0; j < N; j++) {
    out[offset + j] = m.fraudMean[j]! + m.fraudSd[j]! * (m.fraudLoad[j]! * f + m.fraudNoise[j]! * rng.normal());
  }
}
