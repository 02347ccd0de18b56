import { labMetaSchema } from '../../server/contracts/lab.ts';

export default labMetaSchema.parse({
  id: 'scaling-out',
  number: 7,
  title: 'Scaling out',
  summary: 'Run a process per core behind an nginx upstream and share messages through Redis.',
  // Run starts the cluster: two server.ts processes on 9001 and 9002, and a status page on 8999.
  entry: 'cluster.ts',
  files: [
    { path: 'server.ts', editable: true, description: 'your feed process: one of two behind nginx' },
    { path: 'nginx.conf', editable: true, description: 'nginx on 8888 with an upstream of both processes' },
    { path: 'cluster.ts', editable: false, description: 'starts server.ts on 9001 and 9002; GET :8999/backends shows both' },
    { path: 'redis.ts', editable: false, description: 'a small Redis client: commands, and a subscriber' },
    { path: 'resp.ts', editable: false, description: 'the Redis protocol: how commands are written and replies read' },
    { path: 'fanout.ts', editable: false, description: 'the experiment: waiters through nginx, one publish, who got it' },
  ],
  services: ['nginx', 'redis'],
  // Every duration the lesson quotes; the checks use checkWait, and fanout.ts uses it as its default.
  timing: {
    maxWait: 3000,
    readTimeout: 10_000,
    checkWait: 2000,
    shortReadTimeout: 2000,
    retried504: 4000,
    failTimeout: 10_000,
  },
  hints: [
    'Each process has its own `messages` array. Nothing you publish through one process can reach the other until both read and write the same store: Redis.',
    'Publish: `const id = await redis.rpush(\'feed:messages\', JSON.stringify(data))` gives a global id, then `redis.publish(\'feed:news\', String(id))` tells every process.',
    'At start, `const news = await RedisSubscriber.connect()` and `news.subscribe(\'feed:news\', wake)`; `wake` reads `redis.lrange(\'feed:messages\', since, -1)` for the oldest waiter and answers each waiter the messages newer than its own `since`.',
    'In handlePoll, add the waiter before you read from Redis, then answer it yourself only if it is still in `waiters`. In nginx.conf: `least_conn;`, `max_fails=0` on each server, and `proxy_next_upstream error;`.',
  ],
});
