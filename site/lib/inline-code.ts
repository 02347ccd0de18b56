// Lab hints are plain text with `code` in backticks; this turns them into safe HTML.
const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function inlineCodeToHtml(text: string): string {
  const escaped = text.replace(/[&<>"']/g, (character) => escapes[character]!);
  return escaped.replace(/`([^`]+)`/g, '<code>$1</code>');
}
