import { defineConfig } from "vitest/config";

/**
 * Shared vitest settings: every package resolves workspace siblings from their sources
 * (the `@fraud/source` export condition), so tests never need a prior build.
 */
export const sharedConfig = defineConfig({
  resolve: { conditions: ["@fraud/source"] },
  ssr: { resolve: { conditions: ["@fraud/source"] } },
  test: {
    pool: "threads",
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: ["default"],
  },
});
