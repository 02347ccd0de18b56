// The long-polling load bench as bench/results.md shows it: the lab 4 solution, a bare node:http peer
// and Tornado (where installed), each at 1,000, 5,000 and 10,000 clients, in one run.
import { loadavg } from 'node:os';
import { measureFeedLoad, type FeedLoadResult } from './load-feed.ts';
import { raiseFileLimit, tornadoMissing, type FeedServerName } from './load-servers.ts';

const SIZES = [1000, 5000, 10_000];

/**
 * A publish round costs the tool about 0.5 ms of CPU per client on this machine's loopback, so the
 * period grows with the clients to let a round finish before the next; two publishes per run, the
 * second with half a period to be delivered.
 */
function settingsFor(clients: number) {
  const publishEveryMs = Math.max(2000, clients * 1.2);
  return { publishEveryMs, durationMs: publishEveryMs * 2, sampleEveryMs: 100 };
}

const ms = (value: number | undefined) => (value === undefined ? 'n/a' : value >= 100 ? `${value.toFixed(0)} ms` : `${value.toFixed(1)} ms`);

function row(r: FeedLoadResult): string {
  const errors = Object.entries(r.group.errors).map(([kind, n]) => `${n} ${kind}`).join(', ') || '0';
  return `| ${r.server} | ${r.clients.toLocaleString('en')} | ${r.mostHeld.toLocaleString('en')} | ${ms(r.group.delayMs?.p50)} | ${ms(r.group.delayMs?.p99)}`
    + ` | ${(r.bytesPerClient / 1024).toFixed(1)} KiB`
    + ` | ${r.cpuMsPerPublish === null ? 'n/a' : ms(r.cpuMsPerPublish)}`
    + ` | ${r.load.cost.cpuUsPerDelivery === null ? 'n/a' : `${r.load.cost.cpuUsPerDelivery.toFixed(0)} µs`} | ${r.group.counters.deliveries} | ${errors} |`;
}

export async function reportFeedLoad(report: (line: string) => void): Promise<void> {
  const limit = raiseFileLimit(Math.max(...SIZES));
  const sizes = SIZES.filter((n) => n + 512 <= limit);
  if (sizes.length < SIZES.length) report(`- open-file limit ${limit}: runs above ${sizes.at(-1) ?? 0} clients skipped`);
  const servers: FeedServerName[] = ['lab 4 solution', 'bare node:http'];
  const missing = tornadoMissing();
  if (missing === null) servers.push('Tornado');
  else report(`- Tornado peer skipped: ${missing}`);
  report(`- load average when it started: ${loadavg().map((n) => n.toFixed(1)).join(', ')} (2 cores; other work on the machine slows the tool and the servers alike)`);
  report('');
  report('| server | clients | most held | delivery p50 | delivery p99 | RSS per client | server CPU per publish | tool CPU per delivery | deliveries | tool errors |');
  report('|---|---:|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const clients of sizes) {
    for (const server of servers) report(row(await measureFeedLoad(server, clients, settingsFor(clients))));
  }
  report('');
  report('Long polling, one process per server, the load tool in the bench process, all on loopback. Delivery: publish → answer at the tool.'
    + ' RSS per client: the server\'s peak RSS in the run over its idle RSS, per client.'
    + ' Server CPU per publish: the server\'s CPU per delivered message from the moment it held 98% of its peak (n/a: a peak under 80% of the clients), times the clients.'
    + ' Where the tool needs longer for a round than the server\'s keep-alive timeout (Node: 5 s), its sockets are reset between polls ("reset" errors, re-polled after 0.5 s).');
}
