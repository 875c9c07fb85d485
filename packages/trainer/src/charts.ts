// Inline SVG charts of the evaluation report: no script, no network.
import type { Sweep } from "./metrics.js";

/** Series colours, one per scored set. @internal */
export const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"];

/** HTML/SVG text escaping. @internal */
export const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** A curve: points joined by straight segments (draw steps by giving both corners). @internal */
export interface Series {
  name: string;
  color: string;
  points: [number, number][];
}

/** A labelled point drawn over the curves (an operating point). @internal */
export interface Marker {
  x: number;
  y: number;
  /** One or two characters drawn beside the point. */
  label: string;
  color: string;
  /** Hollow square instead of a filled circle. */
  hollow?: boolean;
  /** Tooltip. */
  title: string;
}

const W = 360;
const H = 280;
const L = 56;
const B = 40;
const T = 24;
const R = 12;

/** Tick label: at most 3 significant digits, so labels fit the margin. */
const tick = (x: number): string => (x === 0 ? "0" : Math.abs(x) >= 1e4 || Math.abs(x) < 1e-3 ? x.toExponential(1) : String(Number(x.toPrecision(3))));

function evenly<T>(items: T[], max: number): T[] {
  if (items.length <= max) return items;
  const step = items.length / max;
  const out: T[] = [];
  for (let i = 0; i < max; i++) out.push(items[Math.floor(i * step)]!);
  out.push(items[items.length - 1]!);
  return out;
}

/**
 * The precision–recall curve as a step function, the way average precision integrates it:
 * precision Pₙ holds from recall Rₙ₋₁ to Rₙ at each cut where recall rises, so the area under the
 * drawn curve is the average precision (no linear interpolation between points, which overstates
 * precision). At most `maxSteps` steps (merged evenly beyond).
 * @internal
 */
export function prSteps(s: Sweep, maxSteps = 600): [number, number][] {
  const steps: [number, number][] = [];
  let prevTp = 0;
  for (let k = 0; k < s.scores.length; k++) {
    const tp = s.tp[k]!;
    if (tp === prevTp) continue;
    steps.push([tp / s.positives, tp / (tp + s.fp[k]!)]);
    prevTp = tp;
  }
  const out: [number, number][] = [];
  let prevRecall = 0;
  for (const [recall, precision] of evenly(steps, maxSteps)) {
    out.push([prevRecall, precision], [recall, precision]);
    prevRecall = recall;
  }
  return out;
}

/** ROC points (linear between distinct scores, which counts ties half). @internal */
export function rocPoints(s: Sweep, max = 400): [number, number][] {
  const pts: [number, number][] = [[0, 0]];
  for (let k = 0; k < s.scores.length; k++) pts.push([s.fp[k]! / s.negatives, s.tp[k]! / s.positives]);
  return evenly(pts, max);
}

function frame(title: string, xLabel: string, yLabel: string, sx: (x: number) => number, sy: (y: number) => number, xMax: number, yMin: number, yMax: number, height = H): string {
  let svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" role="img" aria-label="${esc(title)}">`;
  svg += `<text x="${W / 2}" y="16" text-anchor="middle" class="t">${esc(title)}</text>`;
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    const xv = t * xMax;
    const yv = yMin + t * (yMax - yMin);
    svg += `<line x1="${sx(xv)}" y1="${sy(yMin)}" x2="${sx(xv)}" y2="${sy(yMax)}" class="g"/><text x="${sx(xv)}" y="${H - B + 14}" text-anchor="middle">${tick(xv)}</text>`;
    svg += `<line x1="${sx(0)}" y1="${sy(yv)}" x2="${sx(xMax)}" y2="${sy(yv)}" class="g"/><text x="${L - 4}" y="${sy(yv) + 4}" text-anchor="end">${tick(yv)}</text>`;
  }
  svg += `<text x="${(L + W - R) / 2}" y="${H - 6}" text-anchor="middle">${esc(xLabel)}</text>`;
  svg += `<text transform="translate(12 ${(T + H - B) / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`;
  return svg;
}

/** Draws the markers; a label that would overlap an earlier one moves right until it is clear. */
function markersSvg(markers: Marker[], sx: (x: number) => number, sy: (y: number) => number): string {
  const placed: [number, number][] = [];
  return markers
    .map((m) => {
      const x = sx(m.x);
      const y = sy(m.y);
      const shape = m.hollow
        ? `<rect x="${(x - 4).toFixed(1)}" y="${(y - 4).toFixed(1)}" width="8" height="8" fill="#fff" stroke="${m.color}" stroke-width="1.5"/>`
        : `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="4" fill="${m.color}" stroke="#fff"/>`;
      let lx = x + 6;
      const ly = Math.max(T + 10, y - 5);
      while (placed.some(([px, py]) => Math.abs(px - lx) < 8 && Math.abs(py - ly) < 10)) lx += 8;
      placed.push([lx, ly]);
      return `<g><title>${esc(m.title)}</title>${shape}<text x="${lx.toFixed(1)}" y="${ly.toFixed(1)}" class="m" fill="${m.color}">${esc(m.label)}</text></g>`;
    })
    .join("");
}

