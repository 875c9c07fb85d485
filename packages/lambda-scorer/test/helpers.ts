/** 30 features for transaction i. */
export function features(i: number): number[] {
  return Array.from({ length: 30 }, (_, j) => ((i * 7 + j * 3) % 11) / 4 - 1);
}
