// The lab page's only eager script: wires the panel tabs, then loads the workbench (Monaco, xterm)
// once the page is idle so first paint and the lesson text never wait for them.
import { setupTabs } from './tabs.ts';

export interface Boot {
  lab: string;
  entry: string;
  files: Array<{ path: string; content: string; editable: boolean }>;
}

function whenIdle(task: () => void): void {
  const later = () => ('requestIdleCallback' in window ? requestIdleCallback(task, { timeout: 800 }) : setTimeout(task, 50));
  if (document.readyState === 'complete') later();
  else addEventListener('load', later, { once: true });
}

export function startWorkbench(root: HTMLElement): void {
  const boot = JSON.parse(root.querySelector('[data-workbench-boot]')?.textContent ?? '{}') as Boot;
  const panelTabs = setupTabs(root.querySelector<HTMLElement>('[data-panel-tabs]')!);
  whenIdle(() => {
    import('./workbench.ts')
      .then(({ runWorkbench }) => runWorkbench(root, boot, panelTabs))
      .catch((error: unknown) => {
        root.dataset.state = 'failed';
        const notice = root.querySelector<HTMLElement>('[data-notice]');
        if (notice) {
          notice.hidden = false;
          notice.textContent = `The workbench could not load (${error instanceof Error ? error.message : String(error)}). Reload the page to try again.`;
        }
      });
  });
}
