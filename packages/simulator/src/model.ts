// Drawing rows: the hot path of the generator. The parameters come from components.ts.
import { buildComponentModel } from "./components.js";
import type { ComponentModel } from "./components.js";
import { FRAUD_SEPARABILITY, HARDNESS, ODD_SEPARABILITY } from "./hardness.js";
import { TIME_AMOUNT } from "./profile.js";
import type { Rng } from "./rng.js";

import { drawAmount } from "./amount.js";

export { TIME_MAX, TIME_SPAN, timeAt } from "./time.js";

/** The component model, derived from the profile. @internal */
export const MODEL: ComponentModel = buildComponentModel();

const N = MODEL.mean0.length;
const T0 = TIME_AMOUNT.time.class0;
const A0 = TIME_AMOUNT.amount.class0;
const ODD_CUT = Math.floor(HARDNESS.oddLegit * 4294967296);
const Z = new Float64Array(N);
const O = new Float64Array(N);

const L_A = MODEL.loadAmount;
const L_T = MODEL.loadTime;
const CUT16 = Uint32Array.from(MODEL.outlierCut, (c) => Math.round(c / 65536));
const CORE_M = MODEL.coreMean;
const CORE_S = MODEL.coreSd;
const OUT_M = MODEL.outMean;
const OUT_S = MODEL.outSd;
const MEAN0 = MODEL.mean0;
const SD0 = MODEL.sd0;
const C00 = MODEL.corr[0]!;
const C01 = MODEL.corr[1]!;
const C11 = MODEL.corr[3]!;

/** Writes a legitimate-looking V1..V28 vector L into `out[offset..offset+28)`. */
function legitVector(rng: Rng, amount: number, time: number, out: Float64Array, offset: number): void {
  const gA = (amount - A0.mean) / A0.std;
  const gT = (time - T0.mean) / T0.std;
  let p1 = 0;
  let p2 = 0;
  for (let j = 0; j < N; j += 2) {
    // One 32-bit draw gives the outlier coins of two components (16 bits each).
    const coins = rng.u32();
    const z0 = (coins & 0xffff) < CUT16[j]! ? OUT_M[j]! + OUT_S[j]! * rng.normal() : CORE_M[j]! + CORE_S[j]! * rng.normal();
    const z1 =
      coins >>> 16 < CUT16[j + 1]! ? OUT_M[j + 1]! + OUT_S[j + 1]! * rng.normal() : CORE_M[j + 1]! + CORE_S[j + 1]! * rng.normal();
    Z[j] = z0;
    Z[j + 1] = z1;
    p1 += L_A[j]! * z0 + L_A[j + 1]! * z1;
    p2 += L_T[j]! * z0 + L_T[j + 1]! * z1;
  }
  const c1 = C00 * p1 + C01 * p2;
  const c2 = C01 * p1 + C11 * p2;
  for (let j = 0; j < N; j++) {
    const x = Z[j]! - L_A[j]! * (c1 - gA) - L_T[j]! * (c2 - gT);
    out[offset + j] = MEAN0[j]! + SD0[j]! * x;
  }
}

/** Writes an overt-fraud vector O: one skewed severity factor shared by all columns, plus noise. */
function overtVector(rng: Rng, out: Float64Array): void {
  const m = MODEL;
  // Severity: standardised exponential (mean 0, sd 1, long tail towards "more fraud-like").
  const f = rng.exponential() - 1;
  for (let j = 0; j < N; j++) {
    const noise = rng.u32() < m.fraudWideCut[j]! ? m.fraudWideSd[j]! : m.fraudCoreSd[j]!;
    out[j] = m.fraudMean[j]! + m.fraudSd[j]! * (m.fraudLoad[j]! * f + m.fraudNoise[j]! * noise * rng.normal());
  }
}

/** Writes (1 − w)·L + w·O. */
function mixedVector(rng: Rng, w: number, amount: number, time: number, out: Float64Array, offset: number): void {
  legitVector(rng, amount, time, out, offset);
  if (w <= 0) return;
  overtVector(rng, O);
  for (let j = 0; j < N; j++) out[offset + j] = (1 - w) * out[offset + j]! + w * O[j]!;
}

/**
 * Draws one row of the given class at `time`: writes V1..V28 into `out[offset..offset+28)` and
 * returns the amount. Frauds get a separability from the continuum; a small share of legitimate
 * rows looks anomalous (mixed part of the way towards the fraud pattern, often with an amount
 * typical of fraud).
 * @internal
 */
export function drawRow(rng: Rng, fraud: boolean, time: number, out: Float64Array, offset: number): number {
  if (fraud) {
    const amount = drawAmount(rng, true);
    mixedVector(rng, FRAUD_SEPARABILITY.at(rng.uniform()), amount, time, out, offset);
    return amount;
  }
  if (rng.u32() >= ODD_CUT) {
    const amount = drawAmount(rng, false);
    legitVector(rng, amount, time, out, offset);
    return amount;
  }
  const amount = drawAmount(rng, rng.uniform() < HARDNESS.oddAmount);
  mixedVector(rng, ODD_SEPARABILITY.at(rng.uniform()), amount, time, out, offset);
  return amount;
}
