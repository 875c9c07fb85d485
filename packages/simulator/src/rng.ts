import { createRng } from "@fraud/contracts";
import type { Rng as Generator } from "@fraud/contracts";

const TWO32 = 4294967296;

/**
 * Seeded random source over `@fraud/contracts`' xoroshiro128+ with its `split` seeding (the same
 * seed gives the same numbers on any machine, and the same numbers pure-rand gave before the
 * generator moved): 53-bit seeds, independent streams of one seed 2^64 draws apart. Adds the few
 * distributions the generator needs.
 * @internal
 */
export class Rng {
  private readonly g: Generator;

  /**
   * @param seed - a non-negative safe integer.
   * @param stream - which of the seed's independent streams (0, 1, 2, …).
   */
  constructor(seed: number, stream = 0) {
    this.g = createRng(seed, stream, "split");
  }

  /** Uniform unsigned 32-bit integer. */
  u32(): number {
    return this.g.next() >>> 0;
  }

  /** Uniform in the open interval (0, 1), 32-bit resolution. */
  uniform(): number {
    return ((this.g.next() >>> 0) + 0.5) / TWO32;
  }

  /** Standard normal deviate (table-based inverse CDF with an exact tail). */
  normal(): number {
    const u = this.g.next() >>> 0;
    const idx = u >>> NORMAL_SHIFT;
    if (idx === 0 || idx === NORMAL_BUCKETS - 1) return inverseNormal((u + 0.5) / TWO32);
    const frac = (u & NORMAL_MASK) * NORMAL_FRAC;
    const lo = NORMAL_TABLE[idx] as number;
    return lo + frac * ((NORMAL_TABLE[idx + 1] as number) - lo);
  }

  /** Exponential deviate with mean 1. */
  exponential(): number {
    return -Math.log(this.uniform());
  }
}

/**
 * Inverse of the standard normal CDF (Acklam's rational approximation, relative error < 1.2e-9).
 * @internal
 */
export function inverseNormal(p: number): number {
  const a1 = -3.969683028665376e1,
    a2 = 2.209460984245205e2,
    a3 = -2.759285104469687e2,
    a4 = 1.38357751867269e2,
    a5 = -3.066479806614716e1,
    a6 = 2.506628277459239;
  const b1 = -5.447609879822406e1,
    b2 = 1.615858368580409e2,
    b3 = -1.556989798598866e2,
    b4 = 6.680131188771972e1,
    b5 = -1.328068155288572e1;
  const c1 = -7.784894002430293e-3,
    c2 = -3.223964580411365e-1,
    c3 = -2.400758277161838,
    c4 = -2.549732539343734,
    c5 = 4.374664141464968,
    c6 = 2.938163982698783;
  const d1 = 7.784695709041462e-3,
    d2 = 3.224671290700398e-1,
    d3 = 2.445134137142996,
    d4 = 3.754408661907416;
  const pLow = 0.02425;
  if (p < pLow) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c1 * q + c2) * q + c3) * q + c4) * q + c5) * q + c6) / ((((d1 * q + d2) * q + d3) * q + d4) * q + 1);
  }
  if (p > 1 - pLow) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return -(((((c1 * q + c2) * q + c3) * q + c4) * q + c5) * q + c6) / ((((d1 * q + d2) * q + d3) * q + d4) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a1 * r + a2) * r + a3) * r + a4) * r + a5) * r + a6) * q) /
    (((((b1 * r + b2) * r + b3) * r + b4) * r + b5) * r + 1)
  );
}

const NORMAL_BITS = 12;
const NORMAL_BUCKETS = 1 << NORMAL_BITS;
const NORMAL_SHIFT = 32 - NORMAL_BITS;
const NORMAL_MASK = (1 << NORMAL_SHIFT) - 1;
const NORMAL_FRAC = 1 / (1 << NORMAL_SHIFT);
const NORMAL_TABLE: Float64Array = (() => {
  const t = new Float64Array(NORMAL_BUCKETS + 1);
  for (let k = 1; k < NORMAL_BUCKETS; k++) t[k] = inverseNormal(k / NORMAL_BUCKETS);
  return t;
})();
