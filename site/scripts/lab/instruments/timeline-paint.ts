// Paints one frame of the timeline on its canvas: lane names (when lanes are tall enough to read),
// the bars bucketed by colour, publishes as dashed marks, the picked bar outlined, and the time axis.
// Returns the geometry it used, so pointer and keyboard can find what is under them.
import type { Exchange, ExchangeOutcome } from '../../../../server/contracts/instruments.ts';
import type { chartInk } from './outcomes.ts';
import type { TimelineData } from './timeline-data.ts';
import { barSpan, formatAgo, laneRows, tickStep, ticksBack, timeScale, type LaneRows, type TimeScale } from './timeline-layout.ts';

export const AXIS_H = 20;
export const TOP = 4;
const GUTTER_W = 64;
const LABEL_MIN_ROW = 11;

export interface PaintFrame {
  nowMs: number;
  /** Where the window ends (now, when following). */
  endMs: number;
  windowMs: number;
  /** A recorded run's axis counts from its start ("3 s"); a live one back from now ("−3 s"). */
  recorded: boolean;
  colours: Record<ExchangeOutcome, string>;
  ink: ReturnType<typeof chartInk>;
  selected: Exchange | null;
}

/** Reused between frames so painting allocates nothing per bar. */
const buckets = new Map<ExchangeOutcome, number[]>();

export function paintTimeline(context: CanvasRenderingContext2D, data: TimelineData, frame: PaintFrame): { scale: TimeScale; rows: LaneRows } {
  const { nowMs, ink } = frame;
  const ratio = devicePixelRatio || 1;
  const width = context.canvas.width / ratio;
  const height = context.canvas.height / ratio;
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  context.clearRect(0, 0, width, height);
  const plotHeight = Math.max(1, height - AXIS_H - TOP);
  const rows = laneRows(data.lanes.size, plotHeight);
  // Lanes tall enough to read get their names in a gutter; compressed ones are a texture, not a list.
  const gutter = rows.lanesPerRow === 1 && rows.rowHeight >= LABEL_MIN_ROW ? GUTTER_W : 0;
  const scale = timeScale(frame.endMs - frame.windowMs, frame.endMs, gutter, width - gutter);
  const gap = rows.rowHeight >= 6 ? 1 : 0;
  if (gutter) {
    context.fillStyle = ink.muted;
    context.font = '10px system-ui, sans-serif';
    context.textBaseline = 'middle';
    for (const [lane, index] of data.lanes) {
      context.fillText(lane.length > 10 ? `${lane.slice(0, 9)}…` : lane, 2, TOP + (index + 0.5) * rows.rowHeight, gutter - 6);
    }
  }

  // Bars are bucketed by colour and filled one colour at a time: one fillStyle change per outcome.
  for (const bucket of buckets.values()) bucket.length = 0;
  const barHeight = Math.max(1, rows.rowHeight - 2 * gap);
  for (const exchange of data.exchanges.values()) {
    const span = barSpan(exchange, nowMs, scale, 2);
    if (!span) continue;
    const row = rows.rowOf(data.lanes.get(exchange.lane) ?? 0);
    let bucket = buckets.get(exchange.outcome);
    if (!bucket) buckets.set(exchange.outcome, (bucket = []));
    // Wide bars lose their last pixel, so a poll that follows another at once still shows as two.
    bucket.push(span.x, TOP + row * rows.rowHeight + gap, span.w > 3 ? span.w - 1 : span.w);
  }
  for (const [outcome, bucket] of buckets) {
    context.fillStyle = frame.colours[outcome];
    for (let i = 0; i < bucket.length; i += 3) context.fillRect(bucket[i]!, bucket[i + 1]!, bucket[i + 2]!, barHeight);
  }

  context.strokeStyle = ink.accent;
  context.lineWidth = 1.5;
  context.setLineDash([4, 3]);
  context.beginPath();
  for (const mark of data.publishes) {
    if (mark.at < scale.startMs || mark.at > scale.endMs) continue;
    const x = Math.round(scale.x(mark.at)) + 0.5;
    context.moveTo(x, TOP);
    context.lineTo(x, TOP + plotHeight);
  }
  context.stroke();
  context.setLineDash([]);

  const span = frame.selected && barSpan(frame.selected, nowMs, scale);
  if (frame.selected && span) {
    const row = rows.rowOf(data.lanes.get(frame.selected.lane) ?? 0);
    context.strokeStyle = ink.fg;
    context.lineWidth = 2;
    context.strokeRect(span.x - 1, TOP + row * rows.rowHeight - 1, span.w + 2, Math.max(3, rows.rowHeight) + 2);
  }

  const axisY = TOP + plotHeight;
  context.fillStyle = ink.grid;
  context.fillRect(gutter, axisY, width - gutter, 1);
  context.fillStyle = ink.muted;
  context.font = '11px system-ui, sans-serif';
  context.textBaseline = 'top';
  const anchor = frame.recorded ? scale.startMs : nowMs;
  for (const tick of ticksBack(scale.startMs, scale.endMs, anchor, tickStep(frame.windowMs, width))) {
    const x = scale.x(tick);
    context.fillRect(Math.round(x), axisY, 1, 4);
    const label = frame.recorded ? `${((tick - anchor) / 1000).toFixed(0)} s` : formatAgo(nowMs - tick);
    const measured = context.measureText(label).width;
    context.fillText(label, Math.min(width - measured, Math.max(gutter, x - measured / 2)), axisY + 5);
  }
  return { scale, rows };
}
