import { createHash } from "node:crypto";

/** 30 features for transaction i. */
export function features(i: number): number[] {
  return Array.from({ length: 30 }, (_, j) => ((i * 7 + j * 3) % 11) / 4 - 1);
}

/** Whether a fault injector fails this key: a stable pseudo-random draw (from SHA-256 of the key) below `rate`. */
export function flaky(key: string, rate: number): boolean {
  return createHash("sha256").update(key).digest().readUInt32BE(0) / 2 ** 32 < rate;
}
