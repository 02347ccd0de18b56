// The course outline: every lab in order, whether or not its folder exists yet. A lab is ready when
// labs/<NN>-<id>/lab.ts exists; the site marks the rest "coming soon".
import { courseEntrySchema, type CourseEntry } from '../server/contracts/lab.ts';

const outline: CourseEntry[] = [
  { id: 'short-polling', number: 1, title: 'Short polling',
    summary: 'Clients ask again and again. Count what that costs in requests, empty answers and delay.' },
  { id: 'blocking-sleep', number: 2, title: 'A blocking sleep',
    summary: 'Make one request wait the wrong way and watch every other client of your server freeze.' },
  { id: 'timers', number: 3, title: 'Non-blocking timers',
    summary: 'Wait with timers instead, so one slow request no longer holds up the rest.' },
  { id: 'comet', number: 4, title: 'Comet: long polling',
    summary: 'Hold each request open until there is news, then answer every waiter at once, losing nothing.' },
  { id: 'timeouts', number: 5, title: 'Timeouts and disconnects',
    summary: 'Give every wait an end, and forget clients that went away before leaks pile up.' },
  { id: 'nginx', number: 6, title: 'Behind nginx',
    summary: 'Put a real nginx in front, cause its 504 Gateway Time-out, and fix the chain of timeouts.' },
  { id: 'scaling-out', number: 7, title: 'Scaling out',
    summary: 'Run a process per core behind an nginx upstream and share messages through Redis.' },
  { id: 'beyond-comet', number: 8, title: 'Beyond comet',
    summary: 'Serve the same feed over Server-Sent Events and WebSocket, and know when to pick which.' },
];

export const course: readonly CourseEntry[] = outline.map((entry) => courseEntrySchema.parse(entry));
