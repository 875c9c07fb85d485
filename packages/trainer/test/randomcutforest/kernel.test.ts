// The WebAssembly scorer's bytes (kernel-wasm.ts) are its text (kernel.wat) assembled by wabt's
// wat2wasm: bench/rcf-kernel.mjs assembles kernel.wat and compares.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const pkg = fileURLToPath(new URL("../..", import.meta.url));

describe("the scorer's WebAssembly module", () => {
  it("kernel-wasm.ts holds kernel.wat assembled", () => {
    const out = execFileSync(process.execPath, ["bench/rcf-kernel.mjs"], { cwd: pkg, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    expect(out).toMatch(/^kernel-wasm\.ts is up to date \(\d+ bytes\)/);
  });
});
