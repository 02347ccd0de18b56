// A small drawing of the chain: one line per hop as long as its clock runs, the moment a message is
// published, and where the poll ended and why. The same drawing serves the prediction and the real run.
import type { ChainInput } from '../../../../server/instruments/timeout-chain.ts';

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 320;
const ROW = 22;
const LEFT = 52;

export interface ChainEnding { atS: number; label: string; hop: 'client' | 'nginx' | 'app' | null }

function node(name: string, attributes: Record<string, string | number>, text?: string): SVGElement {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

export function drawChain(svg: SVGSVGElement, input: ChainInput, ending: ChainEnding | null): void {
  const hops: Array<{ hop: ChainEnding['hop']; name: string; seconds: number }> = [{ hop: 'client', name: 'client', seconds: input.clientS }];
  if (input.nginxS !== null) hops.push({ hop: 'nginx', name: 'nginx', seconds: input.nginxS });
  hops.push({ hop: 'app', name: 'app', seconds: input.appS });
  const span = Math.max(1, ...hops.map((hop) => hop.seconds), input.messageAtS ?? 0, ending?.atS ?? 0) * 1.08;
  const x = (seconds: number) => LEFT + (seconds / span) * (WIDTH - LEFT - 8);
  const height = hops.length * ROW + 30;
  svg.setAttribute('viewBox', `0 0 ${WIDTH} ${height}`);
  const parts: SVGElement[] = [];
  hops.forEach((hop, index) => {
    const y = 14 + index * ROW;
    parts.push(node('text', { x: 0, y: y + 4, class: 'hop-name' }, hop.name));
    parts.push(node('line', { x1: x(0), x2: x(hop.seconds), y1: y, y2: y, class: `hop-line${ending?.hop === hop.hop ? ' ended' : ''}` }));
    parts.push(node('circle', { cx: x(hop.seconds), cy: y, r: 3, class: 'hop-end' }));
    parts.push(node('text', { x: x(hop.seconds) + 5, y: y + 4, class: 'hop-time' }, `${hop.seconds} s`));
  });
  const bottom = 14 + (hops.length - 1) * ROW + 8;
  if (input.messageAtS !== null) {
    parts.push(node('line', { x1: x(input.messageAtS), x2: x(input.messageAtS), y1: 4, y2: bottom, class: 'message-mark' }));
  }
  if (ending) {
    parts.push(node('line', { x1: x(ending.atS), x2: x(ending.atS), y1: 2, y2: bottom + 4, class: 'ending-mark' }));
    const label = node('text', { x: Math.min(x(ending.atS), WIDTH - 4), y: bottom + 18, class: 'ending-label', 'text-anchor': x(ending.atS) > WIDTH / 2 ? 'end' : 'start' }, ending.label);
    parts.push(label);
  }
  svg.replaceChildren(...parts);
}
