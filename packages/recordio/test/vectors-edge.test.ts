// Edge-case vectors made by the SageMaker Python SDK's own code (test/vectors-sdk-edge/generate.py):
// the exception types the SDK raises besides ValueError, inputs where the package is documented as
// stricter, and valid encodings the SDK's writer never produces. Same harness as the golden vectors.
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { vectorSuite } from "./harness/suite.js";

vectorSuite(resolve(dirname(fileURLToPath(import.meta.url)), "vectors-sdk-edge"));
