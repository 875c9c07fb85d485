// Golden vectors: every case in RECORDIO_VECTORS_DIR (default: the package's copy in test/vectors),
// made by the SageMaker Python SDK's own code. Encodes must match byte for byte, decodes value for
// value, and wherever the SDK raised the library must throw a RecordIOError (the documented code
// where the package is stricter). The run fails when the folder holds no vectors.
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { vectorSuite } from "./harness/suite.js";

const here = dirname(fileURLToPath(import.meta.url));

vectorSuite(resolve(process.env["RECORDIO_VECTORS_DIR"] || resolve(here, "vectors")));
