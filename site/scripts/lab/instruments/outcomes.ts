// How each exchange outcome is named and coloured. Colours are picked per theme to hold contrast
// against the timeline's background, and every colour comes with a word (legend, summary, tooltip),
// so nothing is told by colour alone.
import type { ExchangeOutcome } from '../../../../server/contracts/instruments.ts';
import type { Theme } from '../../theme.ts';

export const outcomeOrder: ExchangeOutcome[] = ['data', 'empty', 'timeout', 'open', 'gateway-timeout', 'bad-gateway', 'aborted', 'error'];

export const outcomeLabel: Record<ExchangeOutcome, string> = {
  open: 'waiting',
  data: 'with data',
  empty: 'empty',
  timeout: '204 timeout',
  'bad-gateway': '502',
  'gateway-timeout': '504',
  aborted: 'aborted',
  error: 'error',
};

const palette: Record<Theme, Record<ExchangeOutcome, string>> = {
  light: {
    open: '#6b7785', data: '#1a7f37', empty: '#9a7400', timeout: '#0969da',
    'bad-gateway': '#8250df', 'gateway-timeout': '#cf222e', aborted: '#bf3989', error: '#3d444d',
  },
  dark: {
    open: '#8b96a3', data: '#3fb950', empty: '#d8b03a', timeout: '#58a6ff',
    'bad-gateway': '#bc8cff', 'gateway-timeout': '#ff6b61', aborted: '#f778ba', error: '#d0d7de',
  },
};

export function outcomeColours(theme: Theme): Record<ExchangeOutcome, string> {
  return palette[theme];
}

/** The chart and axis colours, read from the site's theme variables so charts follow the theme. */
export function chartInk(): { fg: string; muted: string; grid: string; accent: string; surface: string } {
  const style = getComputedStyle(document.documentElement);
  const read = (name: string) => style.getPropertyValue(name).trim();
  return { fg: read('--fg'), muted: read('--muted'), grid: read('--border'), accent: read('--accent'), surface: read('--surface') };
}
