// The V1..V28 model: per-column parameters derived once, at module load, from the profile of the
// public file (profile.ts) and the difficulty shape (hardness.ts).
//
// Every row mixes two draws per column: a *legitimate-looking* vector L (heavy-tailed components
// tied to Amount and Time, as in the public file) and an *overt-fraud* vector O (the fraud pattern,
// with a shared severity factor), as V = (1 − w)·L + w·O. The weight w is a row's separability:
// 0 for ordinary legitimate rows, drawn from a continuum for frauds and for the few legitimate rows
// that look anomalous. The means and spreads of L and O are solved so that each class as a whole
// keeps the profile's mean and standard deviation per column.
import { DEFAULT_FRAUD_RATE } from "./columns.js";
import { FRAUD_SEPARABILITY, HARDNESS, ODD_SEPARABILITY } from "./hardness.js";
import type { Separability } from "./hardness.js";
import { COMPONENTS } from "./profile.js";
import type { ComponentProfile } from "./profile.js";

const N = COMPONENTS.length;

/** Per-column parameters of the V model (arrays of length 28). @internal */
export interface ComponentModel {
  /** Mean and standard deviation of the legitimate-looking draw L. */
  mean0: Float64Array;
  sd0: Float64Array;
  /** Loadings of L on standardised Amount and Time. */
  loadAmount: Float64Array;
  loadTime: Float64Array;
  /** 2×2 matrix of the rank-2 covariance correction (row-major). */
  corr: Float64Array;
  /** Heavy-tailed core mixture of L: outlier probability (as a u32 threshold), core and outlier means and spreads. */
  outlierCut: Float64Array;
  coreSd: Float64Array;
  coreMean: Float64Array;
  outMean: Float64Array;
  outSd: Float64Array;
  /** Mean, spread, severity loading and noise weight of the overt-fraud draw O. */
  fraudMean: Float64Array;
  fraudSd: Float64Array;
  fraudLoad: Float64Array;
  fraudNoise: Float64Array;
  /** Heavy-tailed noise of O: wide-draw probability (as a u32 threshold), core and wide spreads. */
  fraudWideCut: Float64Array;
  fraudCoreSd: Float64Array;
  fraudWideSd: Float64Array;
}

interface ColumnMoments {
  mean0: number;
  sd0: number;
  fraudMean: number;
  fraudSd: number;
}

/**
 * Solves the means and variances of L and O for one column so that the legitimate class (ordinary
 * rows plus the anomalous share mixed with weight w ~ `odd`) and the fraud class (w ~ `fraud`)
 * have the profile's moments. Both equations are linear in the two variances once the means are set.
 * @internal
 */
export function solveColumn(c: ComponentProfile, fraud: Separability, odd: Separability, oddShare: number): ColumnMoments {
  const r = DEFAULT_FRAUD_RATE;
  const gap = c.mean1 - c.mean0;
  // Legitimate variance: overall variance minus the fraud share (law of total variance).
  const var0 = Math.max((c.std * c.std - r * c.std1 * c.std1 - r * (1 - r) * gap * gap) / (1 - r), 0.05 * c.std * c.std);
  const var1 = c.std1 * c.std1;
  const p = oddShare;
  // Means: mean1 = m0 + E1[w]·D and mean0 = m0 + p·E0[w]·D, with D = mean(O) − m0.
  const d = gap / (fraud.m1 - p * odd.m1);
  const m0 = c.mean0 - p * odd.m1 * d;
  // Variances a = var(L), b = var(O):
  //   var1 = E1[(1−w)²]·a + E1[w²]·b + Var1(w)·D²
  //   var0 = (1 − p + p·E0[(1−w)²])·a + p·E0[w²]·b + (p·E0[w²] − p²·E0[w]²)·D²
  const a11 = 1 - 2 * fraud.m1 + fraud.m2;
  const a12 = fraud.m2;
  const y1 = var1 - (fraud.m2 - fraud.m1 * fraud.m1) * d * d;
  const a21 = 1 - p + p * (1 - 2 * odd.m1 + odd.m2);
  const a22 = p * odd.m2;
  const y2 = var0 - (p * odd.m2 - p * p * odd.m1 * odd.m1) * d * d;
  const det = a11 * a22 - a12 * a21;
  let a = (y1 * a22 - a12 * y2) / det;
  let b = (a11 * y2 - a21 * y1) / det;
  const floorB = (0.15 * c.std1) ** 2;
  if (!(b >= floorB) || !(a > 0)) {
    // The fraud spread cannot be met exactly: keep the legitimate class right, O at its floor.
    b = Math.max(floorB, (y1 - a11 * var0) / a12);
    a = Math.max((y2 - a22 * b) / a21, 0.01 * c.std * c.std);
  }
  return { mean0: m0, sd0: Math.sqrt(a), fraudMean: m0 + d, fraudSd: Math.sqrt(b) };
}

