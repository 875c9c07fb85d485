import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import {
  MAX_STREAM_RATE,
  createTransactionSource,
  generateDataset,
  poissonArrivals,
  postTransactions,
  replayDataset,
  transactionStream,
} from "@fraud/simulator";
import type { Clock, LiveTransaction } from "@fraud/simulator";

/** A simulated clock: `sleep` advances time at once and records the wait. */
function fakeClock(): { clock: Clock; sleeps: number[]; readonly now: number } {
  let now = 0;
  const sleeps: number[] = [];
  return {
    clock: {
      now: () => now,
      sleep: async (ms) => {
        sleeps.push(ms);
        now += ms;
      },
    },
    sleeps,
    get now() {
      return now;
    },
  };
}

function take<T>(it: Iterator<T>, n: number): T[] {
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(it.next().value as T);
  return out;
}

describe("Poisson arrivals", () => {
  it.each([
    [5, 11],
    [50, 12],
    [2000, 13],
  ])("rate %d: exponential gaps (Kolmogorov-Smirnov), mean 1/rate, Poisson counts", (rate, seed) => {
    const n = 20_000;
    const times = take(poissonArrivals({ rate, seed }), n);
    const gaps = times.map((t, i) => t - (i === 0 ? 0 : times[i - 1]!));
    const mean = gaps.reduce((a, b) => a + b, 0) / n;
    expect(Math.abs(mean * rate - 1)).toBeLessThan(0.03);
    // KS statistic against Exp(rate); the 1% critical value is 1.63 / sqrt(n).
    const sorted = [...gaps].sort((a, b) => a - b);
    let d = 0;
    for (let i = 0; i < n; i++) {
      const cdf = 1 - Math.exp(-rate * sorted[i]!);
      d = Math.max(d, Math.abs(cdf - i / n), Math.abs(cdf - (i + 1) / n));
    }
    expect(d).toBeLessThan(1.63 / Math.sqrt(n));
    // Counts in windows of expected size 10 have variance equal to their mean (dispersion ~1).
    const width = 10 / rate;
    const windows = Math.floor(times[n - 1]! / width);
    const counts = new Array<number>(windows).fill(0);
    for (const t of times) {
      const w = Math.floor(t / width);
      if (w < windows) counts[w]!++;
    }
    const cm = counts.reduce((a, b) => a + b, 0) / windows;
    const cv = counts.reduce((a, b) => a + (b - cm) ** 2, 0) / (windows - 1);
    expect(cv / cm).toBeGreaterThan(0.85);
    expect(cv / cm).toBeLessThan(1.15);
  });

  it("the stream's timestamps are those arrivals", async () => {
    const start = Date.UTC(2024, 5, 1);
    const got: LiveTransaction[] = [];
    for await (const t of transactionStream({ seed: 4, rate: 100, count: 50, start, realTime: false })) got.push(t);
    const arrivals = take(poissonArrivals({ rate: 100, seed: 4 }), 50);
    expect(got.map((t) => Date.parse(t.timestamp))).toEqual(arrivals.map((a) => start + Math.round(a * 1000)));
  });

  it("paces a real-time stream at the requested rate (simulated clock)", async () => {
    const clock = fakeClock();
    const at: number[] = [];
    const elapsed: number[] = [];
    for await (const t of transactionStream({ seed: 8, rate: 400, duration: 10, start: 0, clock: clock.clock })) {
      at.push(clock.now);
      elapsed.push(Date.parse(t.timestamp));
    }
    // 4,000 expected; 4 standard deviations is +-253.
    expect(at.length).toBeGreaterThan(3747);
    expect(at.length).toBeLessThan(4253);
    // Each transaction is released at its event time (waits under 1 ms are skipped; timestamps are
    // whole milliseconds), and the stream ends at the duration.
    for (let i = 0; i < at.length; i++) expect(Math.abs(at[i]! - elapsed[i]!)).toBeLessThanOrEqual(1.5);
    expect(clock.now).toBeCloseTo(10_000, 0);
    expect(clock.sleeps.every((ms) => ms >= 1)).toBe(true);
  });

  it("waits on the machine's clock by default (never early)", async () => {
    const t0 = performance.now();
    const live = [];
    for await (const t of transactionStream({ seed: 8, rate: 200, duration: 0.2 })) live.push(t);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(190);
    const again = [];
    for await (const t of transactionStream({ seed: 8, rate: 200, duration: 0.2, realTime: false })) again.push(t);
    // the same transactions in the same order; on a machine too busy to keep up, the wall clock may
    // end the live stream at its duration before the last few are due out, never with others
    expect(live.length).toBeGreaterThan(0);
    expect(live.length).toBeLessThanOrEqual(again.length);
    expect(live.map((t) => t.id)).toEqual(again.slice(0, live.length).map((t) => t.id));
  });

  it("stops when aborted while waiting", async () => {
    const controller = new AbortController();
    let waits = 0;
    // The second wait only ends when the signal aborts.
    const clock: Clock = {
      now: () => 0,
      sleep: (_ms, signal) => {
        waits++;
        if (waits === 1) return Promise.resolve();
        setImmediate(() => controller.abort());
        return new Promise((resolve) => signal?.addEventListener("abort", () => resolve(), { once: true }));
      },
    };
    const got: LiveTransaction[] = [];
    for await (const t of transactionStream({ seed: 2, rate: 1, duration: 3600, signal: controller.signal, clock })) got.push(t);
    expect(got).toHaveLength(1);
    expect(waits).toBe(2);
  });

  it("ends at its duration by the wall clock when it falls behind its rate", async () => {
    // A machine too slow for the rate: every reading of the clock is a millisecond later.
    let t = 0;
    const clock: Clock = { now: () => (t += 1), sleep: async (ms) => void (t += ms) };
    let n = 0;
    for await (const _ of transactionStream({ seed: 5, rate: 100_000, duration: 1, clock })) n++;
    expect(n).toBeLessThan(1000);
    expect(t).toBeLessThan(1010);
  });

  it("refuses a real-time rate above MAX_STREAM_RATE, not an as-fast-as-consumed one", async () => {
    await expect(transactionStream({ seed: 1, rate: MAX_STREAM_RATE * 10, duration: 1 }).next()).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    const first = await transactionStream({ seed: 1, rate: MAX_STREAM_RATE * 10, count: 1, realTime: false }).next();
    expect(first.done).toBe(false);
  });

  it.each([
    [{ seed: 1, rate: 0, duration: 1 }, "rate must be a positive number up to 100000, got 0"],
    [{ seed: 1, rate: 1, duration: -2 }, "duration must be a positive number of seconds up to 31622400, got -2"],
    [{ seed: 1.5, rate: 1, duration: 1 }, "seed must be a non-negative integer, got 1.5"],
  ])("rejects %o", async (options, message) => {
    await expect(transactionStream(options).next()).rejects.toThrow(message);
  });
});

