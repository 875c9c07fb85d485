// Starts the ingest bench's worker (ingest-worker.ts) through tsx's loader, the workspace packages
// resolved from their sources.
import { tsImport } from "tsx/esm/api";

await tsImport(new URL("./ingest-worker.ts", import.meta.url).href, import.meta.url);
