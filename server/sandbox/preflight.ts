// The self-test that decides which launcher runs: start a real sandbox with the real flags and the
// real supervisor, and check it got what it promises (a non-root learner, loopback only).
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { LaunchedSupervisor } from './launch-supervisor.ts';
import type { SandboxSpec } from './types.ts';

const PREFLIGHT_TIMEOUT_MS = 15_000;

/** Null when the launch worked and passed `verify`, else a one-line reason. */
export async function selfTest(
  launch: (spec: SandboxSpec) => Promise<LaunchedSupervisor>,
  verify: (ready: LaunchedSupervisor['ready']) => string | null,
): Promise<string | null> {
  const base = await fs.mkdtemp(path.join(os.tmpdir(), 'cometlab-preflight-'));
  const spec = { learnerId: 'preflight', homeDir: path.join(base, 'home'), runDir: path.join(base, 'run') };
  await fs.mkdir(spec.homeDir);
  let launched: LaunchedSupervisor | null = null;
  try {
    const attempt = launch(spec);
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`no answer within ${PREFLIGHT_TIMEOUT_MS} ms`)), PREFLIGHT_TIMEOUT_MS).unref(),
    );
    launched = await Promise.race([attempt, timeout]);
    return verify(launched.ready);
  } catch (error) {
    return oneLine((error as Error).message);
  } finally {
    await launched?.sandbox.stop();
    await fs.rm(base, { recursive: true, force: true });
  }
}

export function verifyIsolated(ready: LaunchedSupervisor['ready']): string | null {
  if (ready.uid === 0) return 'the learner would be root inside the sandbox';
  const foreign = ready.interfaces.filter((name) => name !== 'lo');
  if (foreign.length > 0) return `the sandbox sees network interfaces other than lo: ${foreign.join(', ')}`;
  return null;
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}
