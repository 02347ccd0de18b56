// WAI-ARIA tabs with automatic activation: arrows, Home and End move between tabs; only the selected
// tab is in the Tab order. Panels named by aria-controls are shown and hidden unless the caller
// manages its own content (the file tabs share one editor panel).
export interface Tabs {
  select(tab: HTMLElement, focus?: boolean): void;
  selectByIndex(index: number): void;
}

export interface TabsOptions {
  onSelect?: (tab: HTMLElement, index: number) => void;
  /** Every tab controls the same panel, whose content the caller swaps. */
  sharedPanel?: boolean;
}

export function setupTabs(tablist: HTMLElement, { onSelect, sharedPanel = false }: TabsOptions = {}): Tabs {
  const tabs = () => [...tablist.querySelectorAll<HTMLElement>('[role="tab"]')];

  function select(tab: HTMLElement, focus = false): void {
    const all = tabs();
    for (const other of all) {
      const selected = other === tab;
      other.setAttribute('aria-selected', String(selected));
      other.tabIndex = selected ? 0 : -1;
      const panel = sharedPanel ? null : document.getElementById(other.getAttribute('aria-controls') ?? '');
      if (panel) panel.hidden = !selected;
    }
    if (sharedPanel) document.getElementById(tab.getAttribute('aria-controls') ?? '')?.setAttribute('aria-labelledby', tab.id);
    if (focus) tab.focus();
    onSelect?.(tab, all.indexOf(tab));
  }

  tablist.addEventListener('click', (event) => {
    const tab = (event.target as HTMLElement).closest<HTMLElement>('[role="tab"]');
    if (tab && tablist.contains(tab)) select(tab);
  });
  tablist.addEventListener('keydown', (event) => {
    const all = tabs();
    const index = all.indexOf(document.activeElement as HTMLElement);
    if (index < 0) return;
    const target = {
      ArrowRight: all[(index + 1) % all.length],
      ArrowLeft: all[(index - 1 + all.length) % all.length],
      Home: all[0],
      End: all[all.length - 1],
    }[event.key];
    if (!target) return;
    event.preventDefault();
    select(target, true);
  });

  return {
    select,
    selectByIndex: (index) => { const tab = tabs()[index]; if (tab) select(tab); },
  };
}
