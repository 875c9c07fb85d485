/**
 * `fraud-local`: runs the local SageMaker endpoint or Firehose stand-in from the command line.
 * @packageDocumentation
 */
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { MODEL_LIMITS } from "@fraud/trainer/model";
import { z } from "zod";
import { startEndpoint } from "./endpoint.js";
import { startFirehose } from "./firehose.js";
import type { RequestLogger } from "./http.js";
import { numberIn, quote, rangeText } from "./options.js";
import type { NumberRange } from "./options.js";

const NAME = "fraud-local";

/** A commander parser for a numeric flag, checked by the same zod schema as the library options. */
function number(flag: string, range: NumberRange): (raw: string) => number {
  const schema = z.string().transform((v) => (v.trim() === "" ? Number.NaN : Number(v))).pipe(numberIn(flag, range));
  return (raw) => {
    const result = schema.safeParse(raw);
    if (result.success) return result.data;
    throw new InvalidArgumentError(`${rangeText(flag, range)}, got ${quote(raw)}`);
  };
}

function stderrLine(level: string): RequestLogger {
  return (line) => process.stderr.write(`${new Date().toISOString()} ${level} ${line}\n`);
}

function debugLogger(level: string): RequestLogger | undefined {
  return level === "debug" ? stderrLine("DEBUG") : undefined;
}

/**
 * Resolves on the first SIGINT/SIGTERM; a second one while the server shuts down exits at once
 * (status 1) after `onForce` says what is abandoned.
 */
function untilSignal(onForce: (sig: NodeJS.Signals) => void): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let received = false;
    const on = (sig: NodeJS.Signals): void => {
      if (received) {
        onForce(sig);
        process.exit(1);
      }
      received = true;
      resolve(sig);
    };
    process.on("SIGINT", on);
    process.on("SIGTERM", on);
  });
}

const logLevel = (): Option => new Option("--log-level <level>", "debug logs one line per request on stderr").choices(["info", "debug"]).default("info");
const port = (dflt: number): Option => new Option("--port <port>", "TCP port (0 = a free one)").argParser(number("--port", { min: 0, max: 65535, integer: true })).default(dflt);

interface EndpointFlags {
  model: string;
  maxFeatures: number;
  maxArtifactMb: number;
  port: number;
  host: string;
  name: string;
  region: string;
  logLevel: string;
}

async function runEndpoint(o: EndpointFlags): Promise<void> {
  const log = debugLogger(o.logLevel);
  const limits = { maxFeatures: o.maxFeatures, maxArtifactBytes: o.maxArtifactMb * 1024 * 1024 };
  const server = await startEndpoint({ model: o.model, limits, port: o.port, host: o.host, name: o.name, region: o.region, ...(log ? { log } : {}) });
  process.stdout.write(`endpoint ${server.name} (${server.model.algorithm} ${server.model.kind}, ${server.model.featureDim} features) listening on ${server.url}\n`);
  await untilSignal(() => undefined);
  await server.close();
}

interface FirehoseFlags {
  dir: string;
  port: number;
  host: string;
  bufferSeconds: number;
  bufferMb: number;
  maxBufferedMb: number;
  maxStreams: number;
  failRate: number;
  seed: number;
  streamName?: string;
  prefix: string;
  logLevel: string;
}

async function runFirehose(o: FirehoseFlags): Promise<void> {
  const log = debugLogger(o.logLevel);
  const { logLevel: _level, ...options } = o;
  const server = await startFirehose({ ...options, warn: stderrLine("WARN"), ...(log ? { log } : {}) });
  process.stdout.write(`firehose listening on ${server.url}, delivering to ${o.dir}\n`);
  const sig = await untilSignal((again) => process.stderr.write(`${NAME}: ${again} again: stopping without delivering what is still buffered\n`));
  process.stderr.write(`${NAME}: ${sig}: delivering buffered records\n`);
  await server.close();
  process.stdout.write(`firehose stopped; ${server.objects.length} objects written\n`);
}

const program = new Command(NAME)
  .description("Local stand-ins for the SageMaker runtime endpoint and Kinesis Data Firehose.")
  .showHelpAfterError(`(run "${NAME} --help" for usage)`)
  .configureOutput({ outputError: (str, write) => write(`${NAME}: ${str.replace(/^error: /, "")}`) })
  .exitOverride();

program
  .command("endpoint")
  .description("serve a Linear Learner model.tar.gz with the SageMaker runtime and container APIs")
  .requiredOption("--model <file>", "Linear Learner model.tar.gz (binary classifier or regressor)")
  .addOption(port(8080))
  .option("--host <host>", "interface to bind", "127.0.0.1")
  .option("--name <name>", "endpoint name served on /endpoints/{name}/invocations", "fraud-detection-endpoint")
  .option("--region <region>", "region used in error texts", "us-east-1")
  .option("--max-features <n>", "refuse a model declaring more features", number("--max-features", { min: 1, max: 100_000_000, integer: true }), MODEL_LIMITS.maxFeatures)
  .option("--max-artifact-mb <m>", "refuse a model.tar.gz larger than this many MiB", number("--max-artifact-mb", { min: 1, max: 4096, integer: true }), MODEL_LIMITS.maxArtifactBytes / 1024 / 1024)
  .addOption(logLevel())
  .action(runEndpoint);

program
  .command("firehose")
  .description("accept Firehose PutRecord/PutRecordBatch and write GZIP objects under a directory")
  .requiredOption("--dir <dir>", "directory playing the S3 bucket (created when missing)")
  .addOption(port(4573))
  .option("--host <host>", "interface to bind", "127.0.0.1")
  .option("--buffer-seconds <s>", "deliver a buffer this long after its first record", number("--buffer-seconds", { min: 0, max: 900 }), 60)
  .option("--buffer-mb <m>", "deliver a buffer when it reaches this many MiB", number("--buffer-mb", { min: 1, max: 128 }), 5)
  .option("--max-buffered-mb <m>", "most MiB held across all streams; records over it are reported failed", number("--max-buffered-mb", { min: 1, max: 4096 }), 256)
  .option("--max-streams <n>", "most delivery streams created by puts", number("--max-streams", { min: 1, max: 5000, integer: true }), 50)
  .option("--fail-rate <f>", "share of PutRecordBatch records reported failed", number("--fail-rate", { min: 0, max: 1 }), 0)
  .option("--seed <s>", "seed of the failure draw", number("--seed", { min: -(2 ** 31), max: 2 ** 32, integer: true }), 1)
  .option("--stream-name <name>", "the only delivery stream accepted (default: any, created on first put)")
  .option("--prefix <prefix>", "key prefix (year=YYYY/month=MM/day=DD/hour=HH/ is appended, as the stack does) or a Firehose prefix expression", "")
  .addOption(logLevel())
  .action(runFirehose);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // help and version exit 0; commander already printed the usage error
    process.exitCode = err.exitCode === 0 ? 0 : 2;
  } else {
    process.stderr.write(`${NAME}: ${(err as Error).message}\n`);
    process.exitCode = 1;
  }
}
