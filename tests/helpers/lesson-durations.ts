// The durations a lesson quotes in its prose and commands, in ms, so a test can hold them to the lab's
// `timing`. Sample output in ```text blocks is measured, not quoted, so it is left out.
export function quotedDurations(lesson: string): number[] {
  const prose = lesson.replace(/^```text[\s\S]*?^```/gm, '');
  const all = (pattern: RegExp, scale: number) => [...prose.matchAll(pattern)].map((m) => Math.round(Number(m[1]) * scale));
  return [
    ...all(/(\d+(?:\.\d+)?) ms\b/g, 1),
    ...all(/(\d+(?:\.\d+)?) s\b/g, 1000),
    ...all(/--(?:timeout|duration) (\d+(?:\.\d+)?)/g, 1000),
    ...all(/--(?:publish-every|interval) (\d+)/g, 1),
  ];
}
