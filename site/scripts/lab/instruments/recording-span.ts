// The stretch of time a recorded run covers, so the replayed timeline shows all of it at once. Pure.
import type { Recording } from '../../../../server/contracts/instruments.ts';

/** The span the recording covers: from the first request or publish to the last answer. */
export function recordingSpan(recording: Recording): { startMs: number; endMs: number } {
  let startMs = Infinity;
  let endMs = -Infinity;
  for (const message of recording.messages) {
    if (message.type !== 'hello' && message.type !== 'traffic') continue;
    for (const exchange of message.exchanges) {
      startMs = Math.min(startMs, exchange.at);
      endMs = Math.max(endMs, exchange.at + (exchange.endMs ?? 0));
    }
    for (const mark of message.publishes) {
      startMs = Math.min(startMs, mark.at);
      endMs = Math.max(endMs, mark.at);
    }
  }
  return Number.isFinite(startMs) ? { startMs, endMs: Math.max(endMs, startMs + 1000) } : { startMs: 0, endMs: 1000 };
}
