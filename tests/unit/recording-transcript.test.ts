// The terminal part of a recording reads as the learner's own session: lab ports and folders instead of
// this run's free ones, and long output cut with a count of what was left out.
import { describe, expect, test } from 'vitest';
import { transcript } from '../../scripts/recording/transcript.ts';

describe('transcript', () => {
  test('host ports become the lab ports and temporary folders the learner\'s, as whole words only', () => {
    const text = transcript(
      [{ command: 'node chain.ts', output: 'app :41234 and nginx 127.0.0.1:39001, not 412345; logs in /tmp/cometlab-nginx-x1/logs\n' }],
      { 8999: 41234, 8888: 39001 },
      { '/tmp/cometlab-nginx-x1': '~/nginx' },
    );
    expect(text).toBe('$ node chain.ts\napp :8999 and nginx 127.0.0.1:8888, not 412345; logs in ~/nginx/logs\n');
  });

  test('several commands follow each other, and output past the line limit is cut with a count', () => {
    const long = Array.from({ length: 5 }, (_, i) => `line ${i}`).join('\n');
    const text = transcript([{ command: 'a', output: 'one\n' }, { command: 'b', output: long }], {}, {}, 3);
    expect(text.split('\n')).toEqual(['$ a', 'one', '$ b', 'line 0', 'line 1', 'line 2', '... (2 more lines)', '']);
  });

  test('a port that is not running is left alone', () => {
    expect(transcript([{ command: 'x', output: 'port 8999\n' }], { 8888: undefined }, {})).toBe('$ x\nport 8999\n');
  });
});
