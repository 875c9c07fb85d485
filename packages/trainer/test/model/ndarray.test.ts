// MXNet NDArray list (.params) reader and writer: every record layout, storage type and dtype.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ModelError, decodeNDArrayList, encodeNDArrayList } from "@fraud/trainer/model";
import type { NDArrayVersion } from "@fraud/trainer/model";

/** Little-endian byte builder for hand-made records. */
class Bytes {
  private parts: number[] = [];
  u32(v: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, v >>> 0, true);
    this.parts.push(...b);
    return this;
  }
  i32(v: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setInt32(0, v, true);
    this.parts.push(...b);
    return this;
  }
  u64(v: number): this {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt(v), true);
    this.parts.push(...b);
    return this;
  }
  f32(...vs: number[]): this {
    for (const v of vs) {
      const b = new Uint8Array(4);
      new DataView(b.buffer).setFloat32(0, v, true);
      this.parts.push(...b);
    }
    return this;
  }
  u16(...vs: number[]): this {
    for (const v of vs) this.parts.push(v & 0xff, v >> 8);
    return this;
  }
  name(s: string): this {
    const b = new TextEncoder().encode(s);
    this.u64(b.length);
    this.parts.push(...b);
    return this;
  }
  get(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}
const header = (n: number): Bytes => new Bytes().u64(0x112).u64(0).u64(n);

