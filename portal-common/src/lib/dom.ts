/**
 * Building DOM without HTML strings. Every string child becomes a Text node, so untrusted data (item fields,
 * instructions, job titles, error details) can never turn into markup. Nothing in this portal uses innerHTML.
 */

export type Child = Node | string | number | null | undefined | false | readonly Child[];

export type AttrValue = string | number | boolean | null | undefined;
export type Handler = (event: Event) => void;
export type Attrs = Record<string, AttrValue | Handler>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Attrs | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs) setAttrs(el, attrs);
  append(el, ...children);
  return el;
}

export function setAttrs(el: Element, attrs: Attrs): void {
  for (const [name, value] of Object.entries(attrs)) {
    if (name.startsWith('on')) {
      // Handlers are functions from our code; a string here would be an inline script, which we never allow.
      if (typeof value !== 'function') throw new Error(`Refusing non-function event handler ${name}`);
      el.addEventListener(name.slice(2).toLowerCase(), value as EventListener);
      continue;
    }
    if (typeof value === 'function') throw new Error(`Function given for attribute ${name}`);
    if (value === null || value === undefined || value === false) continue;
    el.setAttribute(name, value === true ? '' : String(value));
  }
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) {
      append(parent, ...(child as Child[]));
    } else if (child instanceof Node) {
      parent.appendChild(child);
    } else {
      parent.appendChild(document.createTextNode(String(child)));
    }
  }
}

/** Replaces all children of `parent`. */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  while (parent.firstChild) parent.removeChild(parent.firstChild);
  append(parent, ...children);
}


export type LoadState = 'loading' | 'ready' | 'error';

/** Marks a region as loading/ready/error: aria-busy for assistive tech, data-state for end-to-end tests to wait on. */
export function setLoadState(el: Element, state: LoadState): void {
  el.setAttribute('data-state', state);
  if (state === 'loading') el.setAttribute('aria-busy', 'true');
  else el.removeAttribute('aria-busy');
}
