// The difficulty shape: how separable each fraud is, and which legitimate rows look anomalous.
import { QuantileTable } from "./amount.js";
import type { Knots } from "./amount.js";

/**
 * A distribution of the separability weight w in [0, 1] (0: looks legitimate, 1: overt fraud),
 * given by a piecewise-linear quantile function, with its first two moments.
 * @internal
 */
export interface Separability {
  /** w at quantile u in (0, 1). */
  at(u: number): number;
  /** E[w] and E[w²]. */
  readonly m1: number;
  readonly m2: number;
}

/** Builds a {@link Separability} from quantile knots; the moments are exact for the linear pieces. @internal */
export function separability(knots: Knots): Separability {
  const table = new QuantileTable(knots, 1 << 12, "linear");
  let m1 = 0;
  let m2 = 0;
  for (let k = 0; k + 1 < knots.length; k++) {
    const [u0, w0] = knots[k]!;
    const [u1, w1] = knots[k + 1]!;
    m1 += ((u1 - u0) * (w0 + w1)) / 2;
    m2 += ((u1 - u0) * (w0 * w0 + w0 * w1 + w1 * w1)) / 3;
  }
  return { at: (u) => table.at(u), m1, m2 };
}

/** Shape constants of the difficulty model (see the README, "The model behind the generator"). @internal */
export const HARDNESS = {
  /** Share of legitimate rows that look anomalous (mixed part of the way towards the fraud pattern). */
  oddLegit: 0.004,
  /** Share of those anomalous legitimate rows whose amount is drawn from the fraud amounts (card testing, unusual sums). */
  oddAmount: 0.5,
  /** Loadings of the overt-fraud severity factor for strongly / moderately / weakly separating columns. */
  loadStrong: 0.85,
  loadModerate: 0.6,
  loadWeak: 0.2,
  /** Share of wide draws in the overt-fraud noise, and the narrowest core spread (of a unit variance). */
  fraudWide: 0.1,
  fraudCoreMin: 0.25,
} as const;

/**
 * Separability of frauds: a continuum with no fraud an exact copy of a legitimate row (w ≥ 0.14).
 * 14 % sit in the legitimate rows' upper tail (w 0.14–0.2: what a plain model finds only at a
 * precision of a few percent), 20 % are partly mixed (w 0.2–0.5), 26 % range from clearly
 * anomalous to nearly overt (w 0.5–1) and 40 % are overt (w = 1).
 * @internal
 */
export const FRAUD_SEPARABILITY: Separability = separability([
  [0, 0.14],
  [0.14, 0.2],
  [0.24, 0.28],
  [0.34, 0.5],
  [0.46, 0.8],
  [0.6, 1],
  [1, 1],
]);

/**
 * Separability of the anomalous legitimate rows: mostly a small drift, rarely most of the way.
 * @internal
 */
export const ODD_SEPARABILITY: Separability = separability([
  [0, 0],
  [0.8, 0.2],
  [0.97, 0.45],
  [1, 0.8],
]);