/** Loadings on Amount and Time, scaled so that I − a·aᵀ − t·tᵀ stays positive definite. */
function loadings(m: ComponentModel): { saa: number; stt: number; sat: number } {
  for (let j = 0; j < N; j++) {
    const c = COMPONENTS[j]!;
    m.loadAmount[j] = c.corrAmount * (c.std / m.sd0[j]!);
    m.loadTime[j] = c.corrTime * (c.std / m.sd0[j]!);
  }
  let saa = 0;
  let stt = 0;
  let sat = 0;
  for (let j = 0; j < N; j++) {
    saa += m.loadAmount[j]! ** 2;
    stt += m.loadTime[j]! ** 2;
    sat += m.loadAmount[j]! * m.loadTime[j]!;
  }
  const lmax = (saa + stt) / 2 + Math.sqrt(((saa - stt) / 2) ** 2 + sat * sat);
  if (lmax > 0.95) {
    const f = Math.sqrt(0.95 / lmax);
    for (let j = 0; j < N; j++) {
      m.loadAmount[j]! *= f;
      m.loadTime[j]! *= f;
    }
    return { saa: saa * f * f, stt: stt * f * f, sat: sat * f * f };
  }
  return { saa, stt, sat };
}

/** M = Q·diag((1 − √(1 − λ)) / λ)·Qᵀ for G = [[saa, sat], [sat, stt]]: the rank-2 correction. */
function correction(m: ComponentModel, { saa, stt, sat }: { saa: number; stt: number; sat: number }): void {
  const tr = saa + stt;
  const det = saa * stt - sat * sat;
  const disc = Math.sqrt(Math.max(0, (tr * tr) / 4 - det));
  const l1 = tr / 2 + disc;
  const l2 = tr / 2 - disc;
  const mu = (l: number): number => (l > 1e-12 ? (1 - Math.sqrt(1 - l)) / l : 0.5);
  let v1x: number;
  let v1y: number;
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
  const v2x = -v1y;
  const v2y = v1x;
  const m1 = mu(l1);
  const m2 = mu(l2);
  m.corr[0] = m1 * v1x * v1x + m2 * v2x * v2x;
  m.corr[1] = m1 * v1x * v1y + m2 * v2x * v2y;
  m.corr[2] = m.corr[1]!;
  m.corr[3] = m1 * v1y * v1y + m2 * v2y * v2y;
}

/**
 * Heavy tails of L: a unit-variance two-component mixture per column, a core whose spread matches
 * the profile's interquartile range and rare wide outliers skewed like the column.
 */
function tails(m: ComponentModel, j: number): void {
  const c = COMPONENTS[j]!;
  const a = m.loadAmount[j]!;
  const t = m.loadTime[j]!;
  const sCore = (c.p75 - c.p25) / 1.349 / m.sd0[j]!;
  const rest = 1 - a * a - t * t;
  const sc2 = Math.min(0.97, Math.max(0.04, (sCore * sCore - t * t - 0.045 * a * a) / rest));
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
}

/**
 * Heavy tails of O's noise where the profile gives the fraud quartiles: most frauds are spread as
 * the interquartile range says, a few far wider (the public file's fraud columns have standard
 * deviations up to five times what their quartiles imply). A unit-variance scale mixture.
 */
function fraudTails(m: ComponentModel, j: number): void {
  const c = COMPONENTS[j]!;
  const q = HARDNESS.fraudWide;
  const ratio = c.p25Fraud === null || c.p75Fraud === null ? 1 : (c.p75Fraud - c.p25Fraud) / 1.349 / c.std1;
  const core = Math.min(1, Math.max(HARDNESS.fraudCoreMin, ratio));
  m.fraudWideCut[j] = core < 1 ? Math.floor(q * 4294967296) : 0;
  m.fraudCoreSd[j] = core;
  m.fraudWideSd[j] = Math.sqrt((1 - (1 - q) * core * core) / q);
}

/** Builds the component model from the profile and the difficulty shape. @internal */
export function buildComponentModel(): ComponentModel {
  const arr = (): Float64Array => new Float64Array(N);
  const m: ComponentModel = {
    mean0: arr(), sd0: arr(), loadAmount: arr(), loadTime: arr(), corr: new Float64Array(4),
    outlierCut: arr(), coreSd: arr(), coreMean: arr(), outMean: arr(), outSd: arr(),
    fraudMean: arr(), fraudSd: arr(), fraudLoad: arr(), fraudNoise: arr(),
    fraudWideCut: arr(), fraudCoreSd: arr(), fraudWideSd: arr(),
  };
  for (let j = 0; j < N; j++) {
    const c = COMPONENTS[j]!;
    const s = solveColumn(c, FRAUD_SEPARABILITY, ODD_SEPARABILITY, HARDNESS.oddLegit);
    m.mean0[j] = s.mean0;
    m.sd0[j] = s.sd0;
    m.fraudMean[j] = s.fraudMean;
    m.fraudSd[j] = s.fraudSd;
    // Strongly separating columns share more of the severity factor (strong within-class correlation).
    const strength = Math.abs(c.mean1 - c.mean0) / c.std;
    const load = strength > 3 ? HARDNESS.loadStrong : strength > 1 ? HARDNESS.loadModerate : HARDNESS.loadWeak;
    m.fraudLoad[j] = Math.sign(c.mean1 - c.mean0 || 1) * load;
    m.fraudNoise[j] = Math.sqrt(1 - load * load);
    fraudTails(m, j);
  }
  correction(m, loadings(m));
  for (let j = 0; j < N; j++) tails(m, j);
  return m;
}
