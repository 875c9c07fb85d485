// Run as a child process: loads a model, prints the outcome and the process's peak resident
// memory as one JSON line. Lets a test bound the memory a hostile artifact costs.
import { loadModel } from "../../src/models/registry.js";

const [path, limits] = process.argv.slice(2);
let code = "OK";
try {
  await loadModel(path!, limits ? (JSON.parse(limits) as Record<string, number>) : {});
} catch (err) {
  code = (err as { code?: string }).code ?? String(err);
}
process.stdout.write(`${JSON.stringify({ code, maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`);
