// `cometlab workshop`: starts the playground in workshop mode and tells the instructor, on the terminal,
// where everyone goes: their own link (with the token), the students' link with a QR code, the join code;
// and, in words, when it reopened an ended workshop or (--new) archived the previous one.
import { networkInterfaces } from 'node:os';
import { renderUnicodeCompact } from 'uqr';
import type { Command } from '../cli/args.ts';
import { startPlayground, type Playground } from '../playground.ts';
import type { Log } from '../log.ts';
import { archivedNotice, archiveWorkshop } from './archive.ts';
import { reopenedNotice } from './resume.ts';

type WorkshopCommand = Extract<Command, { command: 'workshop' }>;

/** This machine's addresses on its networks (IPv4, not loopback): where students can reach it. */
export function lanAddresses(): string[] {
  return Object.values(networkInterfaces()).flat()
    .filter((info) => info !== undefined && info.family === 'IPv4' && !info.internal)
    .map((info) => info!.address);
}

/** The base URL students and instructor use: --public-url, else the listen address, else the first LAN address. */
export function baseUrlFor(listenHost: string, port: number, publicUrl: string | undefined, lan: string[]): string {
  if (publicUrl) return publicUrl;
  const wildcard = listenHost === '0.0.0.0' || listenHost === '::';
  const host = wildcard ? lan[0] ?? '127.0.0.1' : listenHost;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

export async function startWorkshop(command: WorkshopCommand, log: Log): Promise<{ playground: Playground; banner: string }> {
  // Before anything opens the databases: they move.
  const archived = command.fresh ? await archiveWorkshop(command.dataDir) : undefined;
  const playground = await startPlayground({
    host: command.host,
    port: command.port,
    dataDir: command.dataDir,
    allowedHosts: command.allowedHosts,
    idleTimeoutMs: command.idleTimeoutMs,
    diskQuotaBytes: command.diskQuotaBytes,
    log,
    workshop: { title: command.title, appIdleTimeoutMs: command.awayTimeoutMs, classSize: command.classSize },
  });
  const workshop = playground.workshop!;
  const port = Number(new URL(playground.url).port);
  const lan = lanAddresses();
  const base = baseUrlFor(command.host, port, command.publicUrl, lan);
  workshop.setBaseUrl(base);
  const { joinCode } = workshop.row;
  const others = command.publicUrl || !['0.0.0.0', '::'].includes(command.host) ? [] : lan.slice(1);
  const notice = archived === undefined ? reopenedNotice(workshop.opening) : archivedNotice(archived, command.dataDir);
  const banner = [
    ...(notice ? [notice, ''] : []),
    `cometlab workshop "${workshop.row.title}" is running at ${playground.url}/`,
    '',
    `Instructor (keep this link to yourself): ${base}/workshop/instructor?token=${workshop.secrets.instructorToken}`,
    `Students: ${workshop.studentUrl}`,
    `Join code: ${joinCode}${workshop.row.joinOpen ? '' : ' (joining is closed; open it on the dashboard)'}`,
    ...(others.length ? [`Also reachable at: ${others.map((address) => `http://${address}:${port}/`).join('  ')}`] : []),
    '',
    renderUnicodeCompact(workshop.studentUrl, { border: 1 }),
    `Data: ${command.dataDir} (start again with the same --data-dir to carry on)`,
  ].join('\n');
  return { playground, banner };
}
