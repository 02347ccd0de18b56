// The site theme: the visitor's stored choice, else the system preference. Layouts/Base.astro applies
// it before first paint; this module flips it and tells listeners (the editor, the terminal).
export type Theme = 'light' | 'dark';

const STORAGE_KEY = 'cometlab-theme';
export const THEME_EVENT = 'cometlab:theme';

export function currentTheme(): Theme {
  return document.documentElement.dataset.theme === 'dark' ? 'dark' : 'light';
}

function applyTheme(theme: Theme): void {
  document.documentElement.dataset.theme = theme;
  document.dispatchEvent(new CustomEvent<Theme>(THEME_EVENT, { detail: theme }));
}

export function onThemeChange(listener: (theme: Theme) => void): void {
  document.addEventListener(THEME_EVENT, (event) => listener((event as CustomEvent<Theme>).detail));
}

function storedTheme(): Theme | null {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return value === 'light' || value === 'dark' ? value : null;
  } catch {
    return null; // storage can be blocked; the system preference still applies
  }
}

export function bindThemeToggle(button: HTMLButtonElement): void {
  const show = () => button.setAttribute('aria-pressed', String(currentTheme() === 'dark'));
  show();
  button.addEventListener('click', () => {
    const next: Theme = currentTheme() === 'dark' ? 'light' : 'dark';
    try { localStorage.setItem(STORAGE_KEY, next); } catch { /* the choice then lasts for this page only */ }
    applyTheme(next);
    show();
  });
  // Follow the system while the visitor has not chosen.
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', (event) => {
    if (storedTheme()) return;
    applyTheme(event.matches ? 'dark' : 'light');
    show();
  });
}
