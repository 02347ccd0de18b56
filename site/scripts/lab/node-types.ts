// The text of @types/node (and undici-types, which it imports), bundled as one lazily loaded chunk
// and laid out under file:///node_modules/ so TypeScript finds them the way it would on disk.
const texts = import.meta.glob<string>(
  [
    '/node_modules/@types/node/**/*.d.ts',
    '!/node_modules/@types/node/ts5.*/**',
    '/node_modules/undici-types/*.d.ts',
  ],
  { eager: true, query: '?raw', import: 'default' },
);

const packageFiles = [
  { filePath: 'file:///node_modules/@types/node/package.json', content: '{"name":"@types/node","types":"index.d.ts"}' },
  { filePath: 'file:///node_modules/undici-types/package.json', content: '{"name":"undici-types","types":"index.d.ts"}' },
];

export function nodeTypeFiles(): Array<{ filePath: string; content: string }> {
  return [
    ...packageFiles,
    ...Object.entries(texts).map(([path, content]) => ({ filePath: `file://${path}`, content })),
  ];
}
