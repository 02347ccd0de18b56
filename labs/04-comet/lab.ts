import { labMetaSchema } from '../../server/contracts/lab.ts';

export default labMetaSchema.parse({
  id: 'comet',
  number: 4,
  title: 'Comet: long polling',
  summary: 'Hold each request open until there is news, then answer every waiter at once, losing nothing.',
  entry: 'server.ts',
  files: [
    { path: 'server.ts', editable: true, description: 'your feed server: waiters woken by publish' },
    { path: 'comet-clients.ts', editable: false, description: 'the experiment: many long-polling clients and a publisher' },
  ],
  // Every duration the lesson quotes; comet-clients.ts uses the first three as its defaults, and the
  // checks use the check* ones and wakeBudget.
  timing: {
    pollTimeout: 3000,
    publishEvery: 2000,
    experimentDuration: 15_000,
    checkEvery: 500,
    curlTimeout: 30_000,
    quietPublishEvery: 10_000,
    quietExperimentDuration: 30_000,
    busyPublishEvery: 100,
    busyExperimentDuration: 5000,
    shortPollInterval: 1000,
    checkWait: 2000,
    checkTimeout: 1000,
    wakeBudget: 100,
  },
  hints: [
    'Two places change: handlePoll stops checking every half second, and handlePublish starts answering the waiters.',
    'In handlePoll, make the waiter\'s timer a setTimeout of timeoutS seconds that answers 204. In handlePublish, loop over `waiters` and answer each one with the new message.',
    'Write one function, say settle(waiter), that does `waiters.delete(waiter)` and `clearTimeout(waiter.timer)` and returns whether the waiter was still there. Answer a waiter only when settle returned true, from the timer and from the publish alike.',
    'In handlePublish: `const answer = JSON.stringify({ cursor: message.id, messages: [message] })` once, then for each waiter `if (settle(waiter)) waiter.res.writeHead(200, { \'content-type\': \'application/json\' }).end(answer)`, counting them for "waiters".',
  ],
});
