// The code editor: one Monaco model per workspace file, switched by the file tabs; the reference
// solution shown as a read-only comparison with the learner's code; theme following the site.
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
  /** Compares the learner's files with the solution's, side by side (inline when narrow). */
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
  let solution: typeof workspace | undefined;
  let current = 0;
  let applyingServerText = false;
  const viewStates = new WeakMap<monaco.editor.ITextModel, monaco.editor.ICodeEditorViewState>();

  const noteLine = tablist.parentElement?.querySelector<HTMLElement>('[data-editor-note]') ?? null;
  const editorHost = document.createElement('div');
  const diffHost = document.createElement('div');
  for (const child of [editorHost, diffHost]) child.style.cssText = 'position: absolute; inset: 0;';
  diffHost.hidden = true;
  host.replaceChildren(editorHost, diffHost);
  let diff: monaco.editor.IStandaloneDiffEditor | undefined;
  const editor = monaco.editor.create(editorHost, {
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

  function openDiff(index: number): void {
    diff ??= monaco.editor.createDiffEditor(diffHost, {
      ariaLabel: 'Your code compared with the reference solution',
      theme: themeName(currentTheme()),
      readOnly: true,
      originalEditable: false,
      automaticLayout: true,
      renderSideBySide: true,
      useInlineViewWhenSpaceIsLimited: true,
      minimap: { enabled: false },
      fontSize: 14,
      scrollBeyondLastLine: false,
    });
    const pair = { original: workspace[index]!.model, modified: solution![index]!.model };
    diff.setModel(pair);
    if (noteLine) noteLine.textContent = 'From your code to the solution: red goes, green comes (read-only)';
  }

  function open(index: number): void {
    const entry = workspace[index];
    if (!entry) return;
    current = index;
    if (solution) {
      openDiff(index);
      return;
    }
    const leaving = editor.getModel();
    const state = editor.saveViewState();
    if (leaving && state) viewStates.set(leaving, state);
    editor.setModel(entry.model);
    const previous = viewStates.get(entry.model);
    if (previous) editor.restoreViewState(previous);
    const note = readOnly || !entry.file.editable ? 'Read-only' : '';
    editor.updateOptions({ readOnly: note !== '' });
    if (noteLine) noteLine.textContent = note;
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
      solution = workspace.map(({ file }) => {
        const match = next.find((candidate) => candidate.path === file.path) ?? file;
        return { file: match, model: modelFor(SOLUTION_ROOT, match) };
      });
      editorHost.hidden = true;
      diffHost.hidden = false;
      tabs.selectByIndex(current);
    },
    problems() {
      return workspace.flatMap(({ file, model }) =>
        monaco.editor.getModelMarkers({ resource: model.uri }).map((marker) => ({ path: file.path, line: marker.startLineNumber, message: marker.message })));
    },
    showWorkspace() {
      solution = undefined;
      diff?.setModel(null);
      diffHost.hidden = true;
      editorHost.hidden = false;
      tabs.selectByIndex(current);
      editor.focus();
    },
  };
}
