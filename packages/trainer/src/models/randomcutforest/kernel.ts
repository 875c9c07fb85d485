// The WebAssembly scorer (kernel.wat, assembled in kernel-wasm.ts): where a forest lives in its
// memory, and the call that scores a block of rows with one tree. forest.ts fills the memory.
import { ModelError } from "../../errors.js";
import { KERNEL_WASM_BASE64 } from "./kernel-wasm.js";

/** The part of the WebAssembly JavaScript API the scorer uses (Node's global `WebAssembly`). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number; maximum?: number }) => { buffer: ArrayBuffer };
}

/** Rows scored per block at most: each tree visits the whole block while its nodes are in cache. */
const BLOCK_ROWS = 2048;
/** Bytes of a block at most (so that a forest of many features keeps a small block). */
const BLOCK_BYTES = 512 * 1024;
/** Rows of a group rising together (kernel.wat's state holds 64). */
const GROUP_ROWS = 64;
const PAGE = 65536;

/**
 * Byte offsets of a forest's regions in the kernel's memory (kernel.wat describes each one), for
 * `nodes` nodes (the sentinel included) of `dim` features and trees at most `maxDepth` deep.
 * @internal
 */
export interface KernelLayout {
  node: number;
  depth: number;
  seen: number;
  box: number;
  range: number;
  /** Where 1/(k + 1) for k = 0 is; k = −1, −2 and −3 are the three f64 before it. */
  unseen: number;
  block: number;
  acc: number;
  state: number;
  /** Rows of the block: 2048, fewer for more than 32 features (at most 512 KiB), a multiple of 8. */
  blockRows: number;
  /** Bytes in all. */
  bytes: number;
}

/** @internal */
export function kernelLayout(nodes: number, dim: number, maxDepth: number): KernelLayout {
  let at = 64;
  const take = (bytes: number): number => {
    const start = at;
    at = Math.ceil((at + bytes) / 64) * 64;
    return start;
  };
  const node = take(16 * nodes);
  const depth = take(4 * nodes);
  const seen = take(8 * nodes);
  const box = take(8 * dim * nodes);
  const range = take(8 * nodes);
  const unseen = take(8 * (maxDepth + 4)) + 24;
  const blockRows = Math.max(8, Math.min(BLOCK_ROWS, Math.floor(BLOCK_BYTES / (8 * dim) / 8) * 8));
  const block = take(8 * dim * blockRows);
  const acc = take(8 * blockRows);
  const state = take(2304 + 4 * GROUP_ROWS * dim);
  return { node, depth, seen, box, range, unseen, block, acc, state, blockRows, bytes: at };
}

/** A kernel instance over its own memory. @internal */
export interface Kernel {
  /** The memory the forest is laid out in. */
  readonly buffer: ArrayBuffer;
  /**
   * Adds tree `root`'s score of the block's first `rows` rows, times `norm`, to their
   * accumulators; the block's rows up to the next multiple of 8 must hold valid values too.
   */
  readonly scoreTree: (root: number, norm: number, rows: number) => void;
}

let compiled: object | undefined;

function wasmApi(): WasmApi {
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (api === undefined) throw new ModelError("INVALID_ARGUMENT", "randomcutforest scoring needs WebAssembly, which this JavaScript runtime does not provide");
  return api;
}

/**
 * A kernel with memory for `layout`, its regions told where they are. The module is compiled once
 * per process.
 * @throws {@link ModelError} `MODEL_TOO_LARGE` when the forest does not fit in 32-bit memory.
 * @internal
 */
export function createKernel(layout: KernelLayout, dim: number): Kernel {
  const api = wasmApi();
  const pages = Math.ceil(layout.bytes / PAGE);
  if (!(pages <= 65536)) throw new ModelError("MODEL_TOO_LARGE", `the forest needs ${layout.bytes} bytes to score, more than WebAssembly's 4 GiB`);
  compiled ??= new api.Module(Buffer.from(KERNEL_WASM_BASE64, "base64"));
  let memory: { buffer: ArrayBuffer };
  try {
    memory = new api.Memory({ initial: pages, maximum: pages });
  } catch (err) {
    throw new ModelError("MODEL_TOO_LARGE", `the forest needs ${layout.bytes} bytes to score, more memory than WebAssembly was given`, { cause: err });
  }
  const instance = new api.Instance(compiled, { rcf: { memory } });
  const exports = instance.exports as {
    layout: (...offsets: number[]) => void;
    scoreTree: (root: number, norm: number, rows: number) => void;
  };
  exports.layout(layout.node, layout.depth, layout.seen, layout.box, layout.range, layout.unseen, layout.block, layout.acc, layout.state, dim);
  return { buffer: memory.buffer, scoreTree: exports.scoreTree };
}
