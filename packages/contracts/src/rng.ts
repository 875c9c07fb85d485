/**
 * The seeded random generator every package draws from: xoroshiro128+ (the algorithm and output of
 * pure-rand's `xoroshiro128plus`, bit for bit), with the two seedings in use so each keeps its
 * exact stream: `folded` (training) and `split` (the simulator).
 * @packageDocumentation
 */

const TWO32 = 4294967296;
const JUMP = [3639956645, 3750757012, 1261568508, 386426335];

/**
 * How a seed becomes the generator's state and how streams are separated.
 *
 * - `folded` — the seed's high bits folded into 32 (`seed ^ imul(hi, 0x9e3779b9)`), pure-rand's
 *   32-bit seeding, `stream` jumps, then 16 outputs skipped. Training's streams.
 * - `split` — the low 32 bits by pure-rand's seeding with the high bits in the last state word,
 *   `stream + 1` jumps, nothing skipped. The simulator's streams ("same seed, same bytes").
 *
 * @public
 */
export type RngSeeding = "folded" | "split";

/**
 * A seeded xoroshiro128+ generator; same seed, seeding and stream: same numbers on every machine
 * and thread. Each stream starts 2^64 draws from the previous one (the generator's jump).
 * @example
 * ```ts
 * const rng = createRng(42, 0, "split");
 * rng.u32(); // always the same first value for seed 42
 * ```
 * @public
 */
export interface Rng {
  /** The next 32-bit output as a signed integer (pure-rand's `next()`). */
  next(): number;
  /** The next output as an unsigned 32-bit integer. */
  u32(): number;
  /** Uniform in [0, 1) with 53 random bits (pure-rand's `uniformFloat64`: two outputs). */
  float53(): number;
  /** Uniform integer in [0, n) for 1 ≤ n ≤ 2³², without modulo bias. */
  int(n: number): number;
}

class Xoroshiro128Plus implements Rng {
  constructor(
    private s01: number,
    private s00: number,
    private s11: number,
    private s10: number,
  ) {}

  next(): number {
    const out = (this.s00 + this.s10) | 0;
    const a0 = this.s10 ^ this.s00;
    const a1 = this.s11 ^ this.s01;
    const s00 = this.s00;
    const s01 = this.s01;
    this.s00 = (s00 << 24) ^ (s01 >>> 8) ^ a0 ^ (a0 << 16);
    this.s01 = (s01 << 24) ^ (s00 >>> 8) ^ a1 ^ ((a1 << 16) | (a0 >>> 16));
    this.s10 = (a1 << 5) ^ (a0 >>> 27);
    this.s11 = (a0 << 5) ^ (a1 >>> 27);
    return out;
  }

  jump(): void {
    let n01 = 0, n00 = 0, n11 = 0, n10 = 0;
    for (const word of JUMP) {
      for (let mask = 1; mask; mask <<= 1) {
        if (word & mask) {
          n01 ^= this.s01;
          n00 ^= this.s00;
          n11 ^= this.s11;
          n10 ^= this.s10;
        }
        this.next();
      }
    }
    this.s01 = n01;
    this.s00 = n00;
    this.s11 = n11;
    this.s10 = n10;
  }

  u32(): number {
    return this.next() >>> 0;
  }

  float53(): number {
    const hi = this.next() & 0x3ffffff;
    const lo = this.next() & 0x7ffffff;
    return hi * 1.4901161193847656e-8 + lo * 1.1102230246251565e-16;
  }

  int(n: number): number {
    // Rejecting the top partial range of 32-bit draws keeps every value equally likely.
    const limit = TWO32 - (TWO32 % n);
    let v = this.next() >>> 0;
    while (v >= limit) v = this.next() >>> 0;
    return v % n;
  }
}

/**
 * Creates a seeded generator for one stream of random choices.
 * @param seed - A safe integer (non-negative for `split`).
 * @param stream - Separates independent uses of one seed (0, 1, 2, …).
 * @param seeding - See {@link RngSeeding}.
 * @example
 * ```ts
 * const shuffle = createRng(42, 5, "folded");
 * shuffle.int(10);
 * ```
 * @public
 */
export function createRng(seed: number, stream = 0, seeding: RngSeeding = "split"): Rng {
  let g: Xoroshiro128Plus;
  if (seeding === "folded") {
    const s = (seed ^ Math.imul(Math.floor(seed / TWO32), 0x9e3779b9)) | 0;
    g = new Xoroshiro128Plus(-1, ~s, s | 0, 0);
    for (let i = 0; i < stream; i++) g.jump();
    // The first outputs after seeding follow the seed closely; skip them.
    for (let i = 0; i < 16; i++) g.next();
  } else {
    const lo = seed >>> 0;
    const hi = Math.floor(seed / TWO32) >>> 0;
    g = new Xoroshiro128Plus(-1, ~lo, lo | 0, hi);
    for (let i = 0; i <= stream; i++) g.jump();
  }
  return g;
}
