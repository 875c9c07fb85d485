import { defineConfig, mergeConfig } from "vitest/config";
import { sharedConfig } from "../../vitest.shared.js";

export default mergeConfig(
  sharedConfig,
  defineConfig({
    // one real release: a clone, npm ci, builds, a registry; minutes, not seconds
    test: { include: ["test/**/*.test.ts"], testTimeout: 600_000, hookTimeout: 600_000 },
  }),
);
