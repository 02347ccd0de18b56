// Puts the workbench together: asks the playground what it is, then starts the editor, the terminal,
// the events channel and the toolbar. Without a playground (a static copy of the site) it shows the
// starter code read-only and says how to run the lab locally.
import { api, fetchStatus } from './api.ts';
import { bindControls, describeService, showNotice } from './controls.ts';
import type { EditorFile, WorkbenchEditor } from './editor.ts';
import { listenToEvents } from './events.ts';
import { createOutputView } from './output-view.ts';
import { createSaver, type SaveState } from './saver.ts';
import { armInstruments } from './instruments/arm.ts';
import { showSandbox } from './sandbox-status.ts';
import type { Boot } from './boot.ts';
import type { Tabs } from './tabs.ts';
import type { EventMessage, TerminalInfo } from '../../../server/contracts/terminal.ts';

declare global {
  interface Window {
    /** Handles for tests and the curious: the xterm instance and the Monaco editor. */
    __cometlab?: { term?: unknown; editor?: WorkbenchEditor['editor']; problems?: WorkbenchEditor['problems'] };
  }
}

function find<T extends HTMLElement = HTMLElement>(root: HTMLElement, selector: string): T {
  const found = root.querySelector<T>(selector);
  if (!found) throw new Error(`workbench markup lacks ${selector}`);
  return found;
}

function showSaveState(target: HTMLElement, state: SaveState): void {
  target.dataset.state = state.kind;
  // Announce only trouble; "Saving…/Saved" on every keystroke would drown a screen reader.
  if (state.kind === 'error') target.setAttribute('role', 'alert');
  else target.removeAttribute('role');
  target.textContent = state.kind === 'saved' ? 'Saved' : state.kind === 'saving' ? 'Saving…' : `Not saved yet, retrying. ${state.message}`;
}

/** How long the terminals wait for the list of shells kept for this page before opening a new one. */
const KEPT_TERMINALS_WAIT_MS = 3000;

/**
 * Opens the events channel at once, hands its first list of terminals to `listed`, and keeps other
 * events until a handler is given (the controls that show them start after the editor).
 */
function collectEvents(lab: string, listed: (terminals: TerminalInfo[]) => void) {
  const early: EventMessage[] = [];
  let handler: ((event: EventMessage) => void) | undefined;
  listenToEvents(lab, (event) => {
    if (event.type === 'terminals') listed(event.terminals);
    else if (handler) handler(event);
    else early.push(event);
  });
  return {
    deliver(onEvent: (event: EventMessage) => void): void {
      handler = onEvent;
      for (const event of early.splice(0)) onEvent(event);
    },
  };
}

function armInstrumentsTab(root: HTMLElement, lab: string, mode: 'live' | 'recorded', panelTabs: Tabs): void {
  const tab = find(root, '#tab-instruments');
  armInstruments({ host: find(root, '[data-instruments]'), tab, lab, mode, reveal: () => panelTabs.select(tab) });
}

/** Monaco is by far the largest piece; fetch it while the rest starts. */
const loadEditor = () => import('./editor.ts');

async function browseMode(root: HTMLElement, boot: Boot, editorModule: ReturnType<typeof loadEditor>, panelTabs: Tabs): Promise<void> {
  root.dataset.state = 'browse';
  armInstrumentsTab(root, boot.lab, 'recorded', panelTabs);
  const notice = find(root, '[data-notice]');
  notice.hidden = false;
  notice.innerHTML = '<p><strong>Read-only copy.</strong> No playground is running behind this page, so the code cannot run here.</p>'
    + '<p>To do this lab, clone the repository, run <code>npm start</code>, and open <code>http://127.0.0.1:4321'
    + `/labs/${encodeURIComponent(boot.lab)}/</code>.</p>`;
  const terminal = find(root, '[data-terminal]');
  terminal.innerHTML = '<p class="terminal-note">The terminal needs the local playground: run <code>npm start</code> in the repository.</p>';
  const { createEditor } = await editorModule;
  const editor = createEditor({
    host: find(root, '[data-editor]'),
    tablist: find(root, '[data-file-tabs]'),
    files: boot.files,
    readOnly: true,
    onEdit: () => undefined,
  });
  window.__cometlab = { editor: editor.editor, problems: editor.problems };
}

