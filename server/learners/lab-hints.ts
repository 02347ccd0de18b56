// Which hint `lab hint` shows. Progressive: each call without a number shows the next one, so a learner
// reads them gentlest first; a number shows that one and moves the progression past it. Pure logic.

export interface HintChoice {
  ok: boolean;
  text: string;
  /** How far the learner has read after this call (0: none yet). */
  seen: number;
}

export function chooseHint(hints: readonly string[], seen: number, asked: number | null): HintChoice {
  const total = hints.length;
  if (total === 0) return { ok: true, text: 'This lab has no hints. Run `lab check`: each failure says what it expected.', seen };
  if (asked !== null && asked > total) {
    return { ok: false, text: `There ${total === 1 ? 'is only 1 hint' : `are only ${total} hints`}: lab hint 1${total > 1 ? ` to lab hint ${total}` : ''}.`, seen };
  }
  const exhausted = asked === null && seen >= total;
  const number = asked ?? Math.min(seen + 1, total);
  const next = number < total
    ? `(${total - number} more: \`lab hint\` shows hint ${number + 1}.)`
    : exhausted ? `(You have seen all ${total}; \`lab hint N\` shows hint N again.)` : '(That was the last one.)';
  return { ok: true, text: `Hint ${number} of ${total}: ${hints[number - 1]}\n\n${next}`, seen: Math.max(seen, number) };
}
