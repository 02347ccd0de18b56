// The load tool (the engine behind `lab load` and the page's simulated clients) against a feed server
// holding N long-polling clients. Besides the tool's own figures (delivery delay, its CPU per delivery)
// it samples the server process from /proc while the run goes on: its RSS at the peak over its RSS
// idle, per client; and its CPU per delivered message from the first moment (nearly) every client was
// held to the end of the run, which times N is the cost of one publish round (answer every waiter,
// take its next poll). Per delivery rather than between publishes, because at 10,000 clients the
// rounds overlap; from /stats and /proc rather than from the tool, so a slow tool cannot hide there.
import { readFileSync } from 'node:fs';
import { Agent, get } from 'node:http';
import { startLoad, type LoadGroupSummary, type LoadSummary } from '../server/instruments/load-engine.ts';
import { statsAnswerSchema } from '../server/checks/feed.ts';
import { rssBytes } from './sandbox-launch.ts';
import { startFeedServer, type FeedServerName } from './load-servers.ts';

export interface FeedLoadResult {
  server: FeedServerName;
  clients: number;
  load: LoadSummary;
  /** The long-polling group's figures (a long run has only that one). */
  group: LoadGroupSummary;
  /** Most clients the server held at once, from its /stats. */
  mostHeld: number;
  /** The server's RSS growth from idle to its peak in the run, per client. */
  bytesPerClient: number;
  /** Server CPU per delivery, times the clients; null when the clients were never (nearly) all held. */
  cpuMsPerPublish: number | null;
}

export interface FeedLoadSettings {
  durationMs: number;
  publishEveryMs: number;
  /** How often the server is sampled while the load runs. */
  sampleEveryMs: number;
}

interface Sample {
  /** From /stats; null when it did not answer in time (a server busy with a round). */
  waiters: number | null;
  deliveries: number;
  cpuMs: number;
  rss: number;
}

/**
 * "All held": 98% of the most the server ever held at once, as a few are between two polls at any
 * moment (and Tornado counts a waiter only once its handler runs); that peak must be 80% of the clients.
 */
const HELD_SHARE = 0.98;
const PEAK_SHARE = 0.8;

const TICKS_PER_SECOND = 100; // USER_HZ, which Linux fixes at 100 for /proc/<pid>/stat

/** User + system CPU time of a process so far, in ms (10 ms resolution). */
function cpuMs(pid: number): number {
  // After "pid (comm) ", utime and stime are the 12th and 13th fields.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

function waiters(port: number, agent: Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = get({ host: '127.0.0.1', port, path: '/stats', agent, timeout: 1000 }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => { text += chunk; }).on('end', () => {
        try {
          resolve(statsAnswerSchema.parse(JSON.parse(text)).waiters);
        } catch (error) {
          reject(error);
        }
      });
    });
    req.on('error', reject).on('timeout', () => req.destroy(new Error('/stats timed out')));
  });
}

export async function measureFeedLoad(server: FeedServerName, clients: number, settings: FeedLoadSettings): Promise<FeedLoadResult> {
  const feed = await startFeedServer(server);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const idleRss = rssBytes(feed.pid);
    const run = startLoad({
      baseUrl: `http://127.0.0.1:${feed.port}`,
      clients,
      mode: 'long',
      // Longer than the run: every answer a client gets is a delivery, none a 204.
      timeoutS: (settings.durationMs / 1000) * 2,
      durationMs: settings.durationMs,
      publishEveryMs: settings.publishEveryMs,
    });
    // Samples stop short of the run's end, whose teardown (every socket closed) is no publish's cost.
    // A /stats that does not answer in time leaves that sample's waiters unknown.
    const samplesUntil = Date.now() + settings.durationMs - 2 * settings.sampleEveryMs;
    const samples: Sample[] = [];
    while (Date.now() < samplesUntil) {
      const held = await waiters(feed.port, agent).catch(() => null);
      samples.push({ waiters: held, deliveries: run.snapshot().groups[0]!.counters.deliveries, cpuMs: cpuMs(feed.pid), rss: rssBytes(feed.pid) });
      await new Promise((resolve) => setTimeout(resolve, settings.sampleEveryMs));
    }
    const load = await run.done;
    const mostHeld = Math.max(0, ...samples.map((s) => s.waiters ?? 0));
    const start = mostHeld >= clients * PEAK_SHARE ? samples.find((s) => s.waiters !== null && s.waiters >= mostHeld * HELD_SHARE) : undefined;
    const last = samples.at(-1);
    const delivered = start && last ? last.deliveries - start.deliveries : 0;
    return {
      server,
      clients,
      load,
      group: load.groups[0]!,
      mostHeld,
      bytesPerClient: (Math.max(idleRss, ...samples.map((s) => s.rss)) - idleRss) / clients,
      cpuMsPerPublish: delivered > 0 ? ((last!.cpuMs - start!.cpuMs) / delivered) * clients : null,
    };
  } finally {
    agent.destroy();
    await feed.stop();
  }
}
