import { execFileSync, spawnSync } from "node:child_process";
import { createReadStream } from "node:fs";
import { chmod, lstat, mkdir, mkdtemp, readFile, readdir, rm, stat, symlink, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeDense } from "@fraud/recordio";
import { checkOutput, openOutput, writeDenseFile, writeOutput } from "@fraud/recordio/node";

const isRoot = process.getuid?.() === 0;
const hasMkfifo = spawnSync("mkfifo", ["--version"], { stdio: "ignore" }).status === 0;
let dir = "";

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "recordio-output-"));
});
afterAll(async () => {
  await chmod(join(dir, "ro"), 0o755).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

/** Reads everything a FIFO delivers until its writer closes it. */
async function drain(path: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of createReadStream(path)) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

const matrix = { data: new Float32Array([1, 2, 3, 4, 5, 6]), shape: [3, 2] as [number, number] };

describe("safe outputs (@fraud/recordio/node)", () => {
  it("a regular file appears complete, replacing the old one, and no temporary file stays", async () => {
    const file = join(dir, "a.bin");
    await writeFile(file, "old");
    expect(await writeOutput(file, [new Uint8Array([1, 2]), new Uint8Array([3])])).toBe(3);
    expect([...(await readFile(file))]).toEqual([1, 2, 3]);
    expect((await readdir(dir)).filter((n) => n.includes("a.bin"))).toEqual(["a.bin"]);
  });

  it("a symbolic link stays a link; the file it points to is replaced", async () => {
    const real = join(dir, "real.bin");
    const link = join(dir, "link.bin");
    await writeFile(real, "old");
    await symlink(real, link);
    await writeOutput(link, new Uint8Array([7]));
    expect((await readFile(real))[0]).toBe(7);
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
  });

  it.skipIf(!hasMkfifo)("writeDenseFile to a FIFO writes through it and the FIFO stays a FIFO", async () => {
    const fifo = join(dir, "pipe.rec");
    execFileSync("mkfifo", [fifo]);
    const [got, n] = await Promise.all([drain(fifo), writeDenseFile(fifo, matrix, { chunkBytes: 16 })]);
    expect(n).toBe(encodeDense(matrix).length);
    expect(Buffer.compare(got, Buffer.from(encodeDense(matrix)))).toBe(0);
    expect((await stat(fifo)).isFIFO()).toBe(true);
    expect((await readdir(dir)).filter((x) => x.startsWith(".pipe.rec"))).toEqual([]);
  });

  it("/dev/null is written directly and stays a character device", async () => {
    expect(await checkOutput("/dev/null")).toBe("character-device");
    expect(await writeDenseFile("/dev/null", matrix)).toBe(encodeDense(matrix).length);
    expect((await stat("/dev/null")).isCharacterDevice()).toBe(true);
  });

  it("a Unix socket is written through a connection, not replaced", async () => {
    const path = join(dir, "sock");
    const received: Buffer[] = [];
    const server = createServer((s) => s.on("data", (d) => received.push(d)));
    await new Promise<void>((resolve) => server.listen(path, resolve));
    try {
      const closed = new Promise<void>((resolve) => server.on("connection", (s) => s.on("end", () => resolve())));
      expect(await checkOutput(path)).toBe("socket");
      await writeOutput(path, new Uint8Array([9, 8, 7]));
      await closed;
      expect([...Buffer.concat(received)]).toEqual([9, 8, 7]);
      expect((await stat(path)).isSocket()).toBe(true);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it.each([
    { name: "a directory", path: () => dir, message: /is a directory$/ },
    { name: "a missing folder", path: () => join(dir, "missing", "x.rec"), message: /no such file or directory$/ },
    { name: "a file as folder", path: () => join(dir, "a.bin", "x.rec"), message: /a parent is not a directory$/ },
  ])("refuses $name before encoding anything", async ({ path, message }) => {
    let produced = 0;
    function* chunks() {
      produced++;
      yield new Uint8Array(1);
    }
    const err = await writeOutput(path(), chunks()).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "IO_ERROR" });
    expect((err as Error).message).toMatch(message);
    expect(produced).toBe(0);
    await expect(writeDenseFile(path(), matrix)).rejects.toMatchObject({ code: "IO_ERROR" });
  });

  it.skipIf(isRoot)("refuses an unwritable folder before anything is produced (skipped as root: root writes anywhere)", async () => {
    const ro = join(dir, "ro");
    await mkdir(ro);
    await chmod(ro, 0o555);
    await expect(checkOutput(join(ro, "x.rec"))).rejects.toMatchObject({ code: "IO_ERROR" });
  });

  it.each([null, undefined, 42, "", {}, new Uint16Array(2)])("refuses the path %p with INVALID_ARGUMENT", async (path) => {
    await expect(checkOutput(path as unknown as string)).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
  });

  it("removes the temporary file a killed earlier run left, and keeps a live writer's", async () => {
    const target = join(dir, "k.rec");
    const dead = spawnSync(process.execPath, ["-e", "process.pid"]).pid as number;
    const leftover = join(dir, `.k.rec.${dead}.1.partial`);
    const live = join(dir, `.k.rec.${process.ppid}.1.partial`);
    await writeFile(leftover, new Uint8Array(1000));
    await writeFile(live, "x");
    await writeOutput(target, new Uint8Array([1]));
    const names = await readdir(dir);
    expect(names).not.toContain(`.k.rec.${dead}.1.partial`);
    expect(names).toContain(`.k.rec.${process.ppid}.1.partial`);
    await rm(live);
  });

  it("abort removes the temporary file and leaves the old file alone", async () => {
    const file = join(dir, "b.bin");
    await writeFile(file, "old");
    const out = await openOutput(file);
    await out.write(new Uint8Array([1, 2, 3]));
    await out.abort();
    expect(await readFile(file, "utf8")).toBe("old");
    expect((await readdir(dir)).filter((n) => n.startsWith(".b.bin"))).toEqual([]);
  });

  it("an error while producing removes the temporary file and propagates", async () => {
    const file = join(dir, "c.bin");
    function* failing() {
      yield new Uint8Array(5);
      throw new Error("producer failed");
    }
    await expect(writeOutput(file, failing())).rejects.toThrow("producer failed");
    expect((await readdir(dir)).filter((n) => n.includes("c.bin"))).toEqual([]);
  });
});
