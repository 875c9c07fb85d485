// Worker entry used only when the trainer runs from its TypeScript sources (vitest, tsx): loads
// worker.ts through tsx's loader. Built code starts dist/worker.js directly.
import { tsImport } from "tsx/esm/api";

await tsImport(new URL("./worker.ts", import.meta.url).href, import.meta.url);
