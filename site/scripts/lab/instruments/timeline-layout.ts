// The timeline's geometry, free of the DOM so it can be tested: where a moment falls on the x axis,
// which row a lane is drawn in when there are more lanes than fit, where the axis ticks go, and when
// following "now" has moved the picture by at least a pixel (the only time a redraw is worth it).

export interface TimeScale {
  startMs: number;
  endMs: number;
  x(ms: number): number;
  ms(x: number): number;
  pxPerMs: number;
}

export function timeScale(startMs: number, endMs: number, left: number, width: number): TimeScale {
  const span = Math.max(1, endMs - startMs);
  const pxPerMs = width / span;
  return {
    startMs,
    endMs,
    pxPerMs,
    x: (ms) => left + (ms - startMs) * pxPerMs,
    ms: (x) => startMs + (x - left) / pxPerMs,
  };
}

export interface LaneRows {
  /** Rows actually drawn; fewer than lanes when several lanes share a row. */
  rows: number;
  rowHeight: number;
  /** Lanes per row (1 unless compressed). */
  lanesPerRow: number;
  rowOf(laneIndex: number): number;
  /** The lane indexes drawn in a row. */
  lanesIn(row: number): { first: number; last: number };
}

/**
 * Lanes get up to `maxRow` px each; when they do not fit at `minRow` px, neighbouring lanes share a row
 * (a thousand clients compress into the height there is, and the picture still shows the pattern).
 */
export function laneRows(lanes: number, height: number, minRow = 3, maxRow = 18): LaneRows {
  const count = Math.max(1, lanes);
  const fitting = Math.max(1, Math.floor(height / minRow));
  const lanesPerRow = count <= fitting ? 1 : Math.ceil(count / fitting);
  const rows = Math.ceil(count / lanesPerRow);
  const rowHeight = Math.min(maxRow, height / rows);
  return {
    rows,
    rowHeight,
    lanesPerRow,
    rowOf: (laneIndex) => Math.floor(laneIndex / lanesPerRow),
    lanesIn: (row) => ({ first: row * lanesPerRow, last: Math.min(count, (row + 1) * lanesPerRow) - 1 }),
  };
}

const tickSteps = [100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000];

/** The smallest round step that keeps labels at least `minGapPx` apart. */
export function tickStep(spanMs: number, widthPx: number, minGapPx = 64): number {
  const minMs = (minGapPx * spanMs) / Math.max(1, widthPx);
  return tickSteps.find((step) => step >= minMs) ?? tickSteps.at(-1)!;
}

/** Ticks counted back from `anchorMs` (now), so the labels read "−10 s" and stay put as time moves. */
export function ticksBack(startMs: number, endMs: number, anchorMs: number, step: number): number[] {
  const ticks: number[] = [];
  const first = anchorMs - Math.floor((anchorMs - startMs) / step) * step;
  for (let t = first; t <= endMs + 0.5; t += step) ticks.push(t);
  return ticks;
}

/** "now", "−500 ms", "−10 s", "−1 min 30 s": a moment relative to now, with its unit. */
export function formatAgo(ms: number): string {
  const back = Math.round(ms);
  if (Math.abs(back) < 1) return 'now';
  const sign = back > 0 ? '−' : '+';
  const size = Math.abs(back);
  if (size < 1000) return `${sign}${size} ms`;
  const seconds = size / 1000;
  if (seconds < 60) return `${sign}${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  const rest = Math.round(seconds - minutes * 60);
  return `${sign}${minutes} min${rest ? ` ${rest} s` : ''}`;
}

export interface Span { at: number; endMs: number | null }

/** A bar's left edge and width on screen; open bars grow to now. Null when it lies outside the window. */
export function barSpan(span: Span, nowMs: number, scale: TimeScale, minWidth = 1): { x: number; w: number } | null {
  const end = span.endMs === null ? nowMs : span.at + span.endMs;
  if (end < scale.startMs || span.at > scale.endMs) return null;
  const x0 = Math.max(scale.x(scale.startMs), scale.x(span.at));
  const x1 = Math.min(scale.x(scale.endMs), scale.x(end));
  return { x: x0, w: Math.max(minWidth, x1 - x0) };
}

/**
 * Following now: redraw once the picture has slid by a whole pixel, not on every frame, and when a
 * draw is costly (a thousand busy lanes on a slow machine) leave the main thread free for at least
 * three times as long as the last draw took, so scrolling and typing stay smooth.
 */
export function slidEnough(lastDrawnNow: number, nowMs: number, pxPerMs: number, lastDrawCostMs = 0): boolean {
  return (nowMs - lastDrawnNow) * pxPerMs >= 1 && nowMs - lastDrawnNow >= 3 * lastDrawCostMs;
}

/** Of the spans in the lanes under the pointer, the one nearest to `ms` within `toleranceMs`. */
export function pickSpan<T extends Span>(candidates: Iterable<T>, ms: number, nowMs: number, toleranceMs: number): T | null {
  let best: T | null = null;
  let bestDistance = Infinity;
  for (const span of candidates) {
    const end = span.endMs === null ? nowMs : span.at + span.endMs;
    const distance = ms < span.at ? span.at - ms : ms > end ? ms - end : 0;
    if (distance <= toleranceMs && distance < bestDistance) {
      best = span;
      bestDistance = distance;
    }
  }
  return best;
}
