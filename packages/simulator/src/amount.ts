// Amounts per class: a tabulated quantile function interpolated in log1p space.
import type { Rng } from "./rng.js";

// Quantile functions: knots (u, amount) interpolated linearly in log1p(amount). Knots at the
// profile's quartiles, median and maximum; the upper-tail knots are fitted so that the mean and
// standard deviation match the profile (mean 88.29 / sd 250.1 legit, 122.2 / 256.7 fraud).
/** Knots `(u, value)` of a piecewise-linear quantile function. @internal */
export type Knots = readonly (readonly [number, number])[];
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

// Tabulated on first use: a program that only reads files (a reader's worker thread) never pays for them.
let AMOUNT_0: QuantileTable | undefined;
let AMOUNT_1: QuantileTable | undefined;

/** Draws an amount in euros, rounded to cents. @internal */
export function drawAmount(rng: Rng, fraud: boolean): number {
  const table = fraud ? (AMOUNT_1 ??= new QuantileTable(AMOUNT_KNOTS_1)) : (AMOUNT_0 ??= new QuantileTable(AMOUNT_KNOTS_0));
  const a = Math.expm1(table.at(rng.uniform()));
  return Math.round(a * 100) / 100;
}

