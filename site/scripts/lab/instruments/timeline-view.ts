// The request timeline: one lane per client, a bar per exchange coloured by outcome, publishes as
// vertical marks, a time axis counted back from now. Drawn on one canvas from requestAnimationFrame,
// only when something changed or following "now" slid the picture by a pixel; no element per bar.
import type { Exchange } from '../../../../server/contracts/instruments.ts';
import { currentTheme, onThemeChange } from '../../theme.ts';
import { chartInk, outcomeColours, outcomeLabel, outcomeOrder } from './outcomes.ts';
import { TimelineData } from './timeline-data.ts';
import { barSpan, laneRows, pickSpan, slidEnough, timeScale, type LaneRows, type TimeScale } from './timeline-layout.ts';
import { AXIS_H, paintTimeline, TOP } from './timeline-paint.ts';
import { countOutcomes, describeCounts } from './timeline-summary.ts';

const LANE_H = 14;
const MIN_CANVAS_H = 150;
const MAX_CANVAS_H = 460;
const SUMMARY_EVERY_MS = 2000;
const SUMMARY_WINDOW_MS = 10_000;

export interface TimelineOptions {
  /** The moment the picture ends at when following (server time). */
  now(): number;
  /** Asked when the learner picks an exchange (click, Enter): show its heads. */
  onPick?(exchange: Exchange): void;
  /** A recorded run: the whole run is shown at once and "now" never moves. */
  recorded?: boolean;
}

export interface TimelineView {
  data: TimelineData;
  /** Shows [startMs, endMs] and stops following (a recorded run). */
  showSpan(startMs: number, endMs: number): void;
  dispose(): void;
}

function el<T extends HTMLElement>(root: HTMLElement, selector: string): T {
  const found = root.querySelector<T>(selector);
  if (!found) throw new Error(`timeline markup lacks ${selector}`);
  return found;
}

export function describeExchange(exchange: Exchange, nowMs: number): string {
  const took = exchange.endMs === null ? `waiting for ${Math.round(nowMs - exchange.at)} ms` : `${Math.round(exchange.endMs)} ms`;
  const status = exchange.status === null ? '' : ` ${exchange.status}`;
  const heads = exchange.headersMs === null ? '' : `, heads after ${Math.round(exchange.headersMs)} ms`;
  const messages = exchange.messages ? `, ${exchange.messages} message${exchange.messages === 1 ? '' : 's'}` : '';
  const error = exchange.error ? ` (${exchange.error})` : '';
  return `${exchange.lane}: ${exchange.method} ${exchange.path} →${status} ${outcomeLabel[exchange.outcome]}${error}, ${took}${heads}${messages}, ${exchange.bytesIn} B in.`;
}

