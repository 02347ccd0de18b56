import { labMetaSchema } from '../../server/contracts/lab.ts';

export default labMetaSchema.parse({
  id: 'short-polling',
  number: 1,
  title: 'Short polling',
  summary: 'Clients ask again and again. Count what that costs in requests, empty answers and delay.',
  entry: 'server.ts',
  files: [
    { path: 'server.ts', editable: true, description: 'your feed server: publish, poll, stats' },
    { path: 'poller.ts', editable: false, description: 'the experiment: many short-polling clients and a publisher' },
  ],
  // Every duration the lesson quotes; poller.ts uses the first three as its defaults.
  timing: {
    pollInterval: 1000,
    publishEvery: 5000,
    experimentDuration: 15_000,
    expectedDelay: 500,
    quietPublishEvery: 60_000,
    quietExperimentDuration: 120_000,
    fastPollInterval: 100,
    fastExpectedDelay: 50,
    busyPublishEvery: 500,
    crowdPollInterval: 250,
  },
  hints: [
    'Only handlePoll needs work. It already reads `since`; the answer is what has to change.',
    'A client that says since=3 has seen messages 1, 2 and 3. Send it the messages whose id is greater than since.',
    'Ids are 1, 2, 3, ..., so `messages.filter((m) => m.id > since)` (or `messages.slice(since)`) gives exactly the new ones.',
    'If that list is empty, answer `res.writeHead(204).end()` and return before sending any JSON.',
  ],
});
