// Time of day: an hourly volume curve over the two days of the public file.

/** Time span of the public file in seconds (two days). @internal */
export const TIME_SPAN = 172_800;
/** Largest Time in the public file. @internal */
export const TIME_MAX = 172_792;

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

