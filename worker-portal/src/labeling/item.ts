/**
 * Shows one item's data. The data is the requester's, so it is untrusted: text goes into Text nodes, an image
 * only loads from an allow-listed URL, and everything else becomes a key/value table of plain text.
 */
import { h } from '@common/lib/dom';
import { safeImageSrc } from '../lib/url';

const TEXT_KEYS = ['text'];
const IMAGE_KEYS = ['image_url', 'imageUrl'];

export function renderItem(data: Record<string, unknown>): HTMLElement {
  const parts: HTMLElement[] = [];
  const shown = new Set<string>();

  const imageKey = IMAGE_KEYS.find((k) => typeof data[k] === 'string');
  if (imageKey) {
    const raw = data[imageKey] as string;
    const src = safeImageSrc(raw);
    shown.add(imageKey);
    if (src) {
      const img = h('img', {
        src,
        alt: typeof data.alt === 'string' ? data.alt : 'Item image',
        class: 'item-image',
        referrerpolicy: 'no-referrer',
        decoding: 'async',
      });
      const fallback = h('p', { class: 'item-image-error', hidden: true }, 'The image could not be loaded: ', h('code', null, raw));
      img.addEventListener('error', () => {
        img.hidden = true;
        fallback.hidden = false;
      });
      parts.push(h('figure', { class: 'item-figure' }, img, fallback));
      if (typeof data.alt === 'string') shown.add('alt');
    } else {
      parts.push(h('p', { class: 'item-image-error' }, 'This image link is not allowed: ', h('code', null, raw)));
    }
  }

  const textKey = TEXT_KEYS.find((k) => typeof data[k] === 'string');
  if (textKey) {
    shown.add(textKey);
    parts.push(h('div', { class: 'item-text' }, data[textKey] as string));
  }

  const rest = Object.entries(data).filter(([k]) => !shown.has(k));
  if (rest.length > 0 || parts.length === 0) parts.push(renderRecord(rest));

  return h('div', { class: 'item-body' }, parts);
}

export function renderRecord(entries: [string, unknown][]): HTMLElement {
  if (entries.length === 0) return h('p', { class: 'muted' }, 'This item has no data.');
  return h(
    'table',
    { class: 'kv-table' },
    h('caption', { class: 'visually-hidden' }, 'Item fields'),
    h(
      'tbody',
      null,
      entries.map(([key, value]) => h('tr', null, h('th', { scope: 'row' }, key), h('td', null, displayValue(value)))),
    ),
  );
}

/** A field value as text: strings as they are, everything else as compact JSON. */
export function displayValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '—';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
