// The terminal tab strip: one tab per shell ("Terminal 1", "Terminal 2", …), a "+" to open another, a
// labelled close button on each (Delete on a focused tab does the same). On load it reattaches to the
// shells the server still keeps for this lab, so a reload brings back every tab with its screen.
import type { TerminalInfo } from '../../../server/contracts/terminal.ts';
import { setupTabs } from './tabs.ts';
import { startTerminal, type TerminalView } from './terminal.ts';
import '../../styles/terminal-tabs.css';

export interface TerminalTabs {
  /** The shown terminal's view, if any tab is open. */
  readonly active: TerminalView | undefined;
}

interface Entry {
  tab: HTMLButtonElement;
  item: HTMLElement;
  panel: HTMLElement;
  view: TerminalView;
}

export interface TerminalTabsUi {
  /** The strip: holds the tablist and the "+" button. */
  bar: HTMLElement;
  /** Where each terminal's panel goes (the region labelled "Terminal"). */
  region: HTMLElement;
  /** A panel to clone for each terminal: `[data-terminal-host]` and the ended banner. */
  template: HTMLTemplateElement;
}

let counter = 0;

export function startTerminalTabs(ui: TerminalTabsUi, lab: string, existing: TerminalInfo[]): TerminalTabs {
  const tablist = ui.bar.querySelector<HTMLElement>('[role="tablist"]')!;
  const add = ui.bar.querySelector<HTMLButtonElement>('[data-action="add-terminal"]')!;
  const entries: Entry[] = [];
  let active: Entry | undefined;
  const remembered = `cometlab:terminal:${lab}`;

  const tabs = setupTabs(tablist, {
    onSelect(tab) {
      active = entries.find((entry) => entry.tab === tab);
      if (!active) return;
      if (active.view.id) sessionStorage.setItem(remembered, active.view.id);
    },
  });

  function open(info?: TerminalInfo): Entry {
    const n = ++counter;
    const item = document.createElement('span');
    item.className = 'terminal-tab';
    item.setAttribute('role', 'presentation');
    const tab = document.createElement('button');
    tab.type = 'button';
    tab.setAttribute('role', 'tab');
    tab.id = `terminal-tab-${n}`;
    tab.setAttribute('aria-controls', `terminal-panel-${n}`);
    tab.tabIndex = -1;
    const close = document.createElement('button');
    close.type = 'button';
    close.className = 'terminal-close';
    close.tabIndex = -1;
    close.textContent = '×';
    item.append(tab, close);
    tablist.append(item);

    const panel = ui.template.content.firstElementChild!.cloneNode(true) as HTMLElement;
    panel.id = `terminal-panel-${n}`;
    panel.setAttribute('role', 'tabpanel');
    panel.setAttribute('aria-labelledby', tab.id);
    panel.hidden = true;
    ui.region.append(panel);

    const name = (text: string) => {
      tab.textContent = text;
      close.setAttribute('aria-label', `Close ${text}`);
      close.title = `Close ${text}`;
    };
    name(info?.name ?? `Terminal ${n}`);
    const view = startTerminal(panel, lab, { id: info?.id, onNamed: name });
    const entry: Entry = { tab, item, panel, view };
    entries.push(entry);
    close.addEventListener('click', () => remove(entry));
    // A click means "type here"; arrow keys only move along the strip, so they keep the focus on it.
    tab.addEventListener('click', () => requestAnimationFrame(() => view.term.focus()));
    return entry;
  }

  function remove(entry: Entry): void {
    const index = entries.indexOf(entry);
    if (index < 0) return;
    entry.view.close();
    entry.item.remove();
    entry.panel.remove();
    entries.splice(index, 1);
    if (active === entry) active = undefined;
    const next = entries[Math.min(index, entries.length - 1)];
    if (next) tabs.select(next.tab, document.activeElement === document.body);
  }

  add.addEventListener('click', () => {
    const entry = open();
    tabs.select(entry.tab);
    requestAnimationFrame(() => entry.view.term.focus());
  });
  tablist.addEventListener('keydown', (event) => {
    if (event.key !== 'Delete') return;
    const entry = entries.find((e) => e.tab === document.activeElement);
    if (!entry) return;
    event.preventDefault();
    remove(entry);
    if (active) active.tab.focus();
    else add.focus();
  });

  ui.bar.hidden = false;
  for (const info of existing) open(info);
  if (entries.length === 0) open();
  const wanted = sessionStorage.getItem(remembered);
  tabs.select((entries.find((entry) => entry.view.id === wanted) ?? entries[0]!).tab);

  return {
    get active() {
      return active?.view;
    },
  };
}
