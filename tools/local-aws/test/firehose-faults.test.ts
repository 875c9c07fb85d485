// The Firehose stand-in under faults: a destination that cannot take files, one that breaks after
// start, memory bounded across stream names, unknown streams and foreign content types.
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isLocalAwsError, startFirehose } from "@fraud/local-aws";
import type { FirehoseServer } from "@fraud/local-aws";
import { b64, firehoseCall, readObjects, tempDir } from "./helpers.js";

type Entry = { RecordId?: string; ErrorCode?: string; ErrorMessage?: string };

function batch(stream: string, lines: string[]): { DeliveryStreamName: string; Records: { Data: string }[] } {
  return { DeliveryStreamName: stream, Records: lines.map((l) => ({ Data: b64(l) })) };
}

describe("startFirehose under faults", () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let server: FirehoseServer | undefined;
  const warnings: string[] = [];
  const warn = (line: string): void => void warnings.push(line);

  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
    warnings.length = 0;
  });
  afterEach(async () => {
    await server?.close().catch(() => undefined);
    server = undefined;
    await cleanup();
  });

  it.each([
    { name: "a file", make: async (d: string) => (await writeFile(join(d, "file"), "x"), join(d, "file")), msg: /is not a directory/ },
    { name: "a path below a file", make: async (d: string) => (await writeFile(join(d, "file"), "x"), join(d, "file", "s3")), msg: /cannot create directory .*file\/s3/ },
  ])("refuses to start when dir is $name (IO_FAILED, nothing acknowledged)", async ({ make, msg }) => {
    // Prepare
    const target = await make(dir);
    // Act
    const err = await startFirehose({ dir: target, warn }).catch((e: unknown) => e);
    // Assess
    expect(isLocalAwsError(err, "IO_FAILED")).toBe(true);
    expect((err as Error).message).toMatch(msg);
  });

  it("creates a missing destination at start", async () => {
    server = await startFirehose({ dir: join(dir, "a", "b"), warn });
    await firehoseCall(server.url, "PutRecord", { DeliveryStreamName: "s", Record: { Data: b64("x\n") } });
    expect(await server.flush()).toHaveLength(1);
    expect((await readObjects(join(dir, "a", "b"))).map((o) => o.text)).toEqual(["x\n"]);
  });

  it("keeps acknowledged records when the destination breaks, refuses new ones, and writes them once it works again", async () => {
    // Prepare
    const dest = join(dir, "s3");
    server = await startFirehose({ dir: dest, bufferSeconds: 900, warn });
    const first = await firehoseCall(server.url, "PutRecordBatch", batch("s", ["a\n", "b\n"]));
    await rm(dest, { recursive: true });
    await writeFile(dest, "not a directory");
    // Act
    const broken = await server.flush().catch((e: unknown) => e);
    const refused = await firehoseCall(server.url, "PutRecordBatch", batch("s", ["c\n", "d\n"]));
    const single = await firehoseCall(server.url, "PutRecord", { DeliveryStreamName: "s", Record: { Data: b64("e\n") } });
    await rm(dest);
    await mkdir(dest);
    const keys = await server.flush();
    const after = await firehoseCall(server.url, "PutRecordBatch", batch("s", ["f\n"]));
    await server.flush();
    // Assess
    expect(first.json["FailedPutCount"]).toBe(0);
    expect(isLocalAwsError(broken, "IO_FAILED")).toBe(true);
    expect((broken as Error).message).toMatch(/^2 accepted records \(4 bytes\) are not written: /);
    expect(refused.json["FailedPutCount"]).toBe(2);
    for (const r of refused.json["RequestResponses"] as Entry[]) {
      expect(r).toMatchObject({ ErrorCode: "ServiceUnavailableException", ErrorMessage: expect.stringMatching(/^Destination not writable: /) });
    }
    expect(single.status).toBe(500);
    expect(single.json["__type"]).toBe("ServiceUnavailableException");
    expect(keys).toHaveLength(1);
    expect(after.json["FailedPutCount"]).toBe(0);
    expect((await readObjects(dest)).map((o) => o.text).sort()).toEqual(["a\nb\n", "f\n"]);
    expect(warnings.some((w) => /2 records of s not written/.test(w))).toBe(true);
    expect(warnings.some((w) => /writable again/.test(w))).toBe(true);
  });

  it("bounds memory across stream names: records over maxBufferedMb are reported failed and the buffers delivered", async () => {
    // Prepare: 1 MiB across streams, buffers that would otherwise wait 15 minutes
    server = await startFirehose({ dir, maxBufferedMb: 1, bufferMb: 128, bufferSeconds: 900, warn });
    const big = (c: string) => ({ Data: b64(Buffer.alloc(400_000, c)) });
    // Act
    const a = await firehoseCall(server.url, "PutRecordBatch", { DeliveryStreamName: "a", Records: [big("a")] });
    const b = await firehoseCall(server.url, "PutRecordBatch", { DeliveryStreamName: "b", Records: [big("b")] });
    const c = await firehoseCall(server.url, "PutRecordBatch", { DeliveryStreamName: "c", Records: [big("c"), { Data: b64("small") }] });
    await expect.poll(() => server!.objects.length, { timeout: 10_000 }).toBe(3);
    const again = await firehoseCall(server.url, "PutRecordBatch", { DeliveryStreamName: "c", Records: [big("c")] });
    await server.flush();
    // Assess
    expect([a.json["FailedPutCount"], b.json["FailedPutCount"]]).toEqual([0, 0]);
    const entries = c.json["RequestResponses"] as Entry[];
    expect(entries[0]).toMatchObject({ ErrorCode: "ServiceUnavailableException", ErrorMessage: expect.stringMatching(/^Buffer full: 800000 bytes held across streams \(limit 1048576\)/) });
    expect(entries[1]!.RecordId).toBeDefined();
    expect(again.json["FailedPutCount"]).toBe(0);
    const sizes = (await readObjects(dir)).map((o) => o.text.length).sort((x, y) => x - y);
    expect(sizes).toEqual([5, 400_000, 400_000, 400_000]);
  });

  it("creates at most maxStreams streams by puts", async () => {
    server = await startFirehose({ dir, maxStreams: 2, warn });
    for (const s of ["a", "b"]) expect((await firehoseCall(server.url, "PutRecordBatch", batch(s, ["x"]))).status).toBe(200);
    const third = await firehoseCall(server.url, "PutRecordBatch", batch("c", ["x"]));
    expect(third.status).toBe(400);
    expect(third.json).toEqual({ __type: "LimitExceededException", message: "Cannot create c: the limit of 2 delivery streams is reached." });
  });

  it("describes only streams that exist, without creating the unknown ones", async () => {
    // Prepare
    server = await startFirehose({ dir, warn });
    await firehoseCall(server.url, "PutRecord", { DeliveryStreamName: "known", Record: { Data: b64("x") } });
    // Act
    const known = await firehoseCall(server.url, "DescribeDeliveryStream", { DeliveryStreamName: "known" });
    const unknown = await firehoseCall(server.url, "DescribeDeliveryStream", { DeliveryStreamName: "ghost" });
    const list = await firehoseCall(server.url, "ListDeliveryStreams", {});
    // Assess
    expect(known.status).toBe(200);
    expect(unknown.status).toBe(400);
    expect(unknown.json).toEqual({ __type: "ResourceNotFoundException", message: "Firehose ghost under account 000000000000 not found." });
    expect(list.json["DeliveryStreamNames"]).toEqual(["known"]);
  });

  it("describes the configured stream before any put", async () => {
    server = await startFirehose({ dir, streamName: "scores", warn });
    const res = await firehoseCall(server.url, "DescribeDeliveryStream", { DeliveryStreamName: "scores" });
    expect(res.status).toBe(200);
  });

  it.each([["application/json"], ["text/plain"], [""]])("refuses Content-Type %j with a 400 in Firehose's error shape", async (type) => {
    // Prepare
    server = await startFirehose({ dir, warn });
    const headers: Record<string, string> = { "x-amz-target": "Firehose_20150804.PutRecord" };
    if (type) headers["content-type"] = type;
    // Act
    const res = await fetch(server.url, { method: "POST", headers, body: JSON.stringify({ DeliveryStreamName: "s", Record: { Data: b64("x") } }) });
    // Assess
    expect(res.status).toBe(400);
    expect(res.headers.get("x-amzn-errortype")).toBe("UnknownOperationException");
    const body = (await res.json()) as Record<string, unknown>;
    expect(body["__type"]).toBe("UnknownOperationException");
    expect(String(body["message"])).toMatch(/^Content-Type must be application\/x-amz-json-1\.1, got /);
    expect(await server.flush()).toEqual([]);
  });
});
