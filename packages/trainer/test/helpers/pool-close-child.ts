// A child process for parallel-read.test.ts: closes a pool after its worker has answered but
// before the answer is handled, then prints "closed" once close() has resolved. With nothing else
// keeping the process alive, a close that lost its worker's reference would leave the process
// ending at once, exit code 13 (an unsettled top-level await), "closed" never printed.
// argv: a missing file's path (the worker's quick answer: an error), milliseconds to block.
import { WorkerPool } from "../../src/pool.js";

const pool = WorkerPool.start(1);
const task = pool.run({ type: "read", path: process.argv[2]! }, "read");
task.catch(() => undefined);
// let the task go out, then block while the worker boots and answers
await new Promise((resolve) => setImmediate(resolve));
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(process.argv[3]));
await pool.close();
console.log("closed");
