// Prints a fingerprint of the golden-vector folder (names, sizes, mtimes) so Nx re-runs the
// recordio tests whenever the folder named by RECORDIO_VECTORS_DIR changes, even outside the workspace.
import { createHash } from "node:crypto";
import { readdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const dir = process.env.RECORDIO_VECTORS_DIR || resolve(here, "vectors");
const hash = createHash("sha256").update(dir);
try {
  for (const name of readdirSync(dir).sort()) {
    const st = statSync(resolve(dir, name));
    hash.update(`${name}:${st.size}:${st.mtimeMs}\n`);
  }
} catch {
  hash.update("missing");
}
process.stdout.write(hash.digest("hex"));
