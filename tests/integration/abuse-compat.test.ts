// The other side of the filter and the limits: what a learner legitimately does must keep working under
// them (Node with threads, subprocesses and sockets; bash job control; nginx as the learner).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../server/sandbox/limits/config.ts';
import { BwrapLauncher } from '../../server/sandbox/bwrap-launcher.ts';
import { startLearner, type Learner } from './abuse-kit.ts';

const NODE_PROBE = `
import { Worker } from 'node:worker_threads';
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import os from 'node:os';
import dns from 'node:dns/promises';
const worker = await new Promise((resolve, reject) => {
  const w = new Worker('require("node:worker_threads").parentPort.postMessage(6 * 7)', { eval: true });
  w.once('message', resolve); w.once('error', reject);
});
const child = execFileSync('sh', ['-c', 'echo child']).toString().trim();
const server = http.createServer((_, res) => res.end('served')).listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const body = await (await fetch('http://127.0.0.1:' + server.address().port + '/')).text();
server.close();
const lo = Object.keys(os.networkInterfaces()).join(',');
const { address } = await dns.lookup('localhost');
console.log('probe=' + [worker, child, body, lo, address].join(' '));
`;

const NGINX_CONF = `daemon off; pid /tmp/ng/nginx.pid; error_log /tmp/ng/error.log; worker_processes 1;
events { worker_connections 64; }
http { access_log off; client_body_temp_path /tmp/ng/body; proxy_temp_path /tmp/ng/proxy;
  fastcgi_temp_path /tmp/ng/fcgi; uwsgi_temp_path /tmp/ng/uwsgi; scgi_temp_path /tmp/ng/scgi;
  server { listen 127.0.0.1:8888; location / { return 200 "nginx-inside\\n"; } } }`;

describe('ordinary work under the seccomp filter and limits (default limits)', () => {
  let learner: Learner;

  beforeAll(async () => {
    learner = await startLearner('compat', new BwrapLauncher({ kind: 'bwrap', sandboxed: true, reason: 'compat' }, { limits: DEFAULT_LIMITS }));
  });

  afterAll(async () => {
    await learner?.stop();
  });

  it('runs Node with worker threads, child processes, an HTTP server, netlink and DNS', async () => {
    await learner.shell.run(`cat > /tmp/probe.mjs <<'EOF'\r${NODE_PROBE.trim().split('\n').join('\r')}\rEOF\recho "written=1"`, /^written=/);
    expect(await learner.shell.run('node /tmp/probe.mjs', /^probe=/, 15_000)).toBe('probe=42 child served lo 127.0.0.1');
  });

  it('keeps bash job control', async () => {
    await learner.shell.run('sleep 100 & echo "job=$!"', /^job=/);
    expect(await learner.shell.run('kill %1; wait; jobs | wc -l | sed "s/^/jobs=/"', /^jobs=/)).toBe('jobs=0');
  });

  it('runs nginx as the learner, reachable from the host through the relay', async () => {
    await learner.shell.run(`mkdir -p /tmp/ng && printf '%s' '${NGINX_CONF.replace(/\n/g, ' ')}' > /tmp/ng/nginx.conf && echo "conf=1"`, /^conf=/);
    learner.shell.terminal.write('nginx -e /tmp/ng/error.log -c /tmp/ng/nginx.conf &\r');
    let answer = '';
    for (const deadline = Date.now() + 10_000; !answer.includes('nginx-inside') && Date.now() < deadline;) {
      const socket = await learner.launched.sandbox.connect(8888);
      answer = await new Promise<string>((resolve) => {
        let text = '';
        socket.on('data', (chunk) => (text += chunk)).on('error', () => resolve(text)).on('close', () => resolve(text));
        socket.end('GET / HTTP/1.0\r\n\r\n');
      });
      if (!answer) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(answer).toMatch(/^HTTP\/1\.1 200[\s\S]*nginx-inside/);
  });
});
