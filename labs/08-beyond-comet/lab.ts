import { labMetaSchema } from '../../server/contracts/lab.ts';

export default labMetaSchema.parse({
  id: 'beyond-comet',
  number: 8,
  title: 'Beyond comet',
  summary: 'Serve the same feed over Server-Sent Events and WebSocket, and know when to pick which.',
  entry: 'server.ts',
  files: [
    { path: 'server.ts', editable: true, description: 'your feed: long polling, and now SSE and WebSocket' },
    { path: 'nginx.conf', editable: true, description: 'nginx on 8888, with a location for each stream' },
    { path: 'websocket.ts', editable: false, description: 'WebSocket (RFC 6455): the handshake and frames' },
    { path: 'event-stream.ts', editable: false, description: 'reads Server-Sent Events, as a browser does' },
    { path: 'transports.ts', editable: false, description: 'the experiment: one feed over three transports, delay and bytes' },
  ],
  services: ['nginx'],
  // Every duration the lesson quotes; the checks use the last two.
  timing: {
    maxWait: 3000,
    heartbeat: 2000,
    retry: 1000,
    readTimeout: 10_000,
    publishEvery: 200,
    checkArrival: 1000,
    checkHeartbeat: 3500,
  },
  hints: [
    'An SSE answer is one response that never ends: `res.writeHead(200, { \'content-type\': \'text/event-stream\' })`, then `res.write(...)` for each event, and never `res.end()`.',
    'Write `id: ${message.id}\\ndata: ${JSON.stringify(message.data)}\\n\\n` per message: first those newer than `since`, then each new one from handlePublish, for every response in `eventStreams`.',
    'For /ws: `const ws = acceptWebSocket(req, socket, head)`, then `ws.send(JSON.stringify(message))` for the backlog and each new message; `sockets.add(ws)` and `ws.onClose(() => sockets.delete(ws))`.',
    'Heartbeats: `setInterval(() => res.write(\': heartbeat\\n\\n\'), 2000)` (and `ws.ping()`), cleared on close. In nginx.conf: `proxy_buffering off;` under /events, and `proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection "upgrade";` under /ws.',
  ],
});