export async function runWorkbench(root: HTMLElement, boot: Boot, panelTabs: Tabs): Promise<void> {
  const editorModule = loadEditor();
  const status = await fetchStatus();
  if (!status) {
    await browseMode(root, boot, editorModule, panelTabs);
    return;
  }
  showSandbox(find(root, '[data-sandbox-status]'), find(root, '[data-sandbox-banner]'), status.launcher);
  const notice = find(root, '[data-notice]');
  let detail;
  try {
    detail = await api.lab(boot.lab);
  } catch (error) {
    showNotice(notice, `This lab could not be opened: ${error instanceof Error ? error.message : String(error)}`);
    root.dataset.state = 'failed';
    return;
  }
  armInstrumentsTab(root, boot.lab, 'live', panelTabs);

  // The terminals are light; start them first so a shell is ready while Monaco loads. The events channel
  // opens first because its first message lists the shells the server kept for this page (a reload).
  const openTerminals = import('./terminal-tabs.ts');
  let listed: (terminals: TerminalInfo[]) => void = () => undefined;
  const kept = new Promise<TerminalInfo[]>((resolve) => { listed = resolve; });
  setTimeout(() => listed([]), KEPT_TERMINALS_WAIT_MS);
  const events = collectEvents(boot.lab, listed);
  const { startTerminalTabs } = await openTerminals;
  const terminals = startTerminalTabs({
    bar: find(root, '[data-terminal-bar]'),
    region: find(root, '[data-terminal]'),
    template: find<HTMLTemplateElement>(root, '[data-terminal-template]'),
  }, boot.lab, await kept);
  window.__cometlab = { get term() { return terminals.active?.term; } };

  const saveStatus = find(root, '[data-save-status]');
  const saver = createSaver(
    (path, content, keepalive) => api.save(boot.lab, path, content, keepalive),
    (state) => showSaveState(saveStatus, state),
  );
  const files: EditorFile[] = detail.files;
  const { createEditor } = await editorModule;
  const editor = createEditor({
    host: find(root, '[data-editor]'),
    tablist: find(root, '[data-file-tabs]'),
    files,
    readOnly: false,
    onEdit: (path, content) => saver.edit(path, content),
  });
  window.__cometlab = { get term() { return terminals.active?.term; }, editor: editor.editor, problems: editor.problems };
  editor.editor.onDidBlurEditorText(() => void saver.flush().catch(() => undefined));
  addEventListener('pagehide', () => saver.flushOnExit());

  const controls = bindControls(
    { root, status: find(root, '[data-app-status]'), checks: find(root, '[data-checks]'), checksTab: find(root, '#tab-checks'), notice },
    { lab: boot.lab, appPort: detail.lab.ports.app, files, editor, saver, panelTabs },
  );
  controls.showState(detail.app);

  const output = createOutputView(find(root, '[data-output]'));
  events.deliver((event) => {
    if (event.type === 'app-state') controls.showState(event);
    else if (event.type === 'app-output') output.append(event.stream, event.text);
    else if (event.type === 'service-state') {
      const badge = root.querySelector<HTMLElement>(`[data-service-status="${event.service}"]`);
      if (badge) {
        badge.textContent = describeService(event.service, event);
        badge.dataset.state = event.state;
      }
    } else if (event.type === 'service-output') output.append(event.stream, `[${event.service}] ${event.text}`);
    else if (event.type === 'files-reset') editor.replaceFiles(event.files);
    else if (event.type === 'sandbox-ended') {
      showNotice(notice, `Your sandbox stopped (${event.reason}). A new one starts when you next use it; your files are safe.`);
    }
  });
  root.dataset.state = 'ready';
}
