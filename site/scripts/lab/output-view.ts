// The "Server output" pane: what the learner's app prints, newest last, trimmed so a chatty app
// cannot grow the page without bound.
const MAX_CHARS = 200_000;

export interface OutputView {
  append(stream: 'stdout' | 'stderr' | 'system', text: string): void;
}

export function createOutputView(pre: HTMLElement): OutputView {
  let chars = 0;
  let fresh = true;
  return {
    append(stream, text) {
      if (fresh) { pre.replaceChildren(); fresh = false; }
      const stick = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 8;
      const span = document.createElement('span');
      if (stream !== 'stdout') span.className = stream;
      span.textContent = stream === 'system' && !text.endsWith('\n') ? `${text}\n` : text;
      pre.append(span);
      chars += text.length;
      while (chars > MAX_CHARS && pre.firstChild) {
        chars -= pre.firstChild.textContent?.length ?? 0;
        pre.firstChild.remove();
      }
      if (stick) pre.scrollTop = pre.scrollHeight;
    },
  };
}
