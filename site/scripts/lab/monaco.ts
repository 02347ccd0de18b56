// Monaco, bundled locally from its tree-shakeable entry points, with TypeScript set up the way Node 24
// runs learner code (type stripping): ES modules, NodeNext resolution, `.ts` imports, erasable syntax,
// and @types/node so `node:http` resolves and hovers and completions work.
import * as monaco from 'monaco-editor/editor';
import 'monaco-editor/features/register.all';
import 'monaco-editor/languages/definitions/typescript/register';
import { typescriptDefaults, type CompilerOptions } from 'monaco-editor/languages/features/typescript/register';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import TsWorker from 'monaco-editor/language/typescript/ts.worker?worker';

self.MonacoEnvironment = {
  getWorker: (_id: string, label: string) =>
    label === 'typescript' || label === 'javascript' ? new TsWorker() : new EditorWorker(),
};

/** Folders that hold editor models; each gets a package.json saying its .ts files are ES modules. */
export const WORKSPACE_ROOT = 'file:///workspace/';
export const SOLUTION_ROOT = 'file:///solution/';

// TypeScript's numeric enum values (Monaco's own enums stop at older members).
const ES2024 = 11;
const MODULE_NODENEXT = 199;
const RESOLUTION_NODENEXT = 99;

const compilerOptions: CompilerOptions = {
  target: ES2024 as CompilerOptions['target'],
  module: MODULE_NODENEXT as CompilerOptions['module'],
  moduleResolution: RESOLUTION_NODENEXT as CompilerOptions['moduleResolution'],
  // A file name: these options reach TypeScript as they are, not through tsconfig's 'es2024' shorthand.
  lib: ['lib.es2024.d.ts'],
  types: ['node'],
  strict: true,
  noEmit: true,
  allowImportingTsExtensions: true,
  verbatimModuleSyntax: true,
  erasableSyntaxOnly: true,
  skipLibCheck: true,
};

let typesLoaded: Promise<void> | undefined;

/** Loads @types/node into the TypeScript worker once; the editor is usable before this finishes. */
export function loadNodeTypes(): Promise<void> {
  typesLoaded ??= import('./node-types.ts').then(({ nodeTypeFiles }) => {
    const moduleMarker = JSON.stringify({ type: 'module' });
    typescriptDefaults.setExtraLibs([
      ...nodeTypeFiles(),
      { filePath: `${WORKSPACE_ROOT}package.json`, content: moduleMarker },
      { filePath: `${SOLUTION_ROOT}package.json`, content: moduleMarker },
    ]);
  });
  return typesLoaded;
}

typescriptDefaults.setCompilerOptions(compilerOptions);
typescriptDefaults.setEagerModelSync(true);

monaco.editor.defineTheme('cometlab-light', {
  base: 'vs', inherit: true, rules: [],
  colors: { 'editor.background': '#ffffff' },
});
monaco.editor.defineTheme('cometlab-dark', {
  base: 'vs-dark', inherit: true, rules: [],
  colors: { 'editor.background': '#171b20', 'editorGutter.background': '#171b20' },
});

export { monaco };
