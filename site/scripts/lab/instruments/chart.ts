// A line chart over time (uPlot) that follows the site theme and its container's width. Every chart
// has axis labels with units and a legend; the numbers it draws are also given as text by its panel.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { currentTheme, onThemeChange, type Theme } from '../../theme.ts';
import { chartInk } from './outcomes.ts';

export interface SeriesSpec {
  label: string;
  colour: Record<Theme, string>;
  dash?: number[];
}

export interface ChartSpec {
  xLabel: string;
  yLabel: string;
  series: SeriesSpec[];
  height?: number;
}

export interface LineChart {
  /** xs, then one array of values per series (null: no value there). */
  set(xs: number[], ys: Array<Array<number | null>>): void;
  dispose(): void;
}

const steps = uPlot.paths.stepped!({ align: -1 });

export function lineChart(host: HTMLElement, spec: ChartSpec): LineChart {
  let data: uPlot.AlignedData = [[], ...spec.series.map(() => [])];
  let plot: uPlot | null = null;
  const height = spec.height ?? 180;

  function build(theme: Theme): void {
    plot?.destroy();
    const ink = chartInk();
    const axis = (label: string): uPlot.Axis => ({
      label, stroke: ink.muted, grid: { stroke: ink.grid, width: 1 }, ticks: { stroke: ink.grid, width: 1 }, labelFont: '600 12px system-ui', font: '11px system-ui',
    });
    plot = new uPlot({
      width: Math.max(200, host.clientWidth || 400),
      height,
      scales: { x: { time: false } },
      axes: [axis(spec.xLabel), axis(spec.yLabel)],
      legend: { show: true, live: false },
      cursor: { show: true, drag: { x: false, y: false } },
      // Every value we chart covers the interval up to its time (a peak lag, a rate per bucket): steps, not
      // slopes, or a two-second block would read as a lag that grew for two seconds.
      series: [
        { label: spec.xLabel },
        ...spec.series.map((series) => ({ label: series.label, stroke: series.colour[theme], width: 2, dash: series.dash, spanGaps: false, points: { show: false }, paths: steps })),
      ],
    }, data, host);
  }
  host.hidden = true;
  build(currentTheme());
  onThemeChange(build);
  const resize = new ResizeObserver(() => {
    const width = host.clientWidth;
    if (plot && width > 0 && Math.abs(plot.width - width) > 1) plot.setSize({ width, height });
  });
  resize.observe(host);

  return {
    set(xs, ys) {
      // A line needs two points; until then the panel's words say it all.
      host.hidden = xs.length < 2;
      data = [xs, ...ys] as uPlot.AlignedData;
      plot?.setData(data);
    },
    dispose() {
      resize.disconnect();
      plot?.destroy();
      plot = null;
    },
  };
}
