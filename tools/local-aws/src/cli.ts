/**
 * `fraud-local`: runs the local SageMaker endpoint or Firehose stand-in from the command line.
 * @packageDocumentation
 */
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { startEndpoint } from "./endpoint.js";
import { startFirehose } from "./firehose.js";

const NAME = "fraud-local";

function number(flag: string, min: number, max: number, integer = false): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (v.trim() === "" || !Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
      throw new InvalidArgumentError(`${flag} must be ${integer ? "an integer" : "a number"} from ${min} to ${max}, got ${JSON.stringify(v)}`);
    }
    return n;
  };
}

function logger(level: string): ((line: string) => void) | undefined {
  return level === "debug" ? (line) => process.stderr.write(`${new Date().toISOString()} DEBUG ${line}\n`) : undefined;
}

/** Resolves on the first SIGINT/SIGTERM. */
function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (sig: NodeJS.Signals): void => {
      process.off("SIGINT", on);
      process.off("SIGTERM", on);
      resolve(sig);
    };
    process.on("SIGINT", on);
    process.on("SIGTERM", on);
  });
}

const logLevel = (): Option => new Option("--log-level <level>", "debug logs one line per request on stderr").choices(["info", "debug"]).default("info");

const program = new Command(NAME)
  .description("Local stand-ins for the SageMaker runtime endpoint and Kinesis Data Firehose.")
  .showHelpAfterError(`(run "${NAME} --help" for usage)`)
  .configureOutput({ outputError: (str, write) => write(`${NAME}: ${str.replace(/^error: /, "")}`) })
  .exitOverride();

program
  .command("endpoint")
  .description("serve a Linear Learner model.tar.gz with the SageMaker runtime and container APIs")
  .requiredOption("--model <file>", "Linear Learner model.tar.gz (binary classifier or regressor)")
  .option("--port <port>", "TCP port (0 = a free one)", number("--port", 0, 65535, true), 8080)
  .option("--host <host>", "interface to bind", "127.0.0.1")
  .option("--name <name>", "endpoint name served on /endpoints/{name}/invocations", "fraud-detection-endpoint")
  .option("--region <region>", "region used in error texts", "us-east-1")
  .addOption(logLevel())
  .action(async (o: { model: string; port: number; host: string; name: string; region: string; logLevel: string }) => {
    const log = logger(o.logLevel);
    const server = await startEndpoint({ model: o.model, port: o.port, host: o.host, name: o.name, region: o.region, ...(log ? { log } : {}) });
    process.stdout.write(
      `endpoint ${server.name} (${server.model.predictorType}, ${server.model.featureDim} features) listening on ${server.url}\n`,
    );
    await untilSignal();
    await server.close();
  });

program
  .command("firehose")
  .description("accept Firehose PutRecord/PutRecordBatch and write GZIP objects under a directory")
  .requiredOption("--dir <dir>", "directory playing the S3 bucket")
  .option("--port <port>", "TCP port (0 = a free one)", number("--port", 0, 65535, true), 4573)
  .option("--host <host>", "interface to bind", "127.0.0.1")
  .option("--buffer-seconds <s>", "deliver a buffer this long after its first record", number("--buffer-seconds", 0, 900), 60)
  .option("--buffer-mb <m>", "deliver a buffer when it reaches this many MiB", number("--buffer-mb", 1, 128), 5)
  .option("--fail-rate <f>", "share of PutRecordBatch records reported failed", number("--fail-rate", 0, 1), 0)
  .option("--seed <s>", "seed of the failure draw", number("--seed", -(2 ** 31), 2 ** 32, true), 1)
  .option("--stream-name <name>", "accept only this delivery stream (default: any)")
  .option("--prefix <prefix>", "object key prefix before YYYY/MM/DD/HH/", "")
  .addOption(logLevel())
  .action(
    async (o: {
      dir: string;
      port: number;
      host: string;
      bufferSeconds: number;
      bufferMb: number;
      failRate: number;
      seed: number;
      streamName?: string;
      prefix: string;
      logLevel: string;
    }) => {
      const log = logger(o.logLevel);
      const server = await startFirehose({
        dir: o.dir,
        port: o.port,
        host: o.host,
        bufferSeconds: o.bufferSeconds,
        bufferMb: o.bufferMb,
        failRate: o.failRate,
        seed: o.seed,
        prefix: o.prefix,
        ...(o.streamName !== undefined ? { streamName: o.streamName } : {}),
        ...(log ? { log } : {}),
      });
      process.stdout.write(`firehose listening on ${server.url}, delivering to ${o.dir}\n`);
      const sig = await untilSignal();
      process.stderr.write(`${NAME}: ${sig}: delivering buffered records\n`);
      await server.close();
      process.stdout.write(`firehose stopped; ${server.objects.length} objects written\n`);
    },
  );

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