/** A line chart in inline SVG; x in [0, xMax], y in [yMin, yMax]. @internal */
export function lineChart(
  title: string,
  xLabel: string,
  yLabel: string,
  series: Series[],
  opts: { xMax?: number; yMax?: number; yMin?: number; diagonal?: boolean; legend?: "top" | "bottom" | "below"; markers?: Marker[] } = {},
): string {
  const xMax = opts.xMax ?? 1;
  const yMax = opts.yMax ?? 1;
  const yMin = opts.yMin ?? 0;
  const sx = (x: number): number => L + (x / xMax) * (W - L - R);
  const sy = (y: number): number => H - B - ((y - yMin) / (yMax - yMin || 1)) * (H - B - T);
  const below = opts.legend === "below";
  let svg = frame(title, xLabel, yLabel, sx, sy, xMax, yMin, yMax, below ? H + 4 + series.length * 16 : H);
  if (opts.diagonal) svg += `<line x1="${sx(0)}" y1="${sy(0)}" x2="${sx(1)}" y2="${sy(1)}" class="d"/>`;
  for (const s of series) {
    const d = s.points.map(([x, y], k) => `${k ? "L" : "M"}${sx(x).toFixed(1)} ${sy(y).toFixed(1)}`).join("");
    svg += `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"/>`;
  }
  svg += markersSvg(opts.markers ?? [], sx, sy);
  if (below) {
    // under the chart, one entry a line: long names cover no curve
    series.forEach((s, i) => {
      svg += `<rect x="${L}" y="${H + i * 16}" width="10" height="10" fill="${s.color}"/><text x="${L + 14}" y="${H + 9 + i * 16}">${esc(s.name)}</text>`;
    });
    return svg + "</svg>";
  }
  // Legend sized to its longest entry (about 6.5 px a character at 11 px), top or bottom right.
  const lw = 18 + 6.5 * Math.max(...series.map((x) => x.name.length), 0);
  const ly = opts.legend === "bottom" ? H - B - 6 - series.length * 16 : T + 4;
  svg += `<rect x="${W - R - lw - 6}" y="${ly - 2}" width="${lw + 4}" height="${series.length * 16 + 2}" fill="#fff" fill-opacity="0.85"/>`;
  series.forEach((s, i) => {
    svg += `<rect x="${W - R - lw - 2}" y="${ly + i * 16}" width="10" height="10" fill="${s.color}"/><text x="${W - R - lw + 12}" y="${ly + 9 + i * 16}">${esc(s.name)}</text>`;
  });
  return svg + "</svg>";
}

/** The smallest and largest finite score (a histogram's range for scores outside [0, 1]). @internal */
export function scoreRange(scores: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < scores.length; i++) {
    const v = scores[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(lo <= hi)) return [0, 1];
  return lo === hi ? [lo - 0.5, hi + 0.5] : [lo, hi];
}

/**
 * Score histogram per class, log-scaled counts (fraud is rare), threshold dashed. Scores span
 * `range` (default [0, 1], probabilities; an anomaly score gives its own).
 * @internal
 */
export function histogram(name: string, scores: ArrayLike<number>, labels: ArrayLike<number>, threshold: number, range: [number, number] = [0, 1]): string {
  const bins = 20;
  const [lo, hi] = range;
  const span = hi - lo || 1;
  const counts = [new Array<number>(bins).fill(0), new Array<number>(bins).fill(0)];
  for (let i = 0; i < labels.length; i++) {
    const b = Math.min(bins - 1, Math.max(0, Math.floor(((scores[i]! - lo) / span) * bins)));
    counts[labels[i] === 1 ? 1 : 0]![b]!++;
  }
  const left = 48;
  const maxLog = Math.log10(Math.max(1, ...counts[0]!, ...counts[1]!) + 1);
  const bw = (W - left - R) / bins;
  const sy = (c: number): number => H - B - (Math.log10(c + 1) / (maxLog || 1)) * (H - B - T);
  let svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="score histogram">`;
  svg += `<text x="${W / 2}" y="16" text-anchor="middle" class="t">Scores by class — ${esc(name)} (log count)</text>`;
  for (let p = 0; p <= Math.ceil(maxLog); p++) {
    const y = sy(10 ** p - 1);
    if (y < T - 1) break;
    svg += `<line x1="${left}" y1="${y}" x2="${W - R}" y2="${y}" class="g"/><text x="${left - 4}" y="${y + 4}" text-anchor="end">${10 ** p}</text>`;
  }
  [0, 1].forEach((cls) => {
    counts[cls]!.forEach((c, b) => {
      if (c === 0) return;
      const x = left + b * bw + (cls ? bw / 2 : 1);
      svg += `<rect x="${x.toFixed(1)}" y="${sy(c).toFixed(1)}" width="${(bw / 2 - 1).toFixed(1)}" height="${(H - B - sy(c)).toFixed(1)}" fill="${COLORS[cls]}"><title>class ${cls}, ${tick(lo + (b / bins) * span)}–${tick(lo + ((b + 1) / bins) * span)}: ${c}</title></rect>`;
    });
  });
  if (threshold >= lo && threshold <= hi) {
    const tx = left + ((threshold - lo) / span) * (W - left - R);
    svg += `<line x1="${tx.toFixed(1)}" y1="${T}" x2="${tx.toFixed(1)}" y2="${H - B}" stroke="#000" stroke-dasharray="4 3"/>`;
  }
  for (const t of [0, 0.5, 1]) svg += `<text x="${left + t * (W - left - R)}" y="${H - B + 14}" text-anchor="middle">${tick(lo + t * span)}</text>`;
  svg += `<text x="${(left + W - R) / 2}" y="${H - 6}" text-anchor="middle">score (dashed: threshold)</text>`;
  svg += `<rect x="${W - R - 110}" y="${T + 4}" width="10" height="10" fill="${COLORS[0]}"/><text x="${W - R - 96}" y="${T + 13}">legit (0)</text>`;
  svg += `<rect x="${W - R - 110}" y="${T + 20}" width="10" height="10" fill="${COLORS[1]}"/><text x="${W - R - 96}" y="${T + 29}">fraud (1)</text>`;
  return svg + "</svg>";
}
