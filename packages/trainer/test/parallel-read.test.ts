// A file read in parts by the calling thread and the pool's workers gives exactly what the
// one-pass streaming read gives: the same rows, or the same error (code, file, line, column).
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatCreditCardCsv, generateDataset, readCreditCardCsv } from "@fraud/simulator";
import { readDataset } from "../src/inputs.js";
import { WorkerPool } from "../src/pool.js";

let dir = "";
let pool: WorkerPool;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "fraud-train-parallel-read-"));
  pool = WorkerPool.start(2);
});
afterAll(async () => {
  await pool.close();
  await rm(dir, { recursive: true, force: true });
});

async function outcome(read: Promise<unknown>): Promise<unknown> {
  try {
    return await read;
  } catch (err) {
    return { code: (err as { code: string }).code, message: (err as Error).message };
  }
}

const rows = formatCreditCardCsv(generateDataset({ rows: 400, seed: 3, fraudRate: 0.05 })).split("\n");
const header = rows[0]!;
const body = rows.slice(1).filter((l) => l !== "");

const edit = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom("bad field", "blank", "short", "header", "crlf"),
  field: fc.nat(30),
  value: fc.constantFrom("x", "", "1e999", "0x1", '"1'),
});

describe("readDataset in parts on worker threads", () => {
  it("matches the one-pass read, bad fields and blank lines anywhere", async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(edit, { maxLength: 3 }), fc.integer({ min: 20, max: body.length }), fc.boolean(), async (edits, count, withHeader) => {
        const lines = body.slice(0, count);
        for (const e of edits) {
          const i = e.at % lines.length;
          if (e.kind === "bad field") {
            const f = lines[i]!.split(",");
            f[e.field] = e.value;
            lines[i] = f.join(",");
          } else if (e.kind === "blank") lines.splice(i, 0, "");
          else if (e.kind === "short") lines[i] = "1,2,3";
          else if (e.kind === "header") lines[i] = header;
          else lines[i] = `${lines[i]}\r`;
        }
        const path = join(dir, `f${n++}.csv`);
        await writeFile(path, (withHeader ? [header, ...lines] : lines).join("\n") + "\n");
        const parallel = await outcome(readDataset(path, "data", pool, 0));
        const streamed = await outcome(readDataset(path, "data"));
        expect(parallel).toEqual(streamed);
      }),
      { numRuns: 40 },
    );
  });

  it("writes the rows in place in shared memory, the one-pass read's rows exactly", async () => {
    const path = join(dir, "shared.csv");
    await writeFile(path, [header, ...body, ...body].join("\n") + "\n");
    const parallel = await readDataset(path, "data", pool, 0);
    expect(parallel.features.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(parallel.labels.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(parallel).toEqual(await readCreditCardCsv(path));
  });

  it("starts a reading worker of its own when given no pool (a file over the size limit), same rows", async () => {
    const path = join(dir, "own.csv");
    await writeFile(path, [header, ...body].join("\n") + "\n");
    const read = await readDataset(path, "data", null, 0);
    expect(read).toEqual(await readCreditCardCsv(path));
    expect(read.features.buffer).toBeInstanceOf(availableParallelism() > 1 ? SharedArrayBuffer : ArrayBuffer);
  });

  it("hands chunks and parts only to workers free now: with the pool's worker busy, this thread reads alone, the same rows", async () => {
    const path = join(dir, "busy.csv");
    await writeFile(path, [header, ...body, ...body].join("\n") + "\n");
    const one = WorkerPool.start(1);
    try {
      const busy = one.run({ type: "read", path }, "read");
      expect(one.tryRun({ type: "read", path }, "read")).toBeNull();
      const parallel = await readDataset(path, "data", one, 0);
      expect(parallel.features.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(parallel).toEqual(await readCreditCardCsv(path));
      expect((await busy).dataset).toEqual(parallel);
      // free again: it takes the next task at once, and only that one
      const again = one.tryRun({ type: "read", path }, "read");
      expect(again).not.toBeNull();
      expect(one.tryRun({ type: "read", path }, "read")).toBeNull();
      await again;
    } finally {
      await one.close();
    }
  });

  it("answers WORKER_FAILED, not a TypeError, once its only worker has died", async () => {
    const one = WorkerPool.start(1);
    try {
      const worker = (one as unknown as { slots: { worker: { terminate(): Promise<number> } }[] }).slots[0]!.worker;
      await worker.terminate();
      const path = join(dir, "missing.csv");
      for (let i = 0; i < 2; i++) await expect(one.run({ type: "read", path }, "read")).rejects.toMatchObject({ code: "WORKER_FAILED" });
    } finally {
      await one.close();
    }
  });

  it("closes in a process that has nothing else to wait for, its worker's answer still unhandled", async () => {
    const child = fileURLToPath(new URL("./helpers/pool-close-child.ts", import.meta.url));
    const run = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      execFile(process.execPath, ["--conditions=@fraud/source", "--import", "tsx", child, join(dir, "missing.csv"), "3000"], (err, stdout) => {
        resolve({ code: err ? (typeof err.code === "number" ? err.code : -1) : 0, stdout });
      });
    });
    expect(run).toEqual({ code: 0, stdout: "closed\n" });
  });

  it("refuses a missing file as the one-pass read does", async () => {
    const path = join(dir, "missing.csv");
    expect(await outcome(readDataset(path, "data", pool, 0))).toEqual(await outcome(readDataset(path, "data")));
  });
});
