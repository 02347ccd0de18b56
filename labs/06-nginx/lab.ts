import { labMetaSchema } from '../../server/contracts/lab.ts';

export default labMetaSchema.parse({
  id: 'nginx',
  number: 6,
  title: 'Behind nginx',
  summary: 'Put a real nginx in front, cause its 504 Gateway Time-out, and fix the chain of timeouts.',
  entry: 'server.ts',
  files: [
    { path: 'nginx.conf', editable: true, description: 'nginx in front of the app: port 8888 to 8999' },
    { path: 'server.ts', editable: true, description: 'the feed of lab 5, plus /whoami, /slow and /stream' },
    { path: 'chain.ts', editable: false, description: 'the experiment: one poll to the app and one through nginx, with every hop\'s answer' },
  ],
  ports: { app: 8999, nginx: 8888 },
  services: ['nginx'],
  // Every duration the lesson quotes. The app's timeout is MAX_TIMEOUT_S in server.ts, the read
  // timeouts are nginx.conf's, chain.ts uses clientTimeout and pollTimeout as its defaults, and the
  // checks ask /slow for lateAnswer.
  timing: {
    appTimeout: 3000,
    starterReadTimeout: 2000,
    fixedReadTimeout: 6000,
    margin: 2000,
    lateAnswer: 4000,
    clientTimeout: 10_000,
    pollTimeout: 3000,
    impatientClient: 1000,
    streamEvery: 1000,
    streamLength: 4000,
    productionAppTimeout: 30_000,
    productionReadTimeout: 60_000,
  },
  hints: [
    'Two settings in `nginx.conf` and one header in `server.ts`. Start with `proxy_read_timeout`: it must be longer than the longest the app ever stays silent.',
    'The app answers a poll after at most 3 s. Give nginx room for an answer that is late: `proxy_read_timeout 6s;`, then `/usr/sbin/nginx -p ~/nginx -c nginx.conf -s reload`.',
    'The app only sees nginx. In the `location`, add `proxy_set_header Host $host;`, `proxy_set_header X-Real-IP $remote_addr;` and `proxy_set_header X-Forwarded-Proto $scheme;`.',
    'In `handleStream`, make the headers `{ \'content-type\': \'text/plain; charset=utf-8\', \'x-accel-buffering\': \'no\' }` so nginx passes each line on as it is written.',
  ],
});
