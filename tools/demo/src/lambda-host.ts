/**
 * Hosts the bundled Lambda (the zip that `nx run lambda-scorer:bundle` makes) in a child process
 * with the environment Lambda would give it, and invokes its handlers.
 * @packageDocumentation
 */
import { fork } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { openSync, closeSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { unzipSync } from "fflate";

/** The outcome of one handler invocation. @public */
export interface Invocation<T = unknown> {
  /** True when the handler returned; false when it threw. */
  ok: boolean;
  /** What the handler returned. */
  value?: T;
  /** The error message, when it threw. */
  error?: string;
  /** Handler time in milliseconds, measured inside the Lambda process. */
  ms: number;
}

/** A running Lambda host. @public */
export interface LambdaHost {
  /** Time to import the bundle (the cold start), in milliseconds. */
  readonly importMs: number;
  /** Invokes a handler with an event. */
  invoke<T>(handler: "scheduled" | "http", event: unknown): Promise<Invocation<T>>;
  /** Stops the process and removes the unpacked bundle. */
  close(): Promise<void>;
}

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Unpacks `zipPath` and starts it in a child process with `env` (plus PATH). The bundle is unpacked
 * beside this package so that it resolves `@aws-sdk/*` from the workspace, as Lambda's runtime
 * provides the SDK. Handler logs go to `logFile`.
 * @public
 */
export async function startLambda(zipPath: string, env: Record<string, string>, logFile: string): Promise<LambdaHost> {
  const files = unzipSync(new Uint8Array(await readFile(zipPath)));
  if (!files["index.mjs"]) throw new Error(`${zipPath} holds no index.mjs`);
  const dir = join(here, "..", ".lambda", String(process.pid));
  await mkdir(dir, { recursive: true });
  for (const [name, bytes] of Object.entries(files)) await writeFile(join(dir, name), bytes);
  const log = openSync(logFile, "a");
  const child: ChildProcess = fork(join(here, "lambda-child.js"), [join(dir, "index.mjs")], {
    env: { PATH: process.env["PATH"] ?? "", ...env },
    stdio: ["ignore", log, log, "ipc"],
  });
  closeSync(log);
  const pending = new Map<number, (r: Invocation) => void>();
  let nextId = 0;
  let exited: Error | undefined;
  const ready = new Promise<number>((resolve, reject) => {
    child.once("message", (msg: { ready: boolean; importMs?: number; error?: string }) => {
      if (msg.ready) resolve(msg.importMs ?? 0);
      else reject(new Error(`the Lambda bundle failed to start: ${msg.error}`));
    });
    child.once("exit", (code) => reject(new Error(`the Lambda process exited with code ${code} (see ${logFile})`)));
  });
  child.on("message", (msg: Invocation & { id?: number }) => {
    if (msg.id === undefined) return;
    pending.get(msg.id)?.(msg);
    pending.delete(msg.id);
  });
  child.on("exit", (code) => {
    exited = new Error(`the Lambda process exited with code ${code} (see ${logFile})`);
    for (const resolve of pending.values()) resolve({ ok: false, error: exited.message, ms: 0 });
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
      if (exited) return Promise.resolve({ ok: false, error: exited.message, ms: 0 });
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve as (r: Invocation) => void);
        child.send({ id, handler, event });
      });
    },
    async close() {
      if (child.exitCode === null) {
        const gone = new Promise((r) => child.once("exit", r));
        child.kill();
        await gone;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