describe("replay", () => {
  it("replays in time order, speed times faster than real time (simulated clock)", async () => {
    const data = generateDataset({ rows: 200, seed: 3 });
    // Reverse the rows: replay must restore time order.
    const rev = { rows: data.rows, features: new Float64Array(data.features.length), labels: new Uint8Array(data.rows) };
    for (let r = 0; r < data.rows; r++) {
      rev.features.set(data.features.subarray(r * 30, r * 30 + 30), (data.rows - 1 - r) * 30);
      rev.labels[data.rows - 1 - r] = data.labels[r]!;
    }
    const span = data.features[(data.rows - 1) * 30]! - data.features[0]!;
    const speed = span / 0.5; // the whole file in half a second
    const clock = fakeClock();
    const times: number[] = [];
    for await (const t of replayDataset(rev, { speed, start: 0, clock: clock.clock })) {
      times.push(t.time);
      // Released when the scaled event time has come.
      expect(Math.abs(clock.now - ((t.time - data.features[0]!) * 1000) / speed)).toBeLessThanOrEqual(1);
    }
    expect(times).toHaveLength(200);
    expect(times.every((t, i) => i === 0 || t >= times[i - 1]!)).toBe(true);
    expect(clock.now).toBeCloseTo(500, 0);
  });
});

describe("POST to an HTTP target", () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  async function listen(handler: (req: IncomingMessage, body: string, res: ServerResponse) => void): Promise<string> {
    server = createServer((req, res) => {
      let body = "";
      req.setEncoding("utf8");
      req.on("data", (c: string) => (body += c));
      req.on("end", () => handler(req, body, res));
    });
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/score`;
  }

  it("sends every transaction in small batches, retries a 503, never exceeds the concurrency", async () => {
    const received: string[] = [];
    let active = 0;
    let maxActive = 0;
    let requests = 0;
    const url = await listen((req, body, res) => {
      requests++;
      active++;
      maxActive = Math.max(maxActive, active);
      setTimeout(() => {
        active--;
        if (requests === 1) {
          res.writeHead(503).end("busy");
          return;
        }
        expect(req.headers["content-type"]).toBe("application/json");
        const parsed = JSON.parse(body) as { transactions: LiveTransaction[] };
        expect(parsed.transactions.length).toBeLessThanOrEqual(10);
        received.push(...parsed.transactions.map((t) => t.id));
        res.writeHead(200, { "content-type": "application/json" }).end("{}");
      }, 20);
    });
    const source = createTransactionSource({ seed: 2 }).take(95);
    const result = await postTransactions(source, { url, batchSize: 10, concurrency: 2 });
    expect(result).toMatchObject({ sent: 95, failed: 0, batches: 10 });
    expect(new Set(received)).toEqual(new Set(source.map((t) => t.id)));
    expect(received).toHaveLength(95);
    expect(maxActive).toBeLessThanOrEqual(2);
  });

  it("counts batches the target rejects as failed", async () => {
    const url = await listen((_req, _body, res) => res.writeHead(400).end("bad"));
    const result = await postTransactions(createTransactionSource({ seed: 2 }).take(30), { url, batchSize: 25, retries: 1 });
    expect(result).toMatchObject({ sent: 0, failed: 30, batches: 2, lastError: "HTTP 400" });
  });

  it("sends a partial batch after the linger time", async () => {
    const sizes: number[] = [];
    const url = await listen((_req, body, res) => {
      sizes.push((JSON.parse(body) as { transactions: unknown[] }).transactions.length);
      res.writeHead(204).end();
    });
    const stream = transactionStream({ seed: 3, rate: 40, duration: 0.6 });
    const result = await postTransactions(stream, { url, batchSize: 1000, lingerMs: 100 });
    expect(result.failed).toBe(0);
    expect(sizes.length).toBeGreaterThan(2);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(result.sent);
  });

  it("rejects a target that is not an http URL", async () => {
    await expect(postTransactions([], { url: "ftp://x" })).rejects.toThrow("target must be an http(s) URL, got ftp://x");
  });
});
