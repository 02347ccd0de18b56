// The code editor: one Monaco model per workspace file, switched by the file tabs; a read-only view
// of the reference solution; theme following the site.
import { currentTheme, onThemeChange, type Theme } from '../theme.ts';
import { loadNodeTypes, monaco, SOLUTION_ROOT, WORKSPACE_ROOT } from './monaco.ts';
import { setupTabs } from './tabs.ts';

export interface EditorFile {
  path: string;
  content: string;
  editable: boolean;
}

export interface WorkbenchEditor {
  editor: monaco.editor.IStandaloneCodeEditor;
  /** Replace the files' text without treating it as the learner's edit (after a reset). */
  replaceFiles(files: EditorFile[]): void;
  showSolution(files: EditorFile[]): void;
  showWorkspace(): void;
  /** The TypeScript diagnostics of the learner's files, as the editor shows them. */
  problems(): Array<{ path: string; line: number; message: string }>;
}

interface Options {
  host: HTMLElement;
  tablist: HTMLElement;
  files: EditorFile[];
  /** Nothing is editable (no playground behind the page). */
  readOnly: boolean;
  onEdit(path: string, content: string): void;
}

const themeName = (theme: Theme) => (theme === 'dark' ? 'cometlab-dark' : 'cometlab-light');
const languageOf = (path: string) => (/\.[cm]?ts$/.test(path) ? 'typescript' : /\.json$/.test(path) ? 'json' : 'plaintext');

function modelFor(root: string, file: EditorFile): monaco.editor.ITextModel {
  const uri = monaco.Uri.parse(root + file.path);
  const existing = monaco.editor.getModel(uri);
  if (existing) {
    existing.setValue(file.content);
    return existing;
  }
  return monaco.editor.createModel(file.content, languageOf(file.path), uri);
}

export function createEditor({ host, tablist, files, readOnly, onEdit }: Options): WorkbenchEditor {
  const workspace = files.map((file) => ({ file, model: modelFor(WORKSPACE_ROOT, file) }));
  let showing = workspace;
  let current = 0;
  let applyingServerText = false;
  const viewStates = new WeakMap<monaco.editor.ITextModel, monaco.editor.ICodeEditorViewState>();

  const frame = tablist.parentElement;
  host.replaceChildren();
  const editor = monaco.editor.create(host, {
    model: workspace[0]?.model ?? null,
    ariaLabel: 'Code editor',
    theme: themeName(currentTheme()),
    automaticLayout: true,
    minimap: { enabled: false },
    fontSize: 14,
    tabSize: 2,
    scrollBeyondLastLine: false,
    fixedOverflowWidgets: true,
  });
  onThemeChange((theme) => monaco.editor.setTheme(themeName(theme)));
  void loadNodeTypes();

  for (const { file, model } of workspace) {
    model.onDidChangeContent(() => {
      if (!applyingServerText) onEdit(file.path, model.getValue());
    });
  }

  function open(index: number): void {
    const entry = showing[index];
    if (!entry) return;
    current = index;
    const leaving = editor.getModel();
    const state = editor.saveViewState();
    if (leaving && state) viewStates.set(leaving, state);
    editor.setModel(entry.model);
    const previous = viewStates.get(entry.model);
    if (previous) editor.restoreViewState(previous);
    const note = showing !== workspace ? 'Reference solution, read-only' : readOnly || !entry.file.editable ? 'Read-only' : '';
    editor.updateOptions({ readOnly: note !== '' });
    if (frame) frame.dataset.note = note;
  }

  const tabs = setupTabs(tablist, { sharedPanel: true, onSelect: (_tab, index) => open(index) });
  open(0);

  return {
    editor,
    replaceFiles(next) {
      applyingServerText = true;
      try {
        for (const file of next) workspace.find((entry) => entry.file.path === file.path)?.model.setValue(file.content);
      } finally {
        applyingServerText = false;
      }
    },
    showSolution(next) {
      showing = next.map((file) => ({ file, model: modelFor(SOLUTION_ROOT, file) }));
      tabs.selectByIndex(Math.min(current, showing.length - 1));
    },
    problems() {
      return workspace.flatMap(({ file, model }) =>
        monaco.editor.getModelMarkers({ resource: model.uri }).map((marker) => ({ path: file.path, line: marker.startLineNumber, message: marker.message })));
    },
    showWorkspace() {
      showing = workspace;
      tabs.selectByIndex(Math.min(current, workspace.length - 1));
    },
  };
}