describe("decodeNDArrayList", () => {
  const versions: NDArrayVersion[] = ["V1", "V2", "V3", "legacy"];

  it.each(versions)("round-trips %s records of any shape and dtype (property)", (version) => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            shape: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }),
            dtype: fc.constantFrom("float32" as const, "float64" as const, "int32" as const, "int64" as const, "uint8" as const, "int8" as const),
            seed: fc.integer(),
          }),
          { maxLength: 4 },
        ),
        (specs) => {
          const arrays = specs.map((s, k) => {
            const n = s.shape.reduce((a, b) => a * b, 1);
            const values = Array.from({ length: n }, (_, i) => {
              const v = ((((s.seed % 100) + 100 + i * 7919) % 100) - 50);
              return s.dtype === "uint8" ? Math.abs(v) : s.dtype.startsWith("float") ? v / 8 : v;
            });
            return { name: `arg:w${k}`, shape: s.shape, values, dtype: s.dtype };
          });
          const decoded = decodeNDArrayList(encodeNDArrayList(arrays, { version }));
          expect(decoded.map((a) => ({ name: a.name, shape: a.shape, values: Array.from(a.values), dtype: a.dtype, version: a.version }))).toEqual(
            arrays.map((a) => ({ name: a.name, shape: a.shape, values: a.values, dtype: a.dtype, version })),
          );
        },
      ),
      { numRuns: 50 },
    );
  });

  it("every truncation of a valid list is MODEL_CORRUPT", () => {
    const bytes = encodeNDArrayList([
      { name: "arg:fc0_weight", shape: [3, 1], values: [1, 2, 3] },
      { name: "arg:fc0_bias", shape: [1], values: [4] },
    ]);
    for (let n = 0; n < bytes.length; n++) {
      expect(() => decodeNDArrayList(bytes.subarray(0, n))).toThrow(ModelError);
    }
  });

  it("reads float16 and bfloat16 values", () => {
    const bytes = header(2)
      .u32(0xf993fac9).i32(0).i32(1).u64(4).i32(1).i32(0).i32(2).u16(0x3c00, 0xc000, 0x0001, 0x7c00)
      .u32(0xf993fac9).i32(0).i32(1).u64(1).i32(1).i32(0).i32(12).u16(0x3fc0)
      .u64(2).name("h").name("b")
      .get();
    const [h, b] = decodeNDArrayList(bytes);
    expect(Array.from(h!.values)).toEqual([1, -2, 2 ** -24, Infinity]);
    expect(h!.dtype).toBe("float16");
    expect(Array.from(b!.values)).toEqual([1.5]);
  });

  it("densifies row_sparse and csr storage", () => {
    const bytes = header(2)
      // row_sparse (3, 2) with rows 0 and 2 stored: storage shape (2, 2), aux int64 (2,)
      .u32(0xf993fac9).i32(1).i32(2).u64(2).u64(2).i32(2).u64(3).u64(2).i32(1).i32(0).i32(0).i32(6).i32(1).u64(2)
      .f32(1, 2, 5, 6).u64(0).u64(2)
      // csr (2, 3): [[0, 7, 0], [8, 0, 9]]; aux indptr int64 (3,), indices int64 (3,)
      .u32(0xf993fac9).i32(2).i32(1).u64(3).i32(2).u64(2).u64(3).i32(1).i32(0).i32(0).i32(6).i32(1).u64(3).i32(6).i32(1).u64(3)
      .f32(7, 8, 9).u64(0).u64(1).u64(3).u64(1).u64(0).u64(2)
      .u64(2).name("rs").name("csr")
      .get();
    const [rs, csr] = decodeNDArrayList(bytes);
    expect([rs!.storage, rs!.shape, Array.from(rs!.values)]).toEqual(["row_sparse", [3, 2], [1, 2, 0, 0, 5, 6]]);
    expect([csr!.storage, csr!.shape, Array.from(csr!.values)]).toEqual(["csr", [2, 3], [0, 7, 0, 8, 0, 9]]);
  });

  it("returns 'none' arrays (V2 ndim 0, V3 ndim -1) without data, and an unnamed list", () => {
    const bytes = header(3).u32(0xf993fac9).i32(0).i32(0).u32(0xf993faca).i32(0).i32(-1).u32(0xf993faca).i32(0).i32(0).i32(1).i32(0).i32(0).f32(2.5).u64(0).get();
    const arrays = decodeNDArrayList(bytes);
    expect(arrays.map((a) => [a.name, a.version, a.shape, Array.from(a.values)])).toEqual([
      ["", "V2", null, []],
      ["", "V3", null, []],
      ["", "V3", [], [2.5]],
    ]);
  });

  it.each([
    ["list magic", new Bytes().u64(0x113).u64(0).u64(0).u64(0).get(), "p: not an MXNet NDArray list (magic 0x113, expected 0x112) at byte 0"],
    ["record magic", header(1).u32(0xf993facb).get(), "p: unknown NDArray record magic 0xf993facb (expected V1 0xf993fac8, V2 0xf993fac9, V3 0xf993faca or a legacy dimension count) at byte 24"],
    ["storage type", header(1).u32(0xf993fac9).i32(3).get(), "p: unknown storage type 3 at byte 28"],
    ["dtype", header(1).u32(0xf993fac9).i32(0).i32(1).u64(1).i32(1).i32(0).i32(13).get(), "p: unknown dtype flag 13 at byte 52"],
    ["ndim", header(1).u32(0xf993fac9).i32(0).i32(99).get(), "p: invalid number of dimensions 99 at byte 32"],
    ["name count", header(1).u32(0xf993fac9).i32(0).i32(1).u64(1).i32(1).i32(0).i32(0).f32(1).u64(2).get(), "p: name count 2 does not match array count 1 at byte 60"],
    ["trailing bytes", header(0).u64(0).u32(7).get(), "p: 4 unexpected bytes after the NDArray list at byte 32"],
    ["utf-8 name", Uint8Array.from([...header(1).u32(0xf993fac9).i32(0).i32(1).u64(1).i32(1).i32(0).i32(0).f32(1).u64(1).u64(1).get(), 0xff]), "p: array name is not valid UTF-8 at byte 68"],
  ])("rejects a bad %s", (_what, bytes, message) => {
    expect(() => decodeNDArrayList(bytes, { name: "p" })).toThrow(expect.objectContaining({ code: "MODEL_CORRUPT", message }));
  });

  it("refuses arrays above maxElements before allocating", () => {
    const bytes = header(1).u32(0xf993fac9).i32(0).i32(2).u64(100000).u64(100000).i32(1).i32(0).i32(0).get();
    expect(() => decodeNDArrayList(bytes, { name: "p" })).toThrow(
      expect.objectContaining({ code: "MODEL_TOO_LARGE", message: "p: array of shape (100000, 100000) declares 10000000000 elements, above the limit of 16777216 (byte 64)" }),
    );
    expect(() => decodeNDArrayList(header(1).u32(0xf993fac9).i32(0).i32(1).u64(11).i32(1).i32(0).i32(0).get(), { name: "p", maxElements: 10 })).toThrow(
      expect.objectContaining({ code: "MODEL_TOO_LARGE" }),
    );
  });

  it("checks a dense array's declared size against the bytes present before allocating", () => {
    // 16 million float32 declared (64 MB), 8 bytes present.
    const bytes = header(1).u32(0xf993fac9).i32(0).i32(1).u64(16_000_000).i32(1).i32(0).i32(0).f32(1, 2).get();
    expect(() => decodeNDArrayList(bytes, { name: "p" })).toThrow(
      expect.objectContaining({ code: "MODEL_CORRUPT", message: "p: truncated NDArray data (16000000 float32 values need 64000000 bytes, 8 present) at byte 56" }),
    );
  });

  it("refuses a row_sparse array whose logical shape is above the limit, though its stored rows are few", () => {
    // One stored row of a (100 000 000, 1) array: 12 bytes of data would densify into 800 MB.
    const bytes = header(1)
      .u32(0xf993fac9)
      .i32(1) // row_sparse
      .i32(2).u64(1).u64(1) // storage shape (1, 1)
      .i32(2).u64(100_000_000).u64(1) // logical shape
      .i32(1).i32(0).i32(0) // cpu(0), float32
      .i32(6).i32(1).u64(1) // aux: int64 row indices, shape (1)
      .f32(0.5).u64(99_999_999)
      .u64(1).name("arg:fc0_weight")
      .get();
    expect(() => decodeNDArrayList(bytes, { name: "p", maxElements: 1_000_000 })).toThrow(expect.objectContaining({ code: "MODEL_TOO_LARGE" }));
    const [a] = decodeNDArrayList(bytes, { name: "p", maxElements: 100_000_000 }).slice(0, 1);
    expect(a!.values[99_999_999]).toBe(0.5);
  });

  it("refuses an array count the file cannot hold", () => {
    expect(() => decodeNDArrayList(header(2 ** 40).get(), { name: "p" })).toThrow(
      expect.objectContaining({ code: "MODEL_CORRUPT", message: "p: array count 1099511627776 larger than the file can hold at byte 16" }),
    );
  });
});
