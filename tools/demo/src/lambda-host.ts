/**
 * Hosts the bundled Lambda (the zip that `nx run lambda-scorer:bundle` makes) in a child process
 * with the environment Lambda would give it, and invokes its handlers.
 * @packageDocumentation
 */
import { fork } from "node:child_process";
import { randomUUID } from "node:crypto";
import type { ChildProcess } from "node:child_process";
import { closeSync, existsSync, openSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { unzipSync } from "fflate";
import { scorerEnv } from "@fraud/lambda-scorer/config";
import type { ScorerConfigInput } from "@fraud/lambda-scorer/config";
import { ensureDirectory } from "@fraud/local-aws";
import { DemoError } from "./errors.js";
import { REPO_ROOT } from "./options.js";

/** The outcome of one handler invocation. @public */
export interface Invocation<T = unknown> {
  /** True when the handler returned; false when it threw. */
  ok: boolean;
  /** What the handler returned. */
  value?: T;
  /** The error message, when it threw. */
  error?: string;
  /** The error's name (Lambda's `errorType`), when it threw. */
  errorType?: string;
  /** The invocation's request id. */
  requestId?: string;
  /** Handler time in milliseconds, measured inside the Lambda process. */
  ms: number;
}

/** A running Lambda host. @public */
export interface LambdaHost {
  /** Time to import the bundle (the cold start), in milliseconds. */
  readonly importMs: number;
  /** Invokes a handler with an event (one synchronous invocation, no retry). */
  invoke<T>(handler: "scheduled" | "http", event: unknown): Promise<Invocation<T>>;
  /** Stops the process and removes the unpacked bundle. */
  close(): Promise<void>;
}

const here = dirname(fileURLToPath(import.meta.url));
/** The runtime script: beside this module once built; the built copy when running from sources (tests). */
const CHILD = existsSync(join(here, "lambda-child.js")) ? join(here, "lambda-child.js") : join(here, "..", "dist", "lambda-child.js");

/**
 * Unpacks the zip under the workspace's `node_modules/.cache` (so the bundle resolves `@aws-sdk/*`
 * from the workspace, as Lambda's runtime provides the SDK, and no tool sees it as source).
 */
async function unpack(zipPath: string): Promise<string> {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(new Uint8Array(await readFile(zipPath)));
  } catch (err) {
    throw new DemoError("LAMBDA_FAILED", `cannot unpack the Lambda bundle ${zipPath}: ${(err as Error).message}`, { cause: err });
  }
  if (!files["index.mjs"]) throw new DemoError("LAMBDA_FAILED", `${zipPath} holds no index.mjs`);
  const dir = join(REPO_ROOT, "node_modules", ".cache", "fraud-demo", `lambda-${process.pid}-${randomUUID()}`);
  await ensureDirectory(dir);
  for (const [name, bytes] of Object.entries(files)) await writeFile(join(dir, name), bytes);
  return dir;
}

/** The local services the Lambda's SDK clients talk to. @public */
export interface LocalServiceUrls {
  /** `AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME`: the local endpoint. */
  sagemakerRuntime: string;
  /** `AWS_ENDPOINT_URL_FIREHOSE`: the local Firehose. */
  firehose: string;
}

/**
 * The environment of the Lambda run locally: what the Lambda runtime sets, the SDKs' endpoints
 * pointed at the local services, and the scorer's configuration written by its own `scorerEnv`
 * (every setting not given keeps the scorer's default).
 *
 * @example
 * ```ts
 * const env = localLambdaEnv({ sagemakerRuntime: endpoint.url, firehose: firehose.url }, { endpointName: "fraud-detection-endpoint", deliveryStreamName: "scores" });
 * ```
 * @public
 */
export function localLambdaEnv(urls: LocalServiceUrls, config: ScorerConfigInput): Record<string, string> {
  return {
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
    AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME: urls.sagemakerRuntime,
    AWS_ENDPOINT_URL_FIREHOSE: urls.firehose,
    ...scorerEnv(config),
  };
}

/** Options of {@link startLambda}. @public */
export interface LambdaHostOptions {
  /**
   * The function's timeout in milliseconds: each invocation's `getRemainingTimeInMillis()` counts
   * down from it (the stack's default is 60 s).
   * @defaultValue 60000
   */
  timeoutMs?: number;
}

/** Forks the runtime process; resolves with the cold-start time once the bundle is imported. */
function spawnRuntime(dir: string, env: Record<string, string>, logFile: string, timeoutMs: number): { child: ChildProcess; ready: Promise<number> } {
  const log = openSync(logFile, "a");
  const args = [join(dir, "index.mjs"), String(timeoutMs)];
  const child = fork(CHILD, args, { execArgv: [], env: { PATH: process.env["PATH"] ?? "", ...env }, stdio: ["ignore", log, log, "ipc"] });
  closeSync(log);
  const ready = new Promise<number>((resolve, reject) => {
    child.once("message", (msg: { ready: boolean; importMs?: number; error?: string }) => {
      if (msg.ready) resolve(msg.importMs ?? 0);
      else reject(new DemoError("LAMBDA_FAILED", `the Lambda bundle failed to start: ${msg.error}`));
    });
    child.once("exit", (code) => reject(new DemoError("LAMBDA_FAILED", `the Lambda process exited with code ${code} (see ${logFile})`)));
  });
  return { child, ready };
}

/**
 * Unpacks `zipPath` and starts it in a child process with `env` (plus PATH). Handler logs go to
 * `logFile`.
 *
 * @throws {@link DemoError} `INVALID_ARGUMENT` for a timeout out of Lambda's range,
 * `LAMBDA_FAILED` when the bundle cannot be unpacked or started.
 *
 * @example
 * ```ts
 * const host = await startLambda("packages/lambda-scorer/dist/lambda/lambda.zip", env, "lambda.log");
 * const r = await host.invoke("scheduled", { id: "e1", time: new Date().toISOString() });
 * await host.close();
 * ```
 * @public
 */
export async function startLambda(zipPath: string, env: Record<string, string>, logFile: string, options: LambdaHostOptions = {}): Promise<LambdaHost> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1000 || timeoutMs > 900_000) throw new DemoError("INVALID_ARGUMENT", `timeoutMs must be an integer from 1000 to 900000, got ${timeoutMs}`);
  const dir = await unpack(zipPath);
  const { child, ready } = spawnRuntime(dir, env, logFile, timeoutMs);
  const pending = new Map<number, (r: Invocation) => void>();
  let nextId = 0;
  let exited: Error | undefined;
  child.on("message", (msg: Invocation & { id?: number }) => {
    if (msg.id === undefined) return;
    pending.get(msg.id)?.(msg);
    pending.delete(msg.id);
  });
  child.on("exit", (code) => {
    exited = new Error(`the Lambda process exited with code ${code} (see ${logFile})`);
    for (const resolve of pending.values()) resolve({ ok: false, error: exited.message, errorType: "Runtime.ExitError", ms: 0 });
    pending.clear();
  });
  let importMs: number;
  try {
    importMs = await ready;
  } catch (err) {
    child.kill();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    importMs,
    invoke<T>(handler: "scheduled" | "http", event: unknown): Promise<Invocation<T>> {
      if (exited) return Promise.resolve({ ok: false, error: exited.message, errorType: "Runtime.ExitError", ms: 0 });
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve as (r: Invocation) => void);
        child.send({ id, handler, event });
      });
    },
    async close() {
      if (child.exitCode === null && child.signalCode === null) {
        const gone = new Promise((r) => child.once("exit", r));
        child.kill();
        await gone;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
