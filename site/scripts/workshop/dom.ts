// A small element builder for the workshop pages: text is always set as text, never parsed as HTML,
// since most of what they show (names, messages, files) was typed by someone else.
type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K, attributes: Record<string, string> = {}, ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  for (const child of children) if (child) element.append(child);
  return element;
}

/**
 * Makes `container`'s children one element per item, in order. An element whose key and signature are
 * unchanged is kept as it is, so a live page redrawn every few seconds does not pull a button away
 * from under the pointer or the keyboard; only what changed is rebuilt.
 */
export function reconcile<T>(
  container: HTMLElement, items: readonly T[], key: (item: T) => string, signature: (item: T) => string, build: (item: T) => HTMLElement,
): void {
  const existing = new Map<string, HTMLElement>();
  for (const child of container.children) if (child instanceof HTMLElement && child.dataset.key) existing.set(child.dataset.key, child);
  items.forEach((item, index) => {
    const itemKey = key(item);
    const itemSignature = signature(item);
    let element = existing.get(itemKey);
    existing.delete(itemKey);
    if (!element || element.dataset.signature !== itemSignature) {
      const fresh = build(item);
      fresh.dataset.key = itemKey;
      fresh.dataset.signature = itemSignature;
      element?.replaceWith(fresh);
      element = fresh;
    }
    const current = container.children[index] ?? null;
    if (current !== element) container.insertBefore(element, current);
  });
  for (const stale of existing.values()) stale.remove();
  // Whatever was there before the first keyed render (a placeholder) goes too.
  while (container.children.length > items.length) container.lastElementChild!.remove();
}
