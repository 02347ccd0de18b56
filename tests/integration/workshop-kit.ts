// The real playground in workshop mode as a child process (`cometlab workshop`), and the few moves the
// workshop tests make again and again: join as a student, call the API as a student or the instructor.
import type { ChildProcess } from 'node:child_process';
import { newDataDir, servedUrl, spawnCli } from '../helpers/playground-process.ts';

export interface RunningWorkshop {
  url: string;
  token: string;
  code: string;
  dataDir: string;
  child: ChildProcess;
  output(): string;
  stop(): Promise<number | null>;
}

export async function startWorkshopProcess(options: { dataDir?: string; args?: string[] } = {}): Promise<RunningWorkshop> {
  const dataDir = options.dataDir ?? (await newDataDir());
  const args = ['workshop', '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir, '--title', 'Test class', ...(options.args ?? [])];
  const { ready, ...running } = await spawnCli(args, dataDir, (output) => {
    const url = servedUrl(output);
    const token = /token=([A-Za-z0-9_-]+)/.exec(output)?.[1];
    const code = /Join code: ([A-Z2-9]{6})/.exec(output)?.[1];
    return url && token && code ? { url, token, code } : undefined;
  }, 45_000);
  return { ...ready, ...running };
}

export interface Student {
  id: string;
  name: string;
  cookie: string;
  headers: Record<string, string>;
}

/** Each student joins from an address of their own (as nginx would forward it), so the join limit is theirs. */
export async function join(workshop: { url: string; code: string }, name: string, address = `10.0.0.${Math.floor(Math.random() * 250) + 1}`): Promise<Student> {
  const response = await fetch(`${workshop.url}/api/workshop/join`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
    body: JSON.stringify({ name, code: workshop.code }),
  });
  if (response.status !== 200) throw new Error(`join answered ${response.status}: ${await response.text()}`);
  const cookie = response.headers.get('set-cookie')!.split(';')[0]!;
  const { student } = await response.json();
  return { id: student.id, name, cookie, headers: { cookie } };
}

export const instructorHeaders = (workshop: { token: string }) => ({ authorization: `Bearer ${workshop.token}` });

export async function call(url: string, headers: Record<string, string>, method = 'GET', body?: unknown) {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    // CSV or empty
  }
  return { status: response.status, json, text, headers: response.headers };
}

/** Polls `probe` until it returns a value, or throws after the deadline with the last value seen. */
export async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
