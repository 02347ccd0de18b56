// `lab load`'s options, checked as the learner typed them (the host checks the request again): how many
// clients, how they poll, for how long, and where (the app, or nginx with --nginx).
import type { LabRequest } from '../../contracts/lab-command.ts';

type LoadRequest = NonNullable<LabRequest['load']>;
export type LoadFlags = Partial<Record<'--clients' | '--mode' | '--duration' | '--interval' | '--timeout' | '--publish-every', string>> & { '--nginx'?: true };

export const LOAD_VALUE_FLAGS = ['--clients', '--mode', '--duration', '--interval', '--timeout', '--publish-every'] as const;
const MODES = ['short', 'long', 'compare'] as const;

/** `1500ms`, `1.5s`, `2m`, or a bare number of seconds, in ms; null when it is none of these. */
export function parseDuration(word: string): number | null {
  const match = /^(\d{1,6}(?:\.\d{1,3})?)(ms|s|m)?$/.exec(word);
  if (!match) return null;
  const scale = { ms: 1, s: 1000, m: 60_000 }[match[2] ?? 's'] ?? 1000;
  return Math.round(Number(match[1]) * scale);
}

const seconds = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`);

/** A duration flag's value within [min, max] ms, or the problem in words. */
function within(flag: string, word: string | undefined, fallback: number, min: number, max: number, zero = false): number | string {
  if (word === undefined) return fallback;
  const ms = parseDuration(word);
  if (ms === null) return `${flag} takes a duration like 30s, 500ms or 2m, not "${word}"`;
  if (zero && ms === 0) return 0;
  if (ms < min || ms > max) return `${flag} must be from ${seconds(min)} to ${seconds(max)}${zero ? ' (or 0 for never)' : ''}`;
  return ms;
}

/** The load request, or the problem in words (a usage error). */
export function parseLoadFlags(flags: LoadFlags, words: readonly string[]): LoadRequest | string {
  if (words[0] === 'stop' || words[0] === 'status') {
    if (words.length > 1) return `unexpected "${words[1]}"`;
    if (Object.keys(flags).length > 0) return `lab load ${words[0]} takes no options`;
    return { action: words[0] };
  }
  if (words.length > 0) return `unexpected "${words[0]}" (lab load [options], lab load stop or lab load status)`;
  const clientsWord = flags['--clients'] ?? '100';
  const clients = /^\d{1,5}$/.test(clientsWord) ? Number(clientsWord) : NaN;
  if (!(clients >= 1 && clients <= 10_000)) return `--clients takes a number from 1 to 10000, not "${clientsWord}"`;
  const mode = flags['--mode'] ?? 'long';
  if (!(MODES as readonly string[]).includes(mode)) return `--mode is short, long or compare, not "${mode}"`;
  const duration = within('--duration', flags['--duration'], 20_000, 1000, 300_000);
  const interval = within('--interval', flags['--interval'], 1000, 50, 60_000);
  const timeout = within('--timeout', flags['--timeout'], 10_000, 100, 120_000);
  const publish = within('--publish-every', flags['--publish-every'], 5000, 50, 60_000, true);
  for (const value of [duration, interval, timeout, publish]) if (typeof value === 'string') return value;
  return {
    action: 'start',
    run: {
      target: flags['--nginx'] ? 'nginx' : 'app',
      mode: mode as (typeof MODES)[number],
      clients,
      intervalMs: interval as number,
      timeoutS: (timeout as number) / 1000,
      durationS: (duration as number) / 1000,
      publishEveryMs: publish as number,
    },
  };
}
