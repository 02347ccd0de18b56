// The timeout chain: sliders for the three hops and the message time, the prediction of
// server/instruments/timeout-chain.ts (pure, shared with the server) as words and a drawing, and
// "Try it", which runs the real poll and draws what happened beside the prediction.
import type { ChainResult } from '../../../../server/contracts/instruments.ts';
import { predictChain, type ChainInput, type ChainPrediction } from '../../../../server/instruments/timeout-chain.ts';
import { drawChain } from './chain-drawing.ts';
import type { InstrumentsApi } from './instruments-api.ts';

const seen: Record<ChainPrediction['outcome'] | ChainResult['outcome'], string> = {
  data: '200 with the message',
  empty: '204, no news',
  'gateway-timeout': '504 Gateway Time-out',
  'client-abort': 'nothing: the client gives up',
  error: 'an error',
};

const endedBy = { app: 'the app answers', nginx: 'nginx gives up waiting for the app', client: 'the client stops waiting' };

export function describePrediction(prediction: ChainPrediction): string {
  const logged = prediction.nginxLogs === null ? '' : ` nginx logs ${prediction.nginxLogs}.`;
  const race = prediction.race ? ` A race: ${prediction.race.why}.` : '';
  const what = prediction.outcome === 'client-abort'
    ? `The client gets nothing: it stops waiting after ${prediction.atS} s, before any answer comes.`
    : `The client gets ${seen[prediction.outcome]} after ${prediction.atS} s: ${endedBy[prediction.endedBy]} first.`;
  return `${what}${logged}${race}`;
}

function readInput(form: HTMLFormElement): ChainInput {
  const value = (name: string) => (form.elements.namedItem(name) as HTMLInputElement | null);
  const noMessage = value('noMessage')!.checked;
  value('messageAtS')!.disabled = noMessage;
  return {
    clientS: Number(value('clientS')!.value),
    nginxS: value('nginxS') ? Number(value('nginxS')!.value) : null,
    appS: Number(value('appS')!.value),
    messageAtS: noMessage ? null : Number(value('messageAtS')!.value),
  };
}

export function createChainPanel(root: HTMLElement, api: InstrumentsApi | null): void {
  const form = root.querySelector<HTMLFormElement>('[data-chain-form]')!;
  const predictionText = root.querySelector<HTMLElement>('[data-chain-prediction-text]')!;
  const actualText = root.querySelector<HTMLElement>('[data-chain-actual-text]')!;
  const detailText = root.querySelector<HTMLElement>('[data-chain-detail]')!;
  const errorLog = root.querySelector<HTMLElement>('[data-chain-log]')!;
  const tryButton = root.querySelector<HTMLButtonElement>('[data-action="try-chain"]')!;
  const predictionDrawing = root.querySelector<SVGSVGElement>('[data-chain-drawing]')!;
  const actualDrawing = root.querySelector<SVGSVGElement>('[data-chain-actual-drawing]')!;
  tryButton.disabled = !api;

  function update(): ChainInput {
    const input = readInput(form);
    for (const [name, out] of [['clientS', 'clientOut'], ['nginxS', 'nginxOut'], ['appS', 'appOut'], ['messageAtS', 'messageOut']] as const) {
      const slider = form.elements.namedItem(name) as HTMLInputElement | null;
      const output = form.elements.namedItem(out) as HTMLOutputElement | null;
      if (slider && output) output.value = `${slider.value} s`;
    }
    const prediction = predictChain(input);
    predictionText.textContent = describePrediction(prediction);
    root.dataset.predicted = prediction.outcome;
    drawChain(predictionDrawing, input, { atS: prediction.atS, label: `${prediction.status ?? 'abort'} at ${prediction.atS} s`, hop: prediction.endedBy });
    return input;
  }
  form.addEventListener('input', update);
  update();

  tryButton.addEventListener('click', () => {
    if (!api) return;
    const input = update();
    tryButton.disabled = true;
    actualText.textContent = 'Sending the poll…';
    detailText.textContent = '';
    errorLog.hidden = true;
    delete root.dataset.actual;
    api.chain(input).then((result) => {
      const logged = result.nginxLogged === null ? '' : ` nginx logged ${result.nginxLogged}.`;
      actualText.textContent = `Got ${seen[result.outcome]}${result.status ? ` (${result.status})` : ''} after ${result.atS.toFixed(1)} s.${logged}`;
      detailText.textContent = result.detail;
      errorLog.hidden = result.errorLog.length === 0;
      errorLog.textContent = result.errorLog.join('\n');
      root.dataset.actual = result.outcome;
      const hop = result.outcome === 'gateway-timeout' ? 'nginx' : result.outcome === 'client-abort' ? 'client' : result.outcome === 'error' ? null : 'app';
      drawChain(actualDrawing, input, { atS: result.atS, label: `${result.status ?? result.outcome} at ${result.atS.toFixed(1)} s`, hop });
    }, (error: Error) => {
      actualText.textContent = `Could not run the chain: ${error.message}`;
    }).finally(() => { tryButton.disabled = false; });
  });
}