export function createTimeline(root: HTMLElement, options: TimelineOptions): TimelineView {
  const data = new TimelineData();
  const canvas = el<HTMLCanvasElement>(root, 'canvas');
  const context = canvas.getContext('2d')!;
  const summary = el(root, '[data-timeline-summary]');
  const picked = el(root, '[data-timeline-picked]');
  const legend = el(root, '[data-timeline-legend]');
  const followButton = el<HTMLButtonElement>(root, '[data-action="follow"]');
  const windowSelect = el<HTMLSelectElement>(root, '[data-timeline-window]');

  let windowMs = Number(windowSelect.value) * 1000;
  let following = !options.recorded;
  let endMs = options.now();
  let dirty = true;
  let drawnVersion = -1;
  let lastDrawnNow = 0;
  let frame = 0;
  /** What drawing costs, for benchmarks: the page's frame time depends on the machine, this much less. */
  const drawCost = { total: 0, count: 0 };
  let lastDrawMs = 0;
  let selected: Exchange | null = null;
  let scale: TimeScale = timeScale(endMs - windowMs, endMs, 0, 1);
  let rows: LaneRows = laneRows(1, 1);
  let colours = outcomeColours(currentTheme());
  let ink = chartInk();

  legend.replaceChildren(...outcomeOrder.map((outcome) => {
    const item = document.createElement('li');
    item.dataset.outcome = outcome;
    const swatch = document.createElement('span');
    swatch.className = 'swatch';
    swatch.setAttribute('aria-hidden', 'true');
    const label = document.createElement('span');
    label.textContent = outcomeLabel[outcome];
    const count = document.createElement('span');
    count.className = 'count';
    item.append(swatch, label, count);
    return item;
  }));
  function paintLegend(): void {
    for (const item of legend.querySelectorAll<HTMLElement>('li')) {
      const outcome = item.dataset.outcome as Exchange['outcome'];
      item.querySelector<HTMLElement>('.swatch')!.style.background = colours[outcome];
      const total = outcome === 'open' ? [...data.exchanges.values()].filter((e) => e.outcome === 'open').length : data.totals.get(outcome) ?? 0;
      item.querySelector<HTMLElement>('.count')!.textContent = String(total);
    }
  }
  paintLegend();

  const now = () => (following ? options.now() : endMs);

  function resize(): boolean {
    const ratio = devicePixelRatio || 1;
    const width = Math.round(canvas.clientWidth * ratio);
    const height = Math.round(canvas.clientHeight * ratio);
    if (width === canvas.width && height === canvas.height) return false;
    canvas.width = width;
    canvas.height = height;
    return true;
  }

  function draw(nowMs: number): void {
    ({ scale, rows } = paintTimeline(context, data, {
      nowMs, endMs: following ? nowMs : endMs, windowMs, recorded: options.recorded ?? false, colours, ink, selected,
    }));
    lastDrawnNow = nowMs;
  }

  let sizedForLanes = -1;
  function tick(): void {
    frame = requestAnimationFrame(tick);
    if (data.lanes.size !== sizedForLanes) {
      // Room for every lane to be read by name while there are few; past that, lanes compress.
      sizedForLanes = data.lanes.size;
      canvas.style.height = `${Math.min(MAX_CANVAS_H, Math.max(MIN_CANVAS_H, sizedForLanes * LANE_H + AXIS_H + TOP + 4))}px`;
    }
    const nowMs = now();
    const resized = resize();
    const moved = following && slidEnough(lastDrawnNow, nowMs, scale.pxPerMs, lastDrawMs);
    if (!dirty && !resized && !moved && drawnVersion === data.version) return;
    dirty = false;
    drawnVersion = data.version;
    const started = performance.now();
    draw(nowMs);
    lastDrawMs = performance.now() - started;
    drawCost.total += lastDrawMs;
    drawCost.count++;
  }
  frame = requestAnimationFrame(tick);

  function summarise(): void {
    const nowMs = now();
    const recent = options.recorded
      ? describeCounts(countOutcomes(data.exchanges.values(), scale.startMs, scale.endMs), 'Whole run', data.publishes.length)
      : describeCounts(countOutcomes(data.exchanges.values(), nowMs - SUMMARY_WINDOW_MS, nowMs), 'Last 10 s',
        data.publishes.filter((mark) => mark.at >= nowMs - SUMMARY_WINDOW_MS).length);
    if (summary.textContent !== recent) summary.textContent = recent;
    root.dataset.totals = JSON.stringify(Object.fromEntries(data.totals));
    root.dataset.lanes = String(data.lanes.size);
    if (drawCost.count) root.dataset.drawMs = (drawCost.total / drawCost.count).toFixed(2);
    drawCost.total = drawCost.count = 0;
    paintLegend();
    if (following) data.prune(nowMs);
  }
  const summaryTimer = setInterval(summarise, SUMMARY_EVERY_MS);

  function setFollowing(value: boolean): void {
    if (!value && following) endMs = options.now();
    following = value;
    followButton.setAttribute('aria-pressed', String(!following));
    followButton.textContent = following ? 'Pause' : 'Follow now';
    dirty = true;
  }
  followButton.addEventListener('click', () => setFollowing(!following));
  root.querySelectorAll<HTMLButtonElement>('[data-shift]').forEach((button) => button.addEventListener('click', () => {
    if (following) setFollowing(false);
    endMs += Number(button.dataset.shift) * windowMs;
    dirty = true;
  }));
  windowSelect.addEventListener('change', () => {
    windowMs = Number(windowSelect.value) * 1000;
    dirty = true;
  });
  canvas.addEventListener('wheel', (event) => {
    if (options.recorded) return;
    event.preventDefault();
    if (following) setFollowing(false);
    endMs += ((event.deltaX || event.deltaY) / Math.max(1, canvas.clientWidth)) * windowMs;
    dirty = true;
  }, { passive: false });

  function exchangeAt(x: number, y: number): Exchange | null {
    const row = Math.floor((y - TOP) / rows.rowHeight);
    if (row < 0 || row >= rows.rows) return null;
    const { first, last } = rows.lanesIn(row);
    const candidates: Exchange[] = [];
    for (let lane = first; lane <= last; lane++) candidates.push(...(data.byLane[lane] ?? []));
    return pickSpan(candidates, scale.ms(x), now(), 4 / scale.pxPerMs);
  }

  function show(exchange: Exchange | null): void {
    selected = exchange;
    picked.textContent = exchange ? describeExchange(exchange, now()) : 'Point at a bar, or focus the timeline and use the arrow keys, to read its timings.';
    dirty = true;
  }
  canvas.addEventListener('mousemove', (event) => {
    const hit = exchangeAt(event.offsetX, event.offsetY);
    if (hit && hit !== selected) show(hit);
  });
  canvas.addEventListener('click', (event) => {
    const hit = exchangeAt(event.offsetX, event.offsetY);
    if (!hit) return;
    show(hit);
    options.onPick?.(hit);
  });
  canvas.addEventListener('keydown', (event) => {
    const visible = [...data.exchanges.values()]
      .filter((exchange) => barSpan(exchange, now(), scale) !== null)
      .sort((a, b) => a.at - b.at || a.id - b.id);
    if (!visible.length) return;
    const index = selected ? visible.indexOf(selected) : -1;
    const move: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, End: visible.length, Home: -visible.length };
    if (event.key in move) {
      event.preventDefault();
      const next = index < 0 ? (move[event.key]! > 0 ? visible.length - 1 : 0) : Math.min(visible.length - 1, Math.max(0, index + move[event.key]!));
      show(visible[next]!);
    } else if (event.key === 'Enter' && selected) {
      options.onPick?.(selected);
    }
  });

  onThemeChange((theme) => {
    colours = outcomeColours(theme);
    ink = chartInk();
    paintLegend();
    dirty = true;
  });
  show(null);

  return {
    data,
    showSpan(startMs, end) {
      following = false;
      endMs = end;
      windowMs = Math.max(1000, end - startMs);
      dirty = true;
      summarise();
    },
    dispose() {
      cancelAnimationFrame(frame);
      clearInterval(summaryTimer);
    },
  };
}
